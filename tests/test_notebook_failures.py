"""The notebooks refuse what they cannot use (a damaged checkpoint, a bad knob) with a message that says why.

These run the real notebooks (cut short after the cells that load stored models) in a
Jupyter kernel under the smoke profile, with models/ pointed at a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from helpers import checkpoints
from tools import common
from tools.common import NOTEBOOK_DIR

common.quiet_tensorflow()
import keras  # noqa: E402
import papermill as pm  # noqa: E402


def cut_after(notebook: str, marker: str, dest: Path) -> Path:
    """A copy of a course notebook that ends with the first code cell containing marker, outputs cleared."""
    dest.write_text(json.dumps(common.cut_after(json.loads((NOTEBOOK_DIR / notebook).read_text()), marker)))
    return dest


def run(path: Path, **parameters) -> Path:
    """Execute a notebook under the smoke profile; return the executed copy."""
    out = path.with_name("executed_" + path.name)
    pm.execute_notebook(str(path), str(out), parameters={"PROFILE": "smoke", **parameters},
                        kernel_name="python3", cwd=str(NOTEBOOK_DIR), progress_bar=False)
    return out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(autouse=True)
def models_in_tmp(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_MODELS_DIR", str(tmp_path / "models"))


def stray_model(path: Path) -> None:
    """Save a small model that is not notebook 05's at path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)]).save(path)


CASES_05 = {
    "missing": (None, "CheckpointMissingError", "05_pooling_and_checkpoints/training_log.csv. To make one"),
    "truncated": (b"PK\x03\x04 only the first bytes of a zip", "CheckpointUnreadableError", "truncated"),
    "other architecture": ("stray", "CheckpointMismatchError", "different architecture"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES_05)
def test_05_with_reuse_refuses_a_checkpoint_it_cannot_use(case, tmp_path):
    content, error, words = CASES_05[case]
    best = checkpoints.checkpoint_path("smoke", "05_pooling_and_checkpoints")
    if content is not None:
        best.parent.mkdir(parents=True)
        best.with_name("training_log.csv").write_text("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.5,0.6,1.2\n")
        stray_model(best) if content == "stray" else best.write_bytes(content)
        before = digest(best)
    notebook = cut_after("05_pooling_and_checkpoints.ipynb", "best_model = checkpoints.load_checkpoint",
                         tmp_path / "05.ipynb")
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(notebook, REUSE_CHECKPOINT=True)
    assert info.value.ename == error
    assert words in info.value.evalue and "set REUSE_CHECKPOINT = False" in info.value.evalue
    if content is not None:
        assert digest(best) == before  # refused, and left exactly as it was


BAD_KNOBS = {
    "05 REUSE_CHECKPOINT": ("05_pooling_and_checkpoints", {"REUSE_CHECKPOINT": "yes"},
                            "REUSE_CHECKPOINT = 'yes' is not allowed: choose one of False, True"),
    "06 IMAGE_SIZE": ("06_deeper_high_resolution", {"IMAGE_SIZE": 8},
                      "IMAGE_SIZE = 8 is out of range: IMAGE_SIZE must be an integer from 16 to 112"),
    "06 PATIENCE": ("06_deeper_high_resolution", {"PATIENCE": 0},
                    "PATIENCE = 0 is out of range: PATIENCE must be an integer from 1 to 100"),
    "05 TRAIN_SIZE": ("05_pooling_and_checkpoints", {"TRAIN_SIZE": 70_000},
                      "TRAIN_SIZE = 70,000 is out of range: TRAIN_SIZE must be an integer from 1 to 60,000"),
    "07 EXPERIMENT_SIZE": ("07_regularization", {"EXPERIMENT_SIZE": 70_000},
                           "EXPERIMENT_SIZE = 70,000 is out of range: EXPERIMENT_SIZE must be an integer from 100"),
    "07 TEST_SIZE": ("07_regularization", {"TEST_SIZE": 50},
                     "TEST_SIZE = 50 is out of range: TEST_SIZE must be an integer from 100 to 10,000"),
    "08 MODEL_SOURCE": ("08_kernel_dissection", {"MODEL_SOURCE": "auto"},
                        "MODEL_SOURCE = 'auto' is not allowed: choose one of 'shipped', '07'"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", BAD_KNOBS)
def test_a_bad_knob_stops_the_setup_cell_with_its_name_and_range(case, tmp_path):
    notebook, knob, message = BAD_KNOBS[case]
    path = cut_after(f"{notebook}.ipynb", "helpers.setup(", tmp_path / "setup_only.ipynb")
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(path, **knob)
    assert info.value.ename == "ValueError" and message in info.value.evalue
    assert info.value.exec_count == 3  # the setup cell: after the parameters and papermill's injected parameters


def stream_text(executed: Path) -> str:
    """Everything an executed notebook printed."""
    doc = json.loads(executed.read_text())
    return "".join("".join(o.get("text", "")) for c in doc["cells"] for o in c.get("outputs", []) if o.get("name"))


@pytest.mark.slow
def test_07_says_why_it_skips_stored_models_and_falls_back(tmp_path):
    notebook = cut_after("07_regularization.ipynb", "stored_probabilities = stored_predict(x_test)",
                         tmp_path / "07.ipynb")

    # Nothing stored yet: both earlier notebooks' files are reported missing, the own baseline is used.
    printed = stream_text(run(notebook))
    assert "not used: No checkpoint at" in printed and "run notebook 06 with the same profile" in printed
    assert "run notebook 05 with the same profile" in printed
    assert "smoke/07_regularization/baseline.keras: model" in printed

    # A truncated 06 file is reported and left alone; a usable 05 file is taken next.
    broken = checkpoints.checkpoint_path("smoke", "06_deeper_high_resolution")
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"PK\x03\x04 the start of a zip, cut off")
    before = digest(broken)
    stray_model(checkpoints.checkpoint_path("smoke", "05_pooling_and_checkpoints"))
    printed = stream_text(run(notebook))
    assert "is not a Keras .keras file (those are zip archives): it is truncated" in printed
    assert "smoke/05_pooling_and_checkpoints/best.keras: model" in printed
    assert digest(broken) == before


@pytest.mark.slow
def test_08_asked_for_your_own_07_model_stops_rather_than_dissect_another(tmp_path):
    notebook = cut_after("08_kernel_dissection.ipynb", "model_source = f\"your own", tmp_path / "08.ipynb")
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(notebook, MODEL_SOURCE="07")  # nothing stored: no silent switch to the shipped model
    assert info.value.ename == "CheckpointMissingError"
    assert "run notebook 07 with the smoke profile first, or set MODEL_SOURCE = \"shipped\"" in info.value.evalue

    stray = checkpoints.checkpoint_path("smoke", "07_regularization")
    stray_model(stray)  # a model without convolutions: nothing to dissect
    before = digest(stray)
    with pytest.raises(pm.PapermillExecutionError) as info:
        run(notebook, MODEL_SOURCE="07")
    assert info.value.ename == "CheckpointMismatchError" and "it has no Conv2D layer" in info.value.evalue
    assert digest(stray) == before
