"""Bad inputs a user can give the helpers and the tools: each gets a clear course error (what, where, how to fix),
or the right behaviour where the input is legitimate, and none loses a user's file.

One section per class of input, as docs/bad_inputs.md lists them. Other files test more of each class
(tests/test_data*.py the data files, tests/test_checks.py and test_profiles.py the knobs, ...).
"""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import helpers
from helpers import checks, evaluate, paths, profiles, training
from helpers.data import cifar100, cifar100_fixture, errors
from helpers.data.fashion_mnist import FASHION_FILES
from tools import bench, build_report, make_student, smoke_floors
from tools.cells import PARAMETERS_TAG, code_cells, source, tags
from tools.common import NOTEBOOK_DIR, ROOT, select

EPOCHS = {"smoke": 1, "quick": 2, "full": 3}


def a_run(profile: str = "smoke") -> profiles.Run:
    return profiles.Run("01_test", profile, 1, None, None, 128, 42, "test data")


# ----- a user's files: never overwritten -----


def first_notebook() -> Path:
    return select(["01"])[0]


def test_a_users_file_in_the_student_folder_survives_byte_for_byte(tmp_path, capsys):
    users = tmp_path / first_notebook().name
    users.write_bytes(b"{}\n")
    assert make_student.main(["--out", str(tmp_path), "01"]) == 1
    assert users.read_bytes() == b"{}\n"
    message = capsys.readouterr().err
    assert f"{users.as_posix()} is not a student version make_student wrote there" in message
    assert "Move your files elsewhere" in message and "give --out another folder" in message


def test_a_teachers_edited_student_copy_survives_and_an_unchanged_one_is_rewritten(tmp_path, capsys):
    assert make_student.main(["--out", str(tmp_path), "01", "02"]) == 0
    first, second = (tmp_path / nb.name for nb in select(["01", "02"]))
    assert make_student.main(["--out", str(tmp_path), "01", "02"]) == 0  # its own, unchanged: written again
    edited = second.read_bytes().replace(b"write your code here", b"my notes for the group")
    second.write_bytes(edited)
    before = first.read_bytes()
    assert make_student.main(["--out", str(tmp_path), "01", "02"]) == 1
    assert second.read_bytes() == edited and first.read_bytes() == before  # nothing written at all
    assert "02_first_convolutions.ipynb is not a student version" in capsys.readouterr().err


def test_a_file_given_as_the_student_folder_is_named(tmp_path, capsys):
    target = tmp_path / "students"
    target.write_text("my notes")
    assert make_student.main(["--out", str(target), "01"]) == 1
    assert f"--out {target.as_posix()} is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "my notes"


# ----- notebooks that are not what they should be -----


def valid_copy() -> dict:
    return json.loads(first_notebook().read_text())


def damaged_notebooks() -> dict[str, str]:
    """Six ways a notebook file can be broken, as text."""
    doc = valid_copy()
    no_cells = {k: v for k, v in doc.items() if k != "cells"}
    no_source = json.loads(json.dumps(doc))
    del no_source["cells"][0]["source"]
    odd_type = json.loads(json.dumps(doc))
    odd_type["cells"][0]["cell_type"] = "slide"
    cells_not_a_list = {**doc, "cells": {"0": doc["cells"][0]}}
    return {"truncated": json.dumps(doc)[:500], "no cells": json.dumps(no_cells), "a cell without source":
            json.dumps(no_source), "an unknown cell type": json.dumps(odd_type),
            "cells not a list": json.dumps(cells_not_a_list), "not a notebook": "[1, 2, 3]"}


@pytest.mark.parametrize("kind", list(damaged_notebooks()))
def test_a_damaged_notebook_stops_make_student_naming_it(tmp_path, kind):
    course = tmp_path / "notebooks"
    course.mkdir()
    broken = course / first_notebook().name
    broken.write_text(damaged_notebooks()[kind])
    out = tmp_path / "students"
    with pytest.raises(make_student.StudentError) as info:
        make_student.write_students([broken], out)
    message = str(info.value)
    assert message.startswith(f"{broken.as_posix()} is not ") and "No student version was written" in message
    assert "Restore it from git" in message
    assert not out.exists() or not list(out.iterdir())


@pytest.mark.parametrize("tool", ["make_student", "run_notebooks"])
def test_an_empty_notebook_name_matches_nothing(tool):
    with pytest.raises(SystemExit, match="No notebook matches ''. The notebooks are: 01_dense_baseline"):
        select([""])
    done = subprocess.run([sys.executable, f"tools/{tool}.py", ""], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1 and "No notebook matches ''." in done.stderr and done.stdout == ""


# ----- where results and models go -----


@pytest.mark.parametrize(("variable", "folder"), [("COURSE_RESULTS_DIR", paths.results_dir),
                                                  ("COURSE_MODELS_DIR", paths.models_dir)])
def test_an_empty_folder_setting_is_unset_and_a_relative_one_is_refused(monkeypatch, variable, folder):
    monkeypatch.setenv(variable, "")
    assert folder("smoke") == paths.PROJECT_ROOT / variable.split("_")[1].lower() / "smoke"
    monkeypatch.setenv(variable, "my-results")
    with pytest.raises(ValueError, match=f"{variable}='my-results' is a relative path.*Set it to an absolute path"):
        folder("smoke")


def test_a_file_where_the_results_folder_belongs_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    (tmp_path / "smoke").write_text("not a folder")
    with pytest.raises(evaluate.ResultsFileError, match=r"smoke is a file where a folder should be.*move it aside"):
        evaluate.record_result(a_run(), "dense", 0.8, 10, 1, 1.0)
    assert (tmp_path / "smoke").read_text() == "not a folder"
    settings = tmp_path / "settings.txt"
    settings.write_text("x")
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(settings))
    with pytest.raises(ValueError, match="COURSE_RESULTS_DIR=.*settings.txt is a file, not a folder"):
        evaluate.record_result(a_run(), "dense", 0.8, 10, 1, 1.0)


def test_recording_a_result_keeps_the_files_permissions():
    evaluate.record_result(a_run(), "dense", 0.8, 10, 1, 1.0)
    path = evaluate.metrics_path("smoke")
    path.chmod(0o664)  # a results folder shared with a group
    evaluate.record_result(a_run(), "cnn", 0.9, 10, 1, 1.0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o664
    fresh = evaluate.metrics_path("quick")
    evaluate.record_result(a_run("quick"), "cnn", 0.9, 10, 1, 1.0)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~evaluate._umask()  # as any new file, not 600


# ----- knob values -----


def test_smoke_sizes_are_validated_like_every_knob():
    with pytest.raises(ValueError, match="smoke_sizes' test images = -5 is out of range"):
        profiles.settle("01_test", "smoke", EPOCHS, smoke_sizes=(100, -5))
    with pytest.raises(ValueError, match="smoke_sizes = 100 is not allowed"):
        profiles.settle("01_test", "smoke", EPOCHS, smoke_sizes=100)


@pytest.mark.parametrize("batch", [0, -5])
def test_steps_per_epoch_refuses_a_batch_of_no_images(batch):
    with pytest.raises(ValueError, match=f"steps_per_epoch's batch_size = {batch} is out of range"):
        training.steps_per_epoch(100, batch)


def test_numpy_integers_count_as_whole_numbers():
    assert training.momentum_for(np.int64(20)) == training.momentum_for(20)
    assert checks.knob("EPOCHS", np.int64(20), EPOCHS, "full", 1, 100) == 20
    assert type(checks.check_int("EPOCHS", np.int32(3), 1)) is int
    assert training.steps_per_epoch(np.int64(100), np.int64(32)) == 4


@pytest.mark.parametrize("value", [64.0, True, "64"])
def test_a_choice_of_the_wrong_kind_is_refused(value):
    with pytest.raises(ValueError, match=f"IMAGE_SIZE = {value!r} is"):
        checks.check_choice("IMAGE_SIZE", value, (32, 64, 96))
    assert checks.check_choice("IMAGE_SIZE", np.int64(64), (32, 64, 96)) == 64


class ReachedSetup(Exception):
    """Raised where helpers.setup would start the slow work: every knob was accepted."""


def run_setup_cells(notebook: str, monkeypatch, **knobs) -> None:
    """A notebook's own parameters and setup cells, with some knobs changed, up to helpers.setup's slow part."""
    cells = [cell for _, cell in code_cells(json.loads((NOTEBOOK_DIR / f"{notebook}.ipynb").read_text()))]
    at = next(i for i, c in enumerate(cells) if PARAMETERS_TAG in tags(c))

    def validation_only(*args, **kwargs):
        profiles.settle(*args, **kwargs)
        raise ReachedSetup

    monkeypatch.setattr(helpers, "setup", validation_only)
    namespace: dict = {}
    exec(source(cells[at]), namespace)
    namespace.update(knobs)
    exec(source(cells[at + 1]), namespace)


@pytest.mark.parametrize("notebook", [p.stem for p in select(["01", "02", "03", "04", "05"])])
def test_too_few_training_images_stop_in_the_setup_cell_saying_why(notebook, monkeypatch):
    with pytest.raises(ValueError, match=r"TRAIN_SIZE = 1 is out of range.*The least is 100: the notebooks hold out "
                                         r"10% of the training images for validation"):
        run_setup_cells(notebook, monkeypatch, TRAIN_SIZE=1)
    with pytest.raises(ReachedSetup):
        run_setup_cells(notebook, monkeypatch, TRAIN_SIZE=profiles.MIN_TRAIN_SIZE)


def test_notebook_09_refuses_an_image_size_that_is_a_float(monkeypatch):
    with pytest.raises(ValueError, match="IMAGE_SIZE = 64.0 is a float, not one of the choices: write it as one of 32"):
        run_setup_cells("09_capstone_cifar100_resnet50", monkeypatch, IMAGE_SIZE=64.0)


# ----- data files -----


def test_a_folder_where_a_fashion_mnist_file_should_be_is_named(fashion_copy):
    target = fashion_copy / FASHION_FILES["train_images"].name
    target.unlink()
    target.mkdir()
    with pytest.raises(errors.WrongFileError, match="train-images-idx3-ubyte.gz is a folder where a file should be. "
                                                    "Move it aside"):
        helpers.data.load_fashion_mnist(fashion_copy)


def test_a_folder_where_the_fixture_manifest_should_be_is_named(tmp_path):
    folder = tmp_path / "cifar-100"
    cifar100_fixture.make_cifar100_fixture(folder, train_per_class=2, test_per_class=1, seed=3)
    manifest = folder / cifar100_fixture.FIXTURE_MANIFEST
    manifest.unlink()
    manifest.mkdir()
    with pytest.raises(errors.WrongFileError, match="fixture.json is a folder where a file should be. Move it aside"):
        cifar100.find_cifar100(folder)


# ----- results files -----


@pytest.mark.parametrize(("row", "words"), [
    (0.91, '"01_test" -> "dense" is a float, not the model\'s figures'),
    ({"test_accuracy": "0.91", "params": 10, "epochs": 1, "train_seconds": 1.0},
     "\"01_test\" -> \"dense\" has test_accuracy = '0.91', which is not a number"),
    ({"test_accuracy": 91.0, "params": 10, "epochs": 1, "train_seconds": 1.0}, "which is not a fraction in [0, 1]"),
])
def test_a_misshapen_row_of_the_results_file_is_named_on_reading(row, words):
    path = evaluate.metrics_path("smoke")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"01_test": {"dense": row}}))
    for read in (lambda: evaluate.load_results("smoke"), lambda: evaluate.results_table("smoke")):
        with pytest.raises(evaluate.ResultsFileError) as info:
            read()
        assert words in str(info.value) and "rename it" in str(info.value)


def test_numpy_figures_are_recorded_as_numbers():
    evaluate.record_result(a_run(), "resnet", np.float32(0.5), np.int64(10), np.int64(1), np.float64(2.0),
                           top5_accuracy=np.float32(0.9), images=np.int64(300))
    row = evaluate.load_results("smoke")["01_test"]["resnet"]
    assert row["top5_accuracy"] == 0.9 and row["images"] == 300 and type(row["images"]) is int


# ----- the tools' own input files -----


@pytest.mark.parametrize(("content", "words"), [("[1, 2]", "holds a JSON list, not the floors"),
                                                ({"01_dense_baseline": 0.5}, "01_dense_baseline holds 0.5"),
                                                (None, "is a folder, not the floors file")])
def test_a_floors_file_of_the_wrong_shape_is_named(tmp_path, capsys, content, words):
    floors = tmp_path / "floors.json"
    if content is None:
        floors.mkdir()
    else:
        floors.write_text(content if isinstance(content, str) else json.dumps(content))
    assert smoke_floors.main(["--all", "--floors", str(floors)]) == 1
    assert words in capsys.readouterr().err


@pytest.mark.parametrize("row", [{"notebook": "01_x", "status": "ok", "wall_seconds": "12"},
                                 {"notebook": "01_x", "status": None, "wall_seconds": 12.0}])
def test_a_summary_with_a_field_of_the_wrong_kind_is_named(tmp_path, row):
    (tmp_path / "smoke").mkdir()
    (tmp_path / "smoke" / "summary.json").write_text(json.dumps({"profile": "smoke", "runs": [row]}))
    with pytest.raises(build_report.ReportError, match="is not a summary written by tools/run_notebooks.py"):
        build_report.last_run("smoke", tmp_path)


def test_a_half_written_bench_file_is_named_with_the_fix(tmp_path, capsys):
    (tmp_path / "bench.json").write_text('{"notebooks": {"smoke": ')
    assert bench.main(["--docs-only", "--out", str(tmp_path)]) == 1
    message = capsys.readouterr().err
    assert "bench.json is not valid JSON" in message and "measure afresh with `make bench`" in message
    assert not (tmp_path / "benchmarks.md").exists()


def test_the_table_of_bad_inputs_names_only_tests_that_exist():
    table = (ROOT / "docs" / "bad_inputs.md").read_text()
    named = set(re.findall(r"`(test_\w+)`", table))
    here = {name for name in globals() if name.startswith("test_")}
    others = {p.stem: p.read_text() for p in Path(__file__).parent.glob("test_*.py")}
    missing = [n for n in named if n not in here and not any(f"def {n}(" in t for t in others.values())]
    assert named and missing == []

