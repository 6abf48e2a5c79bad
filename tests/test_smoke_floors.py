"""The smoke run's accuracy floors bite: a model under its floor, without a floor, or gone fails, by name."""

from __future__ import annotations

import copy
import json
import re
import subprocess

import pytest

from helpers.evaluate import metrics_path
from tools import smoke_floors
from tools.common import ROOT, all_notebooks


def committed() -> dict:
    return json.loads(smoke_floors.FLOORS.read_text())


def measured_results() -> dict:
    """A metrics.json as the smoke run that set the floors recorded it."""
    return {nb: {model: {"test_accuracy": entry["measured"], "params": 1, "epochs": 1, "train_seconds": 1.0}
                 for model, entry in models.items()}
            for nb, models in committed().items() if not nb.startswith("_")}


@pytest.fixture
def last_run(tmp_path):
    """A smoke run's summary (every notebook ok) and its results file, as the floors were measured."""
    results = measured_results()
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({"profile": "smoke", "runs": [{"notebook": nb, "status": "ok", "wall_seconds": 1}
                                                                for nb in results]}))
    metrics_path("smoke").parent.mkdir(parents=True, exist_ok=True)  # under conftest's COURSE_RESULTS_DIR
    metrics_path("smoke").write_text(json.dumps(results))
    return summary, results


def run_check(summary, capsys) -> tuple[int, str]:
    status = smoke_floors.main(["--summary", str(summary)])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def test_every_notebook_has_floors_set_from_a_measurement():
    smoke_floors.load_floors()
    stems = [p.stem for p in ROOT.glob("notebooks/[0-9][0-9]_*.ipynb")]
    assert sorted(nb for nb in committed() if not nb.startswith("_")) == sorted(stems)  # 08 records no model: {}
    for notebook, models in committed().items():
        for model, entry in ({} if notebook.startswith("_") else models).items():
            assert 0 < entry["floor"] <= entry["measured"] * smoke_floors.MARGIN + 1e-9, (notebook, model)


def test_the_unchanged_run_passes(last_run, capsys):
    status, text = run_check(last_run[0], capsys)
    assert status == 0, text
    assert f"{sum(len(m) for m in last_run[1].values())} models of {len(last_run[1])} notebooks, each at or above" \
        in text


def test_an_accuracy_under_its_floor_fails_naming_notebook_model_accuracy_and_floor(last_run, capsys):
    results = copy.deepcopy(last_run[1])
    floor = smoke_floors.load_floors()["01_dense_baseline"]["dense_baseline"]
    results["01_dense_baseline"]["dense_baseline"]["test_accuracy"] = 0.05  # e.g. labels shuffled
    metrics_path("smoke").write_text(json.dumps(results))
    status, text = run_check(last_run[0], capsys)
    assert status == 1
    assert (f"01_dense_baseline: model 'dense_baseline' reached a test accuracy of 0.0500, under its floor of "
            f"{floor:.4f}") in text


def test_a_model_without_a_floor_fails(last_run, capsys):
    results = copy.deepcopy(last_run[1])
    results["02_first_convolutions"]["a_new_model"] = {"test_accuracy": 0.9, "params": 1, "epochs": 1,
                                                       "train_seconds": 1.0}
    metrics_path("smoke").write_text(json.dumps(results))
    status, text = run_check(last_run[0], capsys)
    assert status == 1
    assert "02_first_convolutions: model 'a_new_model' (test accuracy 0.9000) has no floor in tests/smoke_floors.json" \
        in text


def test_a_floor_whose_model_was_not_recorded_fails(last_run, capsys):
    results = copy.deepcopy(last_run[1])
    del results["01_dense_baseline"]["dense_baseline"]
    metrics_path("smoke").write_text(json.dumps(results))
    status, text = run_check(last_run[0], capsys)
    assert status == 1 and "01_dense_baseline: model 'dense_baseline' has a floor but the smoke run recorded" in text


def test_only_notebooks_that_ran_are_checked(last_run, capsys):
    summary, results = last_run
    metrics_path("smoke").write_text(json.dumps({"01_dense_baseline": results["01_dense_baseline"]}))
    summary.write_text(json.dumps({"runs": [{"notebook": "01_dense_baseline", "status": "ok", "wall_seconds": 1},
                                            {"notebook": "02_first_convolutions", "status": "FAILED in cell 3: x",
                                             "wall_seconds": 1}]}))
    assert run_check(summary, capsys)[0] == 0  # 02 failed (the runner says so); its floors are not at stake


def test_suggested_floors_are_the_margin_below_the_measurement(last_run):
    suggested = smoke_floors.suggest(last_run[1], ["01_dense_baseline"])
    entry = suggested["01_dense_baseline"]["dense_baseline"]
    assert entry["measured"] == last_run[1]["01_dense_baseline"]["dense_baseline"]["test_accuracy"]
    assert entry["measured"] * smoke_floors.MARGIN - 0.001 <= entry["floor"] <= entry["measured"] * smoke_floors.MARGIN


@pytest.mark.parametrize("text, words", [("{not json", "is not valid JSON"),
                                         ('{"01_dense_baseline": {"dense_baseline": {"floor": 0}}}', "above 0"),
                                         ('{"01_dense_baseline": {"dense_baseline": 0.5}}', "as in {\"floor\"")])
def test_a_damaged_floors_file_is_named_with_the_fix(tmp_path, text, words):
    path = tmp_path / "floors.json"
    path.write_text(text)
    with pytest.raises(smoke_floors.FloorError, match="floors.json") as info:
        smoke_floors.load_floors(path)
    assert words in str(info.value)


def test_no_smoke_run_yet_says_what_to_run(tmp_path, capsys):
    status, text = run_check(tmp_path / "summary.json", capsys)
    assert status == 1 and "run `make smoke` first" in text


def test_make_smoke_checks_the_floors_after_the_run():
    done = subprocess.run(["make", "-n", "smoke"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.index("run_notebooks.py --profile smoke") < done.stdout.index("tools/smoke_floors.py")


def test_a_half_written_results_file_is_named_not_a_traceback(last_run, capsys):
    metrics_path("smoke").write_text('{"01_dense_baseline": {"dense_baseline": {"test_acc')
    status, text = run_check(last_run[0], capsys)
    assert status == 1
    assert "metrics.json cannot be read" in text and "Traceback" not in text


def test_all_checks_every_notebook_without_a_summary_as_after_nbval(last_run, capsys):
    summary, results = last_run
    summary.unlink()  # nbval writes no papermill summary; --all needs none
    assert smoke_floors.main(["--all", "--summary", str(summary)]) == 0, capsys.readouterr()
    capsys.readouterr()
    results["07_regularization"]["regularized_best"]["test_accuracy"] = 0.11
    metrics_path("smoke").write_text(json.dumps(results))
    assert smoke_floors.main(["--all", "--summary", str(summary)]) == 1
    assert "07_regularization: model 'regularized_best' reached a test accuracy of 0.1100" in capsys.readouterr().err


def test_make_nbval_checks_the_floors_on_what_its_run_recorded():
    done = subprocess.run(["make", "-n", "nbval"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("rm -rf build/test/results") < out.index("--nbval-lax") < out.index("smoke_floors.py --all")
    run_lines = [line for line in out.splitlines() if "--nbval-lax" in line]
    floors_line = next(line for line in out.splitlines() if "smoke_floors.py --all" in line)
    for line in (*run_lines, floors_line):  # all must look at the same results folder
        assert 'COURSE_RESULTS_DIR="' + str(ROOT / "build/test/results") + '"' in line, line
    # Two groups run side by side: together they hold every notebook once, and the notebooks that hand a
    # checkpoint on (05 -> 06 -> 07 -> 08) run in one group, in that order.
    assert len(run_lines) == 2
    named = [re.findall(r"notebooks/(\d\d)_\w+\.ipynb", line) for line in run_lines]
    assert sorted(sum(named, [])) == sorted(nb.stem[:2] for nb in all_notebooks())
    assert ["05", "06", "07", "08"] in named
