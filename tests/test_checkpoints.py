"""Checkpoints: each way a saved model can be unusable gives its own clear error, and touches nothing."""

from __future__ import annotations

import hashlib

import pytest

import helpers  # noqa: F401  (quiet TensorFlow)
from helpers import checkpoints
from helpers.profiles import quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402


def small_model(units: int = 8):
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(units, activation="relu"), keras.layers.Dense(3, activation="softmax")]
    )


@pytest.fixture
def saved(tmp_path):
    path = checkpoints.checkpoint_path("smoke", "05_test")
    path.parent.mkdir(parents=True)
    model = small_model()
    model.save(path)
    return path, model


@pytest.fixture(autouse=True)
def models_in_tmp(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path / "models"))


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_checkpoints_are_kept_per_profile_and_notebook(tmp_path):
    path = checkpoints.checkpoint_path("full", "05_pooling_and_checkpoints")
    assert path == tmp_path / "models" / "full" / "05_pooling_and_checkpoints" / "best.keras"


def test_a_good_checkpoint_loads_with_its_weights(saved):
    path, model = saved
    loaded = checkpoints.load_checkpoint(path, expected=small_model())
    for a, b in zip(loaded.get_weights(), model.get_weights(), strict=True):
        assert (a == b).all()


def test_missing_checkpoint_says_how_to_make_one(tmp_path):
    with pytest.raises(checkpoints.CheckpointMissingError, match="No checkpoint at .*run notebook 05"):
        checkpoints.load_checkpoint(tmp_path / "nothing.keras", how_to_make="run notebook 05")


def test_truncated_checkpoint_is_unreadable_and_left_alone(saved):
    path, _ = saved
    path.write_bytes(path.read_bytes()[:2000])
    before = digest(path)
    with pytest.raises(checkpoints.CheckpointUnreadableError, match="truncated"):
        checkpoints.load_checkpoint(path)
    assert path.exists() and digest(path) == before


def test_a_zip_that_is_not_a_model_is_unreadable(saved, tmp_path):
    import zipfile

    path, _ = saved
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("notes.txt", "not a model")
    with pytest.raises(checkpoints.CheckpointUnreadableError, match="could not be loaded"):
        checkpoints.load_checkpoint(path)


def test_another_architecture_is_refused_with_the_first_difference(saved):
    path, _ = saved
    with pytest.raises(checkpoints.CheckpointMismatchError) as info:
        checkpoints.load_checkpoint(path, expected=small_model(units=16))
    message = str(info.value)
    assert "First difference at layer 0" in message and "(4, 8)" in message and "(4, 16)" in message
