"""The course's paired yardstick: known cases give the verdicts they must, and an unpaired copy is caught."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers import compare as paired


def predictions(truth: np.ndarray, a_only: int, b_only: int, both_wrong: int) -> tuple[np.ndarray, np.ndarray]:
    """Two models' labels on the same images with the given counts of images only A, only B, neither gets right."""
    wrong = (truth + 1) % 10
    a, b = truth.copy(), truth.copy()
    b[:a_only] = wrong[:a_only]
    a[a_only : a_only + b_only] = wrong[a_only : a_only + b_only]
    end = a_only + b_only + both_wrong
    a[a_only + b_only : end] = wrong[a_only + b_only : end]
    b[a_only + b_only : end] = wrong[a_only + b_only : end]
    return a, b


TRUTH = np.arange(10_000) % 10
# name: (images only A gets right, only B, both wrong, the verdict it must give)
KNOWN_CASES = {
    "identical predictions": (0, 0, 800, "cannot tell apart"),
    "A strictly better on 30 images": (30, 0, 800, "A is more accurate"),
    "a coin-flip difference": (52, 48, 800, "cannot tell apart"),
    # 0.905 against 0.900 on 10,000 images, all 50 differences one way: a paired test is sure, while a
    # two-sample formula (two standard errors of 0.0042 each) would call it noise.
    "few disagreements, all one way": (50, 0, 950, "A is more accurate"),
    "B better by 40 of 60 disagreements": (20, 60, 700, "B is more accurate"),
}


def known_case_failures(compare) -> list[str]:
    """The known cases a compare function gets wrong, as sentences."""
    failures = []
    for case, (a_only, b_only, both_wrong, wanted) in KNOWN_CASES.items():
        a, b = predictions(TRUTH, a_only, b_only, both_wrong)
        got = compare(TRUTH, a, b, names=("A", "B")).verdict
        if got != wanted:
            failures.append(f"{case}: {got!r}, expected {wanted!r}")
    return failures


def test_known_cases_give_the_verdicts_they_must():
    assert known_case_failures(paired.compare) == []


def test_an_unpaired_two_sample_copy_fails_the_known_cases():
    def unpaired(y_true, pred_a, pred_b, names=("A", "B")):
        """A broken copy: the two accuracies as if measured on independent images."""
        real = paired.compare(y_true, pred_a, pred_b, names)
        p = (real.accuracy_a + real.accuracy_b) / 2
        z = real.difference / math.sqrt(2 * p * (1 - p) / real.images) if 0 < p < 1 else 0.0
        p_value = math.erfc(abs(z) / math.sqrt(2))
        return paired.Comparison(*names, real.images, real.accuracy_a, real.accuracy_b, real.a_only, real.b_only,
                                 p_value)

    failures = known_case_failures(unpaired)
    assert any(f.startswith("few disagreements, all one way") for f in failures), failures


def test_the_counts_and_figures_are_those_of_the_images():
    a, b = predictions(TRUTH, 30, 10, 500)
    result = paired.compare(TRUTH, a, b, names=("wide", "narrow"))
    assert (result.a_only, result.b_only, result.images) == (30, 10, 10_000)
    assert result.accuracy_a == pytest.approx(1 - 510 / 10_000)
    assert result.accuracy_b == pytest.approx(1 - 530 / 10_000)
    assert result.difference == pytest.approx(0.002)
    assert result.p_value == pytest.approx(0.00222, abs=1e-4)  # 10 or fewer heads, or 30 or more, in 40 fair flips
    assert result.better == "wide"
    text = str(result)
    assert "+0.20 points" in text and "30 images only wide" in text and "wide is more accurate" in text
    assert "McNemar p = 0.0022)" in text
    assert "McNemar p < 0.001)" in str(paired.compare(TRUTH, *predictions(TRUTH, 60, 10, 500)))


def test_probabilities_are_taken_as_their_most_likely_class():
    probabilities = np.eye(10)[TRUTH] * 0.9 + 0.01
    _, b = predictions(TRUTH, 5, 0, 0)
    result = paired.compare(TRUTH, probabilities, b)
    assert (result.a_only, result.b_only) == (5, 0)


def test_a_p_value_of_no_disagreement_is_one_and_is_symmetric():
    assert paired.mcnemar_p(0, 0) == 1.0
    assert paired.mcnemar_p(7, 3) == pytest.approx(paired.mcnemar_p(3, 7))


@pytest.mark.parametrize("bad, message", [
    ((TRUTH, TRUTH[:10], TRUTH), "predictions of A have shape"),
    ((TRUTH, TRUTH, np.zeros((10, 10, 2))), "predictions of B have shape"),
    ((np.array([]), np.array([]), np.array([])), "at least one image"),
])
def test_predictions_that_do_not_fit_the_images_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        paired.compare(*bad)


def test_counts_must_be_counts():
    with pytest.raises(ValueError, match="a_only must be a count"):
        paired.mcnemar_p(-1, 3)
    with pytest.raises(ValueError, match="b_only must be a count"):
        paired.mcnemar_p(1, 2.5)
