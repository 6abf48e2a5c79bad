"""Training on several devices (notebook 09's tf.distribute path), run on two logical CPU devices.

What this proves is behaviour, not speed: on a machine with 2 shared CPU cores, two logical
devices take turns on the same cores, so a mirrored run is slower than a single-device one.
It proves that MirroredStrategy sees 2 replicas, that 2 replicas and 1 replica, starting from
the same weights with the same global batch and plain SGD, end with the same weights (within
TOLERANCE), that an interrupted fit resumed with keras.callbacks.BackupAndRestore ends where an
uninterrupted one does, and that the check fails when the strategy's scope is removed from the
training code.

Each case runs in its own Python process (this file, run as a script): the split into logical
devices must happen before TensorFlow starts, and a resumed run must not share memory with the
run it resumes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

TOLERANCE = 1e-5  # largest absolute difference between two weights: float32 sums in another order
GLOBAL_BATCH = 16  # the same for 1 replica (16 each) and 2 replicas (8 each)
EPOCHS = 4
STOP_AFTER = 2  # the interrupted run dies after this many epochs
SCOPE_LINE = "    with strategy.scope():  # the training code under test\n"


# ----- the child process: the training code under test -----------------------------------


def build():
    """A small convolutional model without batch normalization or dropout (both would differ per replica)."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(8, 8, 3)),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(4, activation="softmax"),
        ]
    )


def toy_data() -> tuple[np.ndarray, np.ndarray]:
    """64 random images of 8 x 8 x 3 with 4 classes, the same in every process."""
    rng = np.random.default_rng(0)
    return rng.random((64, 8, 8, 3), dtype=np.float32), rng.integers(0, 4, size=64)


def train(strategy, start: list, momentum: float, epochs: int, callbacks: list):
    """Build and compile inside the strategy's scope, then fit with the global batch: the notebook's pattern."""
    import keras

    from helpers import distribute

    with strategy.scope():  # the training code under test
        model = build()
        model.set_weights(start)
        model.compile(optimizer=keras.optimizers.SGD(0.1, momentum=momentum), loss="sparse_categorical_crossentropy")
    distribute.check_built_in_scope(model, strategy)
    x, y = toy_data()
    history = model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=epochs, shuffle=False, callbacks=callbacks, verbose=0)
    return model, history


def child(case: str, folder: Path) -> dict:
    """Run one case in this process and return what the parent checks."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras
    import tensorflow as tf

    from helpers import distribute

    keras.utils.set_random_seed(0)
    mirrored = distribute.choose_strategy("mirrored", "full")  # no GPU here: 2 logical CPU devices
    start = build().get_weights()  # made outside any scope, then copied: the same start for every run
    if case == "replicas":
        two, _ = train(mirrored, start, momentum=0.0, epochs=1, callbacks=[])
        one, _ = train(tf.distribute.get_strategy(), start, momentum=0.0, epochs=1, callbacks=[])
        difference = largest_difference(two.get_weights(), one.get_weights())
        moved = largest_difference(one.get_weights(), start)
        return {
            "replicas": mirrored.num_replicas_in_sync,
            "trained_on": two.distribute_strategy.num_replicas_in_sync,
            "difference": difference,
            "moved": moved,
        }
    callbacks = []
    if case in ("interrupted", "resumed"):
        callbacks.append(keras.callbacks.BackupAndRestore(str(folder / "backup")))
    if case == "interrupted":
        callbacks.append(keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: stop_at(epoch)))
    model, history = train(mirrored, start, momentum=0.9, epochs=EPOCHS, callbacks=callbacks)
    np.savez(folder / f"{case}.npz", *model.get_weights())
    return {"epochs_run": len(history.epoch)}


def largest_difference(first: list, second: list) -> float:
    """The largest absolute difference between two lists of weight arrays."""
    return max(float(np.max(np.abs(a - b))) for a, b in zip(first, second, strict=True))


def stop_at(epoch: int) -> None:
    """Kill the process after STOP_AFTER epochs, as a crash or a pre-empted machine would."""
    if epoch + 1 == STOP_AFTER:
        os._exit(3)  # no clean-up, no saving: only what BackupAndRestore wrote survives


# ----- the parent: pytest ----------------------------------------------------------------


def run_case(script: Path, case: str, folder: Path) -> subprocess.CompletedProcess:
    """Run one case of script in a fresh Python process."""
    root = str(Path(__file__).resolve().parent.parent)  # this course's helpers/, also for a copy elsewhere
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": "", "PYTHONPATH": root}
    return subprocess.run(
        [sys.executable, str(script), case, str(folder)], capture_output=True, text=True, env=env, timeout=300
    )


def result(done: subprocess.CompletedProcess) -> dict:
    """The JSON line a successful case printed last."""
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_two_replicas_train_like_one(tmp_path):
    found = result(run_case(Path(__file__), "replicas", tmp_path))
    assert found["replicas"] == 2
    assert found["trained_on"] == 2, "the mirrored model did not train on the strategy's replicas"
    assert found["moved"] > 100 * TOLERANCE, "the weights hardly moved: the comparison would prove nothing"
    assert found["difference"] <= TOLERANCE, f"2 and 1 replicas differ by {found['difference']:.2e}"


@pytest.mark.slow
def test_interrupted_fit_resumes_to_the_uninterrupted_result(tmp_path):
    assert result(run_case(Path(__file__), "uninterrupted", tmp_path))["epochs_run"] == EPOCHS
    interrupted = run_case(Path(__file__), "interrupted", tmp_path)
    assert interrupted.returncode == 3, interrupted.stderr[-3000:]
    assert (tmp_path / "backup").is_dir()
    resumed = result(run_case(Path(__file__), "resumed", tmp_path))
    assert resumed["epochs_run"] == EPOCHS - STOP_AFTER, "the second run started again from epoch 1"
    with np.load(tmp_path / "uninterrupted.npz") as a, np.load(tmp_path / "resumed.npz") as b:
        assert a.files == b.files
        assert largest_difference([a[k] for k in a.files], [b[k] for k in b.files]) <= TOLERANCE


def test_one_device_is_described_and_keeps_the_batch():
    import tensorflow as tf

    from helpers import distribute

    one = tf.distribute.get_strategy()  # what DISTRIBUTE = "off" (or "auto" without GPUs) gives
    assert distribute.describe(one) == "one device (no tf.distribute strategy): 1 replica"
    assert distribute.global_batch(64, one) == 64


@pytest.mark.slow
def test_the_check_fails_without_the_strategy_scope(tmp_path):
    broken = tmp_path / "broken_copy.py"
    text = Path(__file__).read_text()
    assert text.count(SCOPE_LINE) == 1
    broken.write_text(text.replace(SCOPE_LINE, "    if True:  # the strategy's scope removed on purpose\n"))
    done = run_case(broken, "replicas", tmp_path)
    assert done.returncode != 0
    assert "made outside the scope" in done.stderr


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], Path(sys.argv[2]))))
