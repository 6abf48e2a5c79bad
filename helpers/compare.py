"""The course's one yardstick for "is model A more accurate than model B": a paired test on the same images.

Two models scored on the same test images make the same kind of mistake on most of them: the
images both get right or both get wrong say nothing about which is better. Only the images that
exactly one of them gets right do. If the models were equally accurate, each of those images
would be as likely to favour A as B, like a fair coin; McNemar's exact test asks how surprising
the observed split is under that coin. A two-sample formula that treats the two accuracies as
independent ignores this pairing, and is far too cautious for models that agree on most images.

This answers one question: on images like these, is A's accuracy different from B's, for these
two trained models? Whether the difference would survive retraining with another seed is a
second question (training noise), which only several seeds can answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ALPHA", "Comparison", "compare", "mcnemar_p"]

ALPHA = 0.05  # the course's level: a difference is called one when p < 0.05


def mcnemar_p(a_only: int, b_only: int) -> float:
    """Two-sided exact McNemar p-value: how likely a split at least this uneven is if both are equally accurate."""
    from scipy.stats import binomtest

    for name, count in (("a_only", a_only), ("b_only", b_only)):
        if isinstance(count, bool) or not isinstance(count, int | np.integer) or count < 0:
            raise ValueError(f"{name} must be a count of images (an integer of at least 0), got {count!r}.")
    discordant = int(a_only) + int(b_only)
    if discordant == 0:
        return 1.0
    return float(binomtest(int(a_only), discordant, 0.5).pvalue)


@dataclass(frozen=True)
class Comparison:
    """Two models on the same images: their accuracies, the images that tell them apart, and the verdict."""

    name_a: str
    name_b: str
    images: int
    accuracy_a: float
    accuracy_b: float
    a_only: int  # images A gets right and B gets wrong
    b_only: int  # images B gets right and A gets wrong
    p_value: float
    alpha: float = ALPHA

    @property
    def difference(self) -> float:
        """A's accuracy minus B's, as a fraction."""
        return self.accuracy_a - self.accuracy_b

    @property
    def decided(self) -> bool:
        """Whether the test tells the two apart at the course's level."""
        return self.p_value < self.alpha

    @property
    def verdict(self) -> str:
        """"A is more accurate", "B is more accurate", or "cannot tell apart"."""
        if not self.decided:
            return "cannot tell apart"
        return f"{self.name_a if self.difference > 0 else self.name_b} is more accurate"

    @property
    def better(self) -> str | None:
        """The name of the more accurate model, or None when the test cannot tell them apart."""
        if not self.decided:
            return None
        return self.name_a if self.difference > 0 else self.name_b

    def __str__(self) -> str:
        return (
            f"{self.name_a} against {self.name_b} on the same {self.images:,} images: "
            f"{self.accuracy_a:.4f} against {self.accuracy_b:.4f} ({100 * self.difference:+.2f} points; "
            f"{self.a_only} images only {self.name_a} gets right, {self.b_only} only {self.name_b}; "
            f"McNemar p {_p_text(self.p_value)}): {self.verdict}"
        )


def _p_text(p: float) -> str:
    """A p-value with its relation, as a reader needs it: "= 0.0022" (two digits), "< 0.001" (no false precision)."""
    return "< 0.001" if p < 0.001 else f"= {p:.2g}" if p < 0.1 else f"= {p:.2f}"


def _labels(predictions, images: int, name: str) -> np.ndarray:
    """Predicted labels from labels (one per image) or class probabilities (one row per image)."""
    array = np.asarray(predictions)
    if array.ndim == 2:
        array = array.argmax(axis=1)
    if array.ndim != 1 or len(array) != images:
        raise ValueError(
            f"the predictions of {name} have shape {np.asarray(predictions).shape}; compare needs one label or one "
            f"row of class probabilities per image, for the same {images:,} images as the true labels."
        )
    return array


def compare(y_true, predictions_a, predictions_b, names: tuple[str, str] = ("A", "B"),
            alpha: float = ALPHA) -> Comparison:
    """Compare two models' predictions (labels or probabilities) on the same images with McNemar's exact test."""
    truth = np.asarray(y_true).ravel()
    if len(truth) == 0:
        raise ValueError("compare needs at least one image: y_true is empty.")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    right_a = _labels(predictions_a, len(truth), names[0]) == truth
    right_b = _labels(predictions_b, len(truth), names[1]) == truth
    a_only, b_only = int(np.sum(right_a & ~right_b)), int(np.sum(right_b & ~right_a))
    return Comparison(names[0], names[1], len(truth), float(right_a.mean()), float(right_b.mean()),
                      a_only, b_only, mcnemar_p(a_only, b_only), alpha)
