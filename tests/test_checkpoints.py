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
    assert "First difference at layer 1 (counting from 1" in message and "(4, 8)" in message and "(4, 16)" in message


def test_load_first_usable_takes_the_first_good_one_in_order(saved, tmp_path, capsys):
    path, model = saved
    other = tmp_path / "other.keras"
    small_model(units=16).save(other)
    loaded, used = checkpoints.load_first_usable([(other, "make other"), (path, "make saved")])
    assert used == other and loaded.layers[0].units == 16
    assert capsys.readouterr().out == ""  # nothing was skipped, nothing to say


def test_load_first_usable_skips_a_missing_file_with_one_line(saved, tmp_path, capsys):
    path, model = saved
    loaded, used = checkpoints.load_first_usable([(tmp_path / "none.keras", "run notebook 07"), (path, "run 05")])
    assert used == path and loaded.layers[0].units == 8
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "No checkpoint at" in out and "run notebook 07" in out


def test_load_first_usable_reports_an_unreadable_file_and_falls_back(saved, tmp_path, capsys):
    path, _ = saved
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"not a zip at all")
    loaded, used = checkpoints.load_first_usable([(broken, "run notebook 07"), (path, "run 05")])
    assert used == path
    assert "is not a Keras .keras file" in capsys.readouterr().out
    assert broken.read_bytes() == b"not a zip at all"  # left as it was


def test_load_first_usable_skips_a_model_the_check_refuses(saved, capsys):
    path, _ = saved
    loaded, used = checkpoints.load_first_usable([(path, "run notebook 05")], check=lambda m: "it has no Conv2D layer")
    assert (loaded, used) == (None, None)
    out = capsys.readouterr().out
    assert "cannot be used here: it has no Conv2D layer. Run notebook 05, or choose another model." in out


def test_load_first_usable_strict_raises_instead_of_falling_back(saved, tmp_path):
    path, _ = saved
    with pytest.raises(checkpoints.CheckpointMissingError, match="run notebook 07"):
        checkpoints.load_first_usable([(tmp_path / "none.keras", "run notebook 07"), (path, "run 05")], strict=True)
    with pytest.raises(checkpoints.CheckpointMismatchError, match="too small"):
        checkpoints.load_first_usable([(path, "run 05")], check=lambda m: "too small", strict=True)


def test_load_first_usable_with_nothing_usable_returns_none(tmp_path, capsys):
    assert checkpoints.load_first_usable([]) == (None, None)
    assert checkpoints.load_first_usable([(tmp_path / "a.keras", "x"), (tmp_path / "b.keras", "y")]) == (None, None)
    assert capsys.readouterr().out.count("skipped: No checkpoint") == 2


def test_same_weight_shapes_but_another_activation_is_refused(tmp_path):
    # relu -> sigmoid keeps every weight shape: only the layers' settings tell the two models apart.
    path = tmp_path / "sigmoid.keras"
    keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="sigmoid"), keras.layers.Dense(3, activation="softmax")]
    ).save(path)
    with pytest.raises(checkpoints.CheckpointMismatchError) as info:
        checkpoints.load_checkpoint(path, expected=small_model())
    message = str(info.value)
    assert "First difference at layer 1 (counting from 1" in message and "same weight shapes" in message
    assert "activation='sigmoid'" in message and "activation='relu'" in message


def test_another_dropout_rate_is_refused_and_the_same_one_loads(tmp_path):
    def cnn(rate: float):
        return keras.Sequential([
            keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, padding="same"), keras.layers.Dropout(rate),
            keras.layers.Flatten(), keras.layers.Dense(3),
        ])  # fmt: skip

    path = tmp_path / "cnn.keras"
    cnn(0.5).save(path)
    refused = r"layer 2 \(counting from 1, .*\): .*Dropout has rate=0.5, .* rate=0.2"
    with pytest.raises(checkpoints.CheckpointMismatchError, match=refused):
        checkpoints.load_checkpoint(path, expected=cnn(0.2))
    assert checkpoints.load_checkpoint(path, expected=cnn(0.5)) is not None


def test_a_round_trip_of_the_course_layers_matches_a_fresh_build(tmp_path):
    # Names, seeds, initializers and dtype policies differ between builds: they must not count as settings.
    def build():
        return keras.Sequential([
            keras.Input((16, 16, 1)), keras.layers.Rescaling(1 / 255), keras.layers.RandomFlip("horizontal"),
            keras.layers.RandomTranslation(0.1, 0.1), keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
            keras.layers.BatchNormalization(momentum=0.9), keras.layers.MaxPooling2D(), keras.layers.Dropout(0.3),
            keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(3, activation="softmax"),
        ])  # fmt: skip

    path = tmp_path / "course.keras"
    build().save(path)
    assert checkpoints.load_checkpoint(path, expected=build()) is not None


def test_a_folder_named_like_a_checkpoint_is_not_called_missing(tmp_path):
    folder = tmp_path / "best.keras"
    folder.mkdir()
    with pytest.raises(checkpoints.CheckpointUnreadableError, match="best.keras is a folder, not a .keras file"):
        checkpoints.load_checkpoint(folder, how_to_make="run notebook 05")
    assert folder.is_dir()


def test_an_unreadable_checkpoint_says_so(saved, deny):
    path, _ = saved
    deny(path)
    with pytest.raises(checkpoints.CheckpointUnreadableError, match="cannot be read .*chmod u\\+r"):
        checkpoints.load_checkpoint(path, how_to_make="run notebook 05")
