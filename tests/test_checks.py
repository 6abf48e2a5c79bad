"""Knob validators: the profile's default only for None, every other value checked, never replaced."""

from __future__ import annotations

import pytest

from helpers.checks import check_int, knob

HEAD_EPOCHS = {"smoke": 2, "quick": 15, "full": 40}


def test_none_takes_the_profiles_value():
    assert [knob("HEAD_EPOCHS", None, HEAD_EPOCHS, p, 1, 1_000) for p in ("smoke", "quick", "full")] == [2, 15, 40]


def test_a_given_value_wins_over_the_profile():
    assert knob("HEAD_EPOCHS", 3, HEAD_EPOCHS, "full", 1, 1_000) == 3


@pytest.mark.parametrize(
    "value, words",
    [
        (0, "HEAD_EPOCHS = 0 is out of range: HEAD_EPOCHS must be an integer from 1 to 1,000"),
        (1_001, "HEAD_EPOCHS = 1,001 is out of range"),
        (2.0, "HEAD_EPOCHS = 2.0 is not allowed"),
        (False, "HEAD_EPOCHS = False is not allowed"),
    ],
)
def test_zero_and_other_bad_values_are_refused_not_replaced(value, words):
    with pytest.raises(ValueError) as info:
        knob("HEAD_EPOCHS", value, HEAD_EPOCHS, "full", 1, 1_000)
    assert words in str(info.value)


def test_a_profile_missing_from_the_table_is_named():
    with pytest.raises(ValueError, match="HEAD_EPOCHS has no default for the profile 'quick'.*Add 'quick'"):
        knob("HEAD_EPOCHS", None, {"smoke": 1, "full": 4}, "quick", 1, 1_000)


def test_a_default_out_of_range_is_caught_too():
    with pytest.raises(ValueError, match="TRAIN_SIZE \\(the smoke profile's default\\) = 50 is out of range"):
        knob("TRAIN_SIZE", None, {"smoke": 50, "quick": 500, "full": 500}, "smoke", 100, 60_000)


def test_check_int_without_upper_bound():
    assert check_int("N", 10**9, 1) == 10**9
    with pytest.raises(ValueError, match="N must be an integer of at least 1"):
        check_int("N", 0, 1)
