"""Where checkpoints live, and loading them with a clear message when they cannot be used."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from helpers.paths import display_path, models_dir


class CheckpointError(Exception):
    """A saved model cannot be used: missing, unreadable, or not the model the notebook expects."""


class CheckpointMissingError(CheckpointError):
    """No checkpoint file where one was expected."""


class CheckpointUnreadableError(CheckpointError):
    """The file exists but is not a readable Keras model (truncated, another format)."""


class CheckpointMismatchError(CheckpointError):
    """The file holds a model, but not one with the expected architecture."""


def checkpoint_path(profile: str, notebook: str, name: str = "best") -> Path:
    """models/<profile>/<notebook>/<name>.keras: profiles never share checkpoints."""
    return models_dir(profile) / notebook / f"{name}.keras"


def architecture(model) -> list[tuple[str, tuple[tuple[int, ...], ...]]]:
    """A model's layers as (class name, weight shapes): what must match for weights to fit."""
    return [(type(layer).__name__, tuple(tuple(w.shape) for w in layer.weights)) for layer in model.layers]


def load_checkpoint(path: str | os.PathLike, expected=None, how_to_make: str = "run the notebook that saves it"):
    """Load a .keras checkpoint; if `expected` (a model) is given, insist on the same architecture."""
    import keras

    path = Path(path)
    where = display_path(path)
    if not path.is_file():
        raise CheckpointMissingError(f"No checkpoint at {where}. To make one, {how_to_make}.")
    if not zipfile.is_zipfile(path):
        raise CheckpointUnreadableError(
            f"{where} is not a Keras .keras file (those are zip archives): it is truncated or in another "
            f"format. Move it aside (it is left as it is) and {how_to_make}."
        )
    try:
        model = keras.models.load_model(path)
    except Exception as exc:  # Keras raises many types here: ValueError, KeyError, OSError, BadZipFile
        raise CheckpointUnreadableError(
            f"{where} could not be loaded ({type(exc).__name__}: {str(exc).splitlines()[0][:200]}). "
            f"It may be truncated or saved by another Keras version. Move it aside and {how_to_make}."
        ) from exc
    if expected is not None:
        theirs, ours = architecture(model), architecture(expected)
        if theirs != ours:
            diff = next(
                (i for i, (a, b) in enumerate(zip(theirs, ours, strict=False)) if a != b),
                min(len(theirs), len(ours)),
            )
            found = f"{theirs[diff][0]} {theirs[diff][1]}" if diff < len(theirs) else "nothing"
            wanted = f"{ours[diff][0]} {ours[diff][1]}" if diff < len(ours) else "nothing"
            raise CheckpointMismatchError(
                f"{where} holds a different architecture ({len(theirs)} layers, {model.count_params():,} "
                f"parameters; this notebook's model has {len(ours)} layers, {expected.count_params():,}). "
                f"First difference at layer {diff}: the file has {found}, the notebook expects {wanted}. "
                f"Was it saved by another version of the notebook? Move it aside and {how_to_make}."
            )
    return model


def load_first_usable(
    candidates: list[tuple[str | os.PathLike, str]],
    check=None,
    strict: bool = False,
) -> tuple[object | None, Path | None]:
    """The first of several (path, how_to_make) checkpoints that loads and passes `check`, and its path.

    `check(model)` returns None for a usable model, else the reason it is not. A skipped
    candidate is reported in one printed line; with strict=True its error is raised instead.
    Returns (None, None) when no candidate is usable. Files are only read, never touched.
    """
    for path, how_to_make in candidates:
        try:
            model = load_checkpoint(path, how_to_make=how_to_make)
            reason = check(model) if check is not None else None
            if reason:
                raise CheckpointMismatchError(
                    f"{display_path(path)} holds a model that cannot be used here: {reason}. {how_to_make[:1].upper()}"
                    f"{how_to_make[1:]}, or choose another model."
                )
        except CheckpointError as exc:
            if strict:
                raise
            print(f"skipped: {exc}")
            continue
        return model, Path(path)
    return None, None
