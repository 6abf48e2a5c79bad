"""Validators for notebook knobs: a bad value fails at once, naming the knob, the value and what is allowed."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """Return value as an int if it is a whole number in [low, high], else raise a ValueError that says so.

    Any integral number counts (a NumPy integer too); a bool, a float such as 64.0 or a string does not.
    """
    allowed = f"an integer from {low:,} to {high:,}" if high is not None else f"an integer of at least {low:,}"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} = {value!r} is not allowed: {name} must be {allowed}.")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} = {int(value):,} is out of range: {name} must be {allowed}.")
    return int(value)


def check_choice(name: str, value: object, allowed: Sequence) -> object:
    """Return the choice value names if it is one of allowed, of the same kind, else raise a ValueError listing them.

    64.0 is not the choice 64, nor True the choice 1: they compare equal in Python but fail later, inside
    TensorFlow. A NumPy integer counts as the integer it holds.
    """
    choices = ", ".join(map(repr, allowed))
    for choice in allowed:
        if value == choice and _same_kind(value, choice):
            return choice
    if any(value == choice for choice in allowed):
        raise ValueError(f"{name} = {value!r} is a {type(value).__name__}, not one of the choices: write it as one of "
                         f"{choices}.")
    raise ValueError(f"{name} = {value!r} is not allowed: choose one of {choices}.")


def _same_kind(value: object, choice: object) -> bool:
    """Whether value is a choice's kind of thing: an integer for an integer, a string for a string, ..."""
    if isinstance(choice, bool) or isinstance(value, bool):
        return type(value) is type(choice)
    if isinstance(choice, numbers.Integral):
        return isinstance(value, numbers.Integral)
    return type(value) is type(choice)


def knob(
    name: str, value: int | None, by_profile: Mapping[str, int], profile: str, low: int, high: int | None = None
) -> int:
    """A notebook knob: the profile's value when value is None, else value itself; either must lie in [low, high].

    None is the only "use the default": 0 or any other value is validated, never replaced.
    """
    if value is not None:
        return check_int(name, value, low, high)
    if profile not in by_profile:
        raise ValueError(
            f"{name} has no default for the profile {profile!r}: its by_profile table names only "
            f"{', '.join(map(repr, by_profile))}. Add {profile!r} to the table in the notebook's setup cell."
        )
    return check_int(f"{name} (the {profile} profile's default)", by_profile[profile], low, high)
