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


# Config keys that do not change what a loaded model computes: names are generated, initial values
# are replaced by the stored weights, seeds only drive random augmentation, trainable is toggled by
# the notebooks (freeze, fine-tune), and the dtype policy is the session's.
_NOT_BEHAVIOUR = {"name", "trainable", "dtype", "seed", "kernel_initializer", "bias_initializer",
                  "beta_initializer", "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                  "depthwise_initializer", "pointwise_initializer", "embeddings_initializer"}  # fmt: skip


def _settings(layer) -> object:
    """The settings of a layer that decide what it computes (for a nested model: its layers')."""
    if hasattr(layer, "layers"):  # a model used as a layer, e.g. ResNet50: its config names generated layers
        return tuple(_describe(inner) for inner in layer.layers)
    return {key: value for key, value in layer.get_config().items() if key not in _NOT_BEHAVIOUR}


def _describe(layer) -> tuple[str, tuple[tuple[int, ...], ...], object]:
    """One layer as (class name, weight shapes, settings)."""
    return type(layer).__name__, tuple(tuple(w.shape) for w in layer.weights), _settings(layer)


def architecture(model) -> list[tuple[str, tuple[tuple[int, ...], ...], object]]:
    """A model's layers as (class name, weight shapes, settings): what must match for it to be the same model."""
    return [_describe(layer) for layer in model.layers]


def _difference(theirs: tuple, ours: tuple | None) -> str:
    """What differs between two described layers, in words (theirs: the file's, ours: the notebook's)."""
    if ours is None:
        return f"the file has {theirs[0]} {theirs[1]}, the notebook expects nothing"
    if theirs[:2] != ours[:2]:
        return f"the file has {theirs[0]} {theirs[1]}, the notebook expects {ours[0]} {ours[1]}"
    if isinstance(theirs[2], dict) and isinstance(ours[2], dict):
        keys = sorted(k for k in theirs[2].keys() | ours[2].keys() if theirs[2].get(k) != ours[2].get(k))
        found = ", ".join(f"{k}={theirs[2].get(k)!r}" for k in keys)
        wanted = ", ".join(f"{k}={ours[2].get(k)!r}" for k in keys)
        return f"same weight shapes, but the file's {theirs[0]} has {found}, the notebook's has {wanted}"
    return f"same weight shapes, but the settings of the layers inside {theirs[0]} differ"


def _check_readable(path: Path, where: str, how_to_make: str) -> None:
    """Refuse a path that is not a readable file with the error that says why."""
    if path.is_dir():
        raise CheckpointUnreadableError(
            f"{where} is a folder, not a .keras file. Move it aside (it is left as it is) and {how_to_make}."
        )
    if not path.is_file():
        raise CheckpointMissingError(f"No checkpoint at {where}. To make one, {how_to_make}.")
    try:
        with open(path, "rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise CheckpointUnreadableError(
            f"{where} cannot be read ({exc.strerror or exc}). Give yourself read access (`chmod u+r`), "
            f"or move it aside and {how_to_make}."
        ) from exc


def load_checkpoint(path: str | os.PathLike, expected=None, how_to_make: str = "run the notebook that saves it"):
    """Load a .keras checkpoint; if `expected` (a model) is given, insist on the same layers, shapes and settings."""
    import keras

    path = Path(path)
    where = display_path(path)
    _check_readable(path, where, how_to_make)
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
            diff = next((i for i, (a, b) in enumerate(zip(theirs, ours, strict=False)) if a != b), len(ours))
            what = (
                _difference(theirs[diff], ours[diff] if diff < len(ours) else None)
                if diff < len(theirs)
                else f"the file has nothing, the notebook expects {ours[diff][0]} {ours[diff][1]}"
            )
            raise CheckpointMismatchError(
                f"{where} holds a different architecture ({len(theirs)} layers, {model.count_params():,} "
                f"parameters; this notebook's model has {len(ours)} layers, {expected.count_params():,}). "
                f"First difference at layer {diff}: {what}. "
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
