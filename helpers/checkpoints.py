"""Where checkpoints live, and loading them with a clear message when they cannot be used."""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from datetime import datetime
from pathlib import Path

from helpers.paths import PROJECT_ROOT, display_path, models_dir


class CheckpointError(Exception):
    """A saved model cannot be used: missing, unreadable, or not the model the notebook expects."""


class CheckpointMissingError(CheckpointError):
    """No checkpoint file where one was expected."""


class CheckpointUnreadableError(CheckpointError):
    """The file exists but is not a readable Keras model (truncated, another format)."""


class CheckpointMismatchError(CheckpointError):
    """The file holds a model, but not one with the expected architecture."""


class ShippedModelDamagedError(CheckpointUnreadableError):
    """The shipped model's file is not the one that was shipped: its SHA-256 differs from the recorded one."""


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
                f"First difference at layer {diff + 1} (counting from 1, as summary() lists them): {what}. "
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


# ----- the course's trained model, shipped with it -----

# Committed with the course, so always the project's own results/full/ (COURSE_RESULTS_DIR moves the
# results a run records, not what the course ships).
SHIPPED_DIR = PROJECT_ROOT / "results" / "full"
SHIPPED_NOTEBOOK, SHIPPED_MODEL = "07_regularization", "regularized_best"
SHIPPED_FILE, SHIPPED_RECORD = "07_regularization_best.keras", "shipped_model.json"
HOW_TO_RESTORE = (
    f"restore the committed copy with `git checkout results/full/{SHIPPED_FILE} results/full/{SHIPPED_RECORD}`, "
    'or make it afresh with `make reference NOTEBOOKS="07 08"` (notebook 07\'s full run, about an hour)'
)


def sha256_of(path: str | os.PathLike) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def float32_copy(model):
    """The same model computing in float32 in every layer: same weights, no optimizer (mixed precision undone)."""
    import keras
    import numpy as np

    clone = keras.models.clone_model(
        model, clone_function=lambda layer: type(layer).from_config({**layer.get_config(), "dtype": "float32"})
    )
    copy = type(clone).from_config(clone.get_config())  # a clone of a compiled model is compiled; this one is not
    copy.set_weights(model.get_weights())
    same = all(np.array_equal(np.asarray(a, dtype="float32"), b)
               for a, b in zip(model.get_weights(), copy.get_weights(), strict=True))
    if not same or any(layer.dtype_policy.name != "float32" for layer in copy.layers):
        raise CheckpointMismatchError(f"the float32 copy of model {model.name!r} does not hold the same weights "
                                      "in float32 layers; this Keras version clones it differently.")
    return copy


def predicted_classes(model, images):
    """The class a model predicts for each image (uint8 pixels as loaded), fed the way the course feeds it:
    scaled to [0, 1] unless the model rescales itself, shaped as its input."""
    import keras
    import numpy as np

    raw = any(isinstance(layer, keras.layers.Rescaling) for layer in model.layers)
    x = images.astype("float32") if raw else images.astype("float32") / 255.0
    x = x.reshape((-1, *model.inputs[0].shape[1:]))
    return np.asarray(model.predict(x, verbose=0)).argmax(axis=1)


def _most_layers_policy(model) -> str:
    """The dtype policy most of a model's layers compute in (a mixed-precision model keeps its output float32)."""
    names = [layer.dtype_policy.name for layer in model.layers]
    return max(set(names), key=names.count)


def ship_best_model(machine: dict, source: str | os.PathLike | None = None, folder: str | os.PathLike | None = None,
                    data_dir: str | os.PathLike | None = None) -> dict:
    """Ship notebook 07's full-run best model with the course: a float32 copy and its record. Returns the record.

    `make reference` calls it after a clean full run of 07 (machine: the CPU and cores that run it). The
    checkpoint must reproduce the test accuracy that run recorded; it is only read, never changed.
    """
    import keras
    import numpy as np
    import tensorflow as tf

    from helpers.data import load_fashion_mnist
    from helpers.evaluate import load_results, write_json_atomically

    source = Path(source or checkpoint_path("full", SHIPPED_NOTEBOOK))
    folder = Path(folder or SHIPPED_DIR)
    trained = load_checkpoint(source, how_to_make=f"run notebook {SHIPPED_NOTEBOOK} with the full profile")
    shipped = float32_copy(trained)
    _, (images, labels) = load_fashion_mnist(data_dir)
    as_trained, as_shipped = predicted_classes(trained, images), predicted_classes(shipped, images)
    trained_accuracy = round(float(np.mean(as_trained == labels)), 4)
    row = load_results("full").get(SHIPPED_NOTEBOOK, {}).get(SHIPPED_MODEL)
    if row is None or row.get("test_accuracy") != trained_accuracy:
        recorded = "no row" if row is None else f"test accuracy {row.get('test_accuracy')}"
        raise CheckpointMismatchError(
            f"{display_path(source)} gives test accuracy {trained_accuracy:.4f} on the {len(labels):,} test images, "
            f"and the full results record {recorded} for {SHIPPED_NOTEBOOK}'s {SHIPPED_MODEL!r}: the checkpoint is "
            f"not the one that run measured, so it is not shipped. Run notebook {SHIPPED_NOTEBOOK} again with "
            "`make reference NOTEBOOKS=07`, which ships its best model when it ends."
        )
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{SHIPPED_FILE}.tmp.keras"  # Keras saves only to names ending in .keras
    try:
        shipped.save(temporary)
        digest, size = sha256_of(temporary), temporary.stat().st_size
        os.replace(temporary, folder / SHIPPED_FILE)
    finally:
        temporary.unlink(missing_ok=True)
    record = {
        "what": f"notebook {SHIPPED_NOTEBOOK}'s best model from its full run, shipped as a float32 copy without "
                "optimizer state; helpers.checkpoints.load_shipped() checks the file's SHA-256 before loading it",
        "file": SHIPPED_FILE, "sha256": digest, "bytes": size,
        "notebook": SHIPPED_NOTEBOOK, "model": SHIPPED_MODEL,
        "test_accuracy": round(float(np.mean(as_shipped == labels)), 4), "test_images": len(labels),
        "dtype_policy": "float32", "trained_dtype_policy": _most_layers_policy(trained),
        "trained_test_accuracy": trained_accuracy,
        "predictions_changed_by_float32": int(np.sum(as_trained != as_shipped)),
        "recorded": row,
        "shipped": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": {"cpu": machine["cpu"], "cores": machine["cores"]},
        "keras": keras.__version__, "tensorflow": tf.__version__,
    }  # fmt: skip
    write_json_atomically(folder / SHIPPED_RECORD, record)
    return record


def _shipped_record(path: Path) -> dict:
    """The record of the shipped model, or the error that says why it cannot be used."""
    where = display_path(path)
    _check_readable(path, where, HOW_TO_RESTORE)
    try:
        record = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointUnreadableError(f"{where} is not valid JSON ({exc}); it was left as it is. "
                                        f"To fix it, {HOW_TO_RESTORE}.") from exc
    if not (isinstance(record, dict) and isinstance(record.get("sha256"), str) and record.get("file") == SHIPPED_FILE):
        raise CheckpointUnreadableError(f"{where} lacks the shipped model's file name ({SHIPPED_FILE}) or its "
                                        f"SHA-256, so the model cannot be verified. To fix it, {HOW_TO_RESTORE}.")
    return record


def load_shipped(expected=None, folder: str | os.PathLike | None = None):
    """The course's shipped model and its record (a dict), after checking the file against its SHA-256.

    With `expected` (a model), the architecture must match too, as in load_checkpoint. A missing,
    damaged or different file raises a CheckpointError that says how to restore it; nothing is touched.
    """
    folder = Path(folder or SHIPPED_DIR)
    info = _shipped_record(folder / SHIPPED_RECORD)
    path = folder / SHIPPED_FILE
    where = display_path(path)
    _check_readable(path, where, HOW_TO_RESTORE)
    digest = sha256_of(path)
    if digest != info["sha256"]:
        raise ShippedModelDamagedError(
            f"{where} is not the model that was shipped: its SHA-256 is {digest[:16]}..., and "
            f"{SHIPPED_RECORD} records {info['sha256'][:16]}... It is damaged (truncated, or changed by hand), "
            f"or the two files come from different runs. It was left as it is. To fix it, {HOW_TO_RESTORE}."
        )
    return load_checkpoint(path, expected=expected, how_to_make=HOW_TO_RESTORE), info
