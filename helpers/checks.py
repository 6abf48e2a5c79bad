"""Validators for notebook knobs: a bad value fails at once, naming the knob, the value and what is allowed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def check_int(name: str, value: object, low: int, high: int | None = None) -> int:
    """Return value if it is an integer in [low, high], else raise a ValueError that says so."""
    allowed = f"an integer from {low:,} to {high:,}" if high is not None else f"an integer of at least {low:,}"
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} = {value!r} is not allowed: {name} must be {allowed}.")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} = {value:,} is out of range: {name} must be {allowed}.")
    return value


def check_choice(name: str, value: object, allowed: Sequence) -> object:
    """Return value if it is one of allowed, else raise a ValueError listing the choices."""
    if value not in allowed:
        raise ValueError(f"{name} = {value!r} is not allowed: choose one of {', '.join(map(repr, allowed))}.")
    return value


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
