"""The course's shipped model: shipping writes a verified float32 copy, loading refuses every unusable file,
and the committed weights reproduce the test accuracy recorded for them."""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

import helpers  # noqa: F401  (quiet TensorFlow)
from helpers import checkpoints
from helpers.evaluate import metrics_path, write_json_atomically
from helpers.profiles import quiet_tensorflow
from tools.common import machine

quiet_tensorflow()
import keras  # noqa: E402
import numpy as np  # noqa: E402

THIS_MACHINE = {"cpu": machine()["cpu"], "cores": machine()["cores"]}


def tiny_cnn(filters: int = 4, policy: str = "mixed_bfloat16") -> keras.Sequential:
    """A small model of the course's kind (convolution, batch norm, softmax head), built under a dtype policy."""
    keras.config.set_dtype_policy(policy)
    try:
        return keras.Sequential([
            keras.Input((28, 28, 1)), keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
            keras.layers.BatchNormalization(), keras.layers.Activation("relu"), keras.layers.MaxPooling2D(4),
            keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax", dtype="float32"),
        ], name="tiny")  # fmt: skip
    finally:
        keras.config.set_dtype_policy("float32")


@pytest.fixture(scope="module")
def test_images(real_fashion_dir):
    from helpers.data import load_fashion_mnist

    return load_fashion_mnist(real_fashion_dir)[1]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, real_fashion_dir, test_images):
    """Notebook 07's full run in small, shipped once for the module: its models, results and shipped folders."""
    root = tmp_path_factory.mktemp("pristine")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_MODELS_DIR", str(root / "models"))
        patch.setenv("COURSE_RESULTS_DIR", str(root / "results"))
        keras.utils.set_random_seed(1)
        model = tiny_cnn()  # in mixed precision, with optimizer state, as 07 may save it
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        images, labels = test_images
        model.fit(images[:256, :, :, None] / 255.0, labels[:256], epochs=1, batch_size=64, verbose=0)
        source = checkpoints.checkpoint_path("full", checkpoints.SHIPPED_NOTEBOOK)
        source.parent.mkdir(parents=True)
        model.save(source)
        accuracy = round(float(np.mean(checkpoints.predicted_classes(model, images) == labels)), 4)
        row = {"test_accuracy": accuracy, "params": model.count_params(), "epochs": 1, "train_seconds": 1.0}
        write_json_atomically(metrics_path("full"), {checkpoints.SHIPPED_NOTEBOOK: {checkpoints.SHIPPED_MODEL: row}})
        record = checkpoints.ship_best_model(THIS_MACHINE, folder=root / "shipped", data_dir=real_fashion_dir)
    return {"root": root, "model": model, "row": row, "record": record}


@pytest.fixture
def trained(pristine, tmp_path, monkeypatch):
    """A private copy of the small run's checkpoint and results: (checkpoint path, model)."""
    for name, variable in (("models", "COURSE_MODELS_DIR"), ("results", "COURSE_RESULTS_DIR")):
        shutil.copytree(pristine["root"] / name, tmp_path / name)
        monkeypatch.setenv(variable, str(tmp_path / name))
    return checkpoints.checkpoint_path("full", checkpoints.SHIPPED_NOTEBOOK), pristine["model"]


@pytest.fixture
def shipped(pristine, tmp_path):
    """A private copy of the small model as shipped: (folder, record)."""
    shutil.copytree(pristine["root"] / "shipped", tmp_path / "shipped")
    return tmp_path / "shipped", pristine["record"]


def test_shipping_writes_a_float32_copy_without_optimizer_and_its_record(pristine, shipped):
    (folder, record), model = shipped, pristine["model"]
    source = pristine["root"] / "models" / "full" / checkpoints.SHIPPED_NOTEBOOK / "best.keras"
    path = folder / checkpoints.SHIPPED_FILE
    assert record["sha256"] == checkpoints.sha256_of(path) and record["bytes"] == path.stat().st_size
    assert (record["notebook"], record["model"], record["test_images"]) == ("07_regularization", "regularized_best",
                                                                           10_000)
    assert record["trained_dtype_policy"] == "mixed_bfloat16" and record["dtype_policy"] == "float32"
    assert record["machine"] == THIS_MACHINE and record["recorded"]["test_accuracy"] == record["trained_test_accuracy"]
    assert json.loads((folder / checkpoints.SHIPPED_RECORD).read_text()) == record
    copy = keras.models.load_model(path)
    assert {layer.dtype_policy.name for layer in copy.layers} == {"float32"}
    assert not copy.compiled and getattr(copy, "optimizer", None) is None
    with zipfile.ZipFile(path) as zf, zipfile.ZipFile(source) as original:
        assert b"optimizer" not in zf.read("model.weights.h5") and b"optimizer" in original.read("model.weights.h5")
    for a, b in zip(model.get_weights(), copy.get_weights(), strict=True):
        assert np.array_equal(np.asarray(a, dtype="float32"), b)
    assert not list(folder.glob(".*"))  # no temporary file left behind


def test_the_float32_copy_predicts_what_the_record_says(shipped, test_images):
    folder, record = shipped
    model, info = checkpoints.load_shipped(folder=folder)
    images, labels = test_images
    as_shipped = checkpoints.predicted_classes(model, images)
    assert round(float(np.mean(as_shipped == labels)), 4) == info["test_accuracy"] == record["test_accuracy"]
    # float32 against bfloat16 arithmetic: the accuracies differ by at most the predictions that changed
    gap = abs(info["test_accuracy"] - info["trained_test_accuracy"])
    assert gap <= info["predictions_changed_by_float32"] / info["test_images"] + 5e-5


def test_shipping_refuses_a_checkpoint_that_is_not_the_one_the_run_recorded(trained, tmp_path, real_fashion_dir):
    path = metrics_path("full")
    results = json.loads(path.read_text())
    results[checkpoints.SHIPPED_NOTEBOOK][checkpoints.SHIPPED_MODEL]["test_accuracy"] += 0.0123
    write_json_atomically(path, results)
    folder = tmp_path / "shipped"
    with pytest.raises(checkpoints.CheckpointMismatchError, match="not the one that run measured"):
        checkpoints.ship_best_model(THIS_MACHINE, folder=folder, data_dir=real_fashion_dir)
    assert not folder.exists() or not any(folder.iterdir())


def test_shipping_without_the_full_runs_checkpoint_says_how_to_make_it(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path / "none"))
    with pytest.raises(checkpoints.CheckpointMissingError, match="run notebook 07_regularization with the full"):
        checkpoints.ship_best_model(THIS_MACHINE, folder=tmp_path / "shipped")


def test_the_shipped_model_loads_with_its_record_and_the_expected_architecture(pristine, shipped):
    (folder, record), model = shipped, pristine["model"]
    loaded, info = checkpoints.load_shipped(expected=tiny_cnn(policy="float32"), folder=folder)
    assert info == record
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert np.array_equal(np.asarray(a, dtype="float32"), b)


# ----- every way the shipped model can be unusable: each its own error, and the file left as it is -----


def another_run(folder):
    """The shipped file replaced by a model of the same architecture from another run (other weights)."""
    keras.utils.set_random_seed(7)
    tiny_cnn(policy="float32").save(folder / checkpoints.SHIPPED_FILE)


def flipped_byte(folder):
    path = folder / checkpoints.SHIPPED_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def truncated(folder):
    path = folder / checkpoints.SHIPPED_FILE
    path.write_bytes(path.read_bytes()[:3000])


def not_a_zip_with_a_matching_record(folder):
    (folder / checkpoints.SHIPPED_FILE).write_text("not a model")
    record = json.loads((folder / checkpoints.SHIPPED_RECORD).read_text())
    record["sha256"] = checkpoints.sha256_of(folder / checkpoints.SHIPPED_FILE)
    (folder / checkpoints.SHIPPED_RECORD).write_text(json.dumps(record))


def record_without_sha(folder):
    record = json.loads((folder / checkpoints.SHIPPED_RECORD).read_text())
    del record["sha256"]
    (folder / checkpoints.SHIPPED_RECORD).write_text(json.dumps(record))


# (what is wrong, how to make it so, the expected model or None, the error, a phrase of its message)
UNUSABLE = [
    ("another run's file", another_run, None, checkpoints.ShippedModelDamagedError, "not the model that was shipped"),
    ("a flipped byte", flipped_byte, None, checkpoints.ShippedModelDamagedError, "damaged"),
    ("truncated", truncated, None, checkpoints.ShippedModelDamagedError, "SHA-256"),
    ("not a zip", not_a_zip_with_a_matching_record, None, checkpoints.CheckpointUnreadableError,
     "not a Keras .keras file"),
    ("other architecture", lambda folder: None, "wider", checkpoints.CheckpointMismatchError,
     "different architecture"),
    ("missing file", lambda folder: (folder / checkpoints.SHIPPED_FILE).unlink(), None,
     checkpoints.CheckpointMissingError, "No checkpoint at"),
    ("missing record", lambda folder: (folder / checkpoints.SHIPPED_RECORD).unlink(), None,
     checkpoints.CheckpointMissingError, "shipped_model.json"),
    ("record without SHA-256", record_without_sha, None, checkpoints.CheckpointUnreadableError,
     "cannot be verified"),
]


def outcome(folder, expected):
    """What load_shipped does with the folder: the error it raised, or None if it loaded a model."""
    try:
        checkpoints.load_shipped(expected=tiny_cnn(filters=8, policy="float32") if expected else None, folder=folder)
    except Exception as exc:  # noqa: BLE001  (the tests look at whatever it raised)
        return exc
    return None


def snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("name, damage, expected, error, phrase", UNUSABLE, ids=[u[0] for u in UNUSABLE])
def test_an_unusable_shipped_model_gives_its_error_says_how_to_fix_it_and_is_left_alone(
        shipped, name, damage, expected, error, phrase):
    folder, _ = shipped
    damage(folder)
    before = snapshot(folder)
    raised = outcome(folder, expected)
    assert type(raised) is error, f"{name}: {raised!r}"
    assert phrase in str(raised)
    if error is not checkpoints.CheckpointMismatchError:  # that file is intact: the notebook asked for another model
        assert "git checkout results/full/" in str(raised) and 'make reference NOTEBOOKS="07 08"' in str(raised)
    assert snapshot(folder) == before


# Broken copies of the checks: each case above must then fail, or it proves nothing.
BREAKS = {
    "no SHA-256 check": ("sha256_of", lambda real: lambda path: json.loads(
        (path.parent / checkpoints.SHIPPED_RECORD).read_text())["sha256"]),
    "no architecture check": ("architecture", lambda real: lambda model: []),
    "no check that the file is there": ("_check_readable", lambda real: lambda path, where, how: None),
}
BROKEN_BY = {"another run's file": "no SHA-256 check", "a flipped byte": "no SHA-256 check",
             "truncated": "no SHA-256 check", "other architecture": "no architecture check",
             "missing file": "no check that the file is there", "missing record": "no check that the file is there"}


@pytest.mark.parametrize("name", sorted(BROKEN_BY))
def test_each_case_fails_on_a_copy_of_the_checks_without_its_check(shipped, monkeypatch, name):
    folder, _ = shipped
    _, damage, expected, error, phrase = next(u for u in UNUSABLE if u[0] == name)
    attribute, broken = BREAKS[BROKEN_BY[name]]
    monkeypatch.setattr(checkpoints, attribute, broken(getattr(checkpoints, attribute)))
    damage(folder)
    raised = outcome(folder, expected)
    assert not (type(raised) is error and phrase in str(raised)), f"{name} still caught without its check"


# ----- the committed shipped model reproduces its recorded accuracy -----

FRAGILE_MARGIN = 1e-4


def reproduction_problems(model, info: dict, recorded: dict, images, labels, same_kind: bool) -> list[str]:
    """Why a shipped model does not reproduce its recorded test accuracies, or nothing.

    On the machine kind that shipped it (same CPU model and cores), float32 inference repeats the same
    operations: the accuracy in shipped_model.json must come out to the 4th decimal. Another CPU kind adds
    and multiplies in another order, which moves a probability by about 1e-6: only images whose top two
    probabilities lie within FRAGILE_MARGIN (1e-4, a hundred times that) can change class, so the accuracy
    may move by at most their share. Against the accuracy notebook 07 recorded (its model as trained, in
    its own dtype policy), add the predictions that the float32 copy was measured to change when shipped.
    """
    probabilities = model.predict(images.astype("float32")[..., None] / 255.0, verbose=0)
    top_two = np.sort(probabilities, axis=1)[:, -2:]
    fragile = 0 if same_kind else int(np.sum(top_two[:, 1] - top_two[:, 0] < FRAGILE_MARGIN))
    measured = float(np.mean(probabilities.argmax(axis=1) == labels))
    problems = []
    if len(labels) != info["test_images"]:
        problems.append(f"measured on {len(labels):,} images, shipped on {info['test_images']:,}")
    slack = fragile / len(labels) + 5e-5  # 5e-5: the records keep 4 decimals
    if abs(measured - info["test_accuracy"]) > slack:
        problems.append(f"test accuracy {measured:.4f}, shipped_model.json records {info['test_accuracy']:.4f} "
                        f"(allowed: {slack:.5f}, {fragile} fragile images)")
    changed = info["predictions_changed_by_float32"] / info["test_images"]
    if abs(measured - recorded["test_accuracy"]) > slack + changed:
        problems.append(f"test accuracy {measured:.4f}, results/full/metrics.json records "
                        f"{recorded['test_accuracy']:.4f} for {info['model']} (allowed: {slack + changed:.5f})")
    if recorded != info["recorded"]:
        problems.append(f"results/full/metrics.json's row {recorded} is not the row the model was shipped with, "
                        f"{info['recorded']}: notebook 07 ran again without shipping its model")
    return problems


def test_reproduction_is_checked_on_the_small_model_and_fails_on_a_broken_copy(pristine, shipped, test_images):
    folder, _ = shipped
    model, info = checkpoints.load_shipped(folder=folder)
    images, labels = test_images
    recorded = pristine["row"]
    assert reproduction_problems(model, info, recorded, images, labels, same_kind=True) == []
    kernel, bias = model.layers[-1].get_weights()  # a broken copy: two classes' outputs swapped
    model.layers[-1].set_weights([kernel[:, [1, 0, *range(2, 10)]], bias[[1, 0, *range(2, 10)]]])
    assert reproduction_problems(model, info, recorded, images, labels, same_kind=True) != []


def test_the_committed_shipped_model_reproduces_its_recorded_test_accuracy(test_images):
    """The real thing: results/full/07_regularization_best.keras on the 10,000 test images."""
    folder = checkpoints.SHIPPED_DIR
    present = [(folder / name).exists() for name in (checkpoints.SHIPPED_FILE, checkpoints.SHIPPED_RECORD)]
    if not any(present):
        pytest.skip('no model shipped yet: `make reference NOTEBOOKS="07 08"` ships 07\'s best model')
    model, info = checkpoints.load_shipped(folder=folder)
    results = json.loads((folder / "metrics.json").read_text())
    recorded = results.get(info["notebook"], {}).get(info["model"])
    assert recorded is not None, f"results/full/metrics.json has no row {info['model']!r} of {info['notebook']}"
    images, labels = test_images
    same_kind = info["machine"] == THIS_MACHINE
    assert reproduction_problems(model, info, recorded, images, labels, same_kind) == []


def test_an_interrupted_save_leaves_no_temporary_file(trained, tmp_path, monkeypatch, real_fashion_dir):
    folder = tmp_path / "shipped"

    def fail(self, path, *args, **kwargs):
        with open(path, "wb") as fh:
            fh.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(keras.Model, "save", fail)
    with pytest.raises(OSError, match="disk full"):
        checkpoints.ship_best_model(THIS_MACHINE, folder=folder, data_dir=real_fashion_dir)
    assert list(folder.iterdir()) == []


def test_shipping_keeps_an_earlier_shipped_pair_until_the_new_one_is_complete(trained, shipped, monkeypatch,
                                                                             real_fashion_dir):
    folder, record = shipped
    before = snapshot(folder)
    monkeypatch.setattr(checkpoints, "sha256_of", lambda path: (_ for _ in ()).throw(OSError("read error")))
    with pytest.raises(OSError, match="read error"):
        checkpoints.ship_best_model(THIS_MACHINE, folder=folder, data_dir=real_fashion_dir)
    assert snapshot(folder) == before


# ----- make reference ships 07's model, and only that run does -----


@pytest.fixture
def fake_reference(tmp_path, monkeypatch):
    """run_notebooks.run_one with papermill and the times file replaced; the calls to ship_best_model recorded."""
    from tools import run_notebooks

    page = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

    def execute(notebook, out, parameters, progress_bar=True):
        out.write_text(json.dumps(page))
        return "ok", 1.0

    monkeypatch.setattr(run_notebooks, "execute", execute)
    monkeypatch.setattr(run_notebooks, "record_full_time", lambda *args, **kwargs: None)
    calls = []

    def ship(machine, **kwargs):
        calls.append(machine)
        if calls[0] == "refuse":
            raise checkpoints.CheckpointMismatchError("not the one that run measured")
        return {"file": checkpoints.SHIPPED_FILE, "trained_dtype_policy": "mixed_bfloat16", "test_accuracy": 0.9,
                "test_images": 10_000, "trained_test_accuracy": 0.9}

    monkeypatch.setattr(checkpoints, "ship_best_model", ship)

    def run(stem, reference=True):
        notebook = tmp_path / f"{stem}.ipynb"
        notebook.write_text(json.dumps(page))
        (tmp_path / "out").mkdir(exist_ok=True)
        return run_notebooks.run_one(notebook, "full" if reference else "quick", reference, tmp_path / "out")[0]

    return run, calls


def test_a_reference_run_of_07_ships_its_best_model(fake_reference, capsys):
    run, calls = fake_reference
    assert run("07_regularization") == "ok" and len(calls) == 1
    assert "shipped its best model as results/full/07_regularization_best.keras" in capsys.readouterr().out


def test_no_other_run_ships_a_model(fake_reference):
    run, calls = fake_reference
    assert run("06_deeper_high_resolution") == "ok" and run("07_regularization", reference=False) == "ok"
    assert calls == []


def test_a_reference_run_whose_model_cannot_be_shipped_fails(fake_reference, monkeypatch, capsys):
    run, calls = fake_reference
    calls.append("refuse")
    assert run("07_regularization") == "failed to ship its best model"
    assert "its best model was not shipped: not the one that run measured" in capsys.readouterr().out
