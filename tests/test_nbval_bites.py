"""make test's stages catch a notebook that no longer does what it teaches, and pass it unchanged.

Each test edits a copy of notebook 01 (or 07), cut before or right after its training so that it stays
fast, and runs what make test runs on it under the smoke profile: nbval on the checked cells and,
for a copy that trains, the smoke run's accuracy floor (tools/smoke_floors.py). The copies run
side by side, once per test session; each test then reads what its copy did.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tools import smoke_floors
from tools.cells import source

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STEM = "01_dense_baseline"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # nbval colours the differing parts of a line
SHUFFLE = ("y_train = y_train[: run.train_size]",
           "y_train = np.random.default_rng(0).permutation(y_train[: run.train_size])")
SCALE_07 = ('x_train = x_train.astype("float32")[..., np.newaxis] / 255.0',
            'x_train = x_train.astype("float32")[..., np.newaxis] / 127.5')
# name -> (notebook, where to cut: "before" or "after" training, the edit as (old, new) or None)
COPIES = {
    "unchanged": (STEM, "after", None),
    "layer_width": (STEM, "before", ('Dense(256, activation="relu", name="hidden_1")',
                                     'Dense(200, activation="relu", name="hidden_1")')),
    "scale_127": (STEM, "before", ("/ 255.0", "/ 127.5")),
    "no_scaling": (STEM, "before", ('.astype("float32") / 255.0', '.astype("float32")')),
    "sigmoid": (STEM, "before", ('Dense(256, activation="relu", name="hidden_1")',
                                 'Dense(256, activation="sigmoid", name="hidden_1")')),
    "shuffled_labels": (STEM, "after", SHUFFLE),
    "07_unchanged": ("07_regularization", "before", None),
    "07_scale_127": ("07_regularization", "before", SCALE_07),
}


def make_copy(dest: Path, notebook: str, cut: str, edit: tuple[str, str] | None) -> Path:
    """A notebook up to its first training cell ("before") or its first recorded result ("after"), with one edit."""
    doc = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text())
    cells = doc["cells"]
    marker = ".fit(" if cut == "before" else "evaluate.record_result("
    end = next(i for i, c in enumerate(cells) if c["cell_type"] == "code" and marker in source(c))
    doc["cells"] = cells[: end + (cut == "after")]
    if edit is not None:
        old, new = edit
        edited = [c for c in doc["cells"] if old in source(c)]
        assert len(edited) == 1, f"expected one cell of {notebook} holding {old!r}; the mutation needs updating"
        edited[0]["source"] = source(edited[0]).replace(old, new)
    checked = [c for c in doc["cells"] if "# NBVAL_CHECK_OUTPUT" in source(c)]
    assert len(checked) >= 2 and all(c.get("outputs") for c in checked), f"run `make reference` for {notebook} first"
    dest.write_text(json.dumps(doc))
    return dest


def nbval(path: Path, results_dir: Path) -> subprocess.CompletedProcess:
    """nbval as make test runs it (smoke profile), with the copy's results kept in results_dir."""
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
               "--nbval-sanitize-with", str(SANITIZE), str(path)]
    env = {**os.environ, "COURSE_PROFILE": "smoke", "COURSE_RESULTS_DIR": str(results_dir)}
    return subprocess.run(command, cwd=path.parent, env=env, capture_output=True, text=True, timeout=600)


def floor_problems(results_dir: Path) -> list[str]:
    """What the smoke run's floor check says about the results a copy recorded (empty: it passes)."""
    metrics = json.loads((results_dir / "smoke" / "metrics.json").read_text())
    return smoke_floors.check(metrics, smoke_floors.load_floors(), [STEM])


@pytest.fixture(scope="module")
def ran(tmp_path_factory) -> dict[str, tuple[subprocess.CompletedProcess, Path]]:
    """Every copy run by nbval, two at a time (kernel start and imports are mostly single-threaded)."""
    base = tmp_path_factory.mktemp("nbval_bites")
    jobs = {}
    for name, (notebook, cut, edit) in COPIES.items():
        folder = base / name
        folder.mkdir()
        jobs[name] = (make_copy(folder / f"{name}.ipynb", notebook, cut, edit), folder / "results")
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = {name: pool.submit(nbval, path, results) for name, (path, results) in jobs.items()}
    return {name: (future.result(), jobs[name][1]) for name, future in done.items()}


def failed(run: subprocess.CompletedProcess, cells: int = 1) -> str:
    """nbval's report of a run that must have failed in exactly this many checked cells."""
    assert run.returncode == 1, run.stdout[-3000:]
    assert f"{cells} failed" in run.stdout, run.stdout[-3000:]
    return ANSI.sub("", run.stdout)


@pytest.mark.slow
def test_the_unchanged_copy_passes_nbval_and_its_floor(ran):
    run, results = ran["unchanged"]
    assert run.returncode == 0, run.stdout[-3000:]
    assert floor_problems(results) == []


@pytest.mark.slow
def test_nbval_fails_on_a_changed_layer_width(ran):
    report = failed(ran["layer_width"][0], cells=2)
    # The layer settings and the parameter table: 200 units give (784 + 1) * 200 = 157,000 weights.
    assert "units  200" in report and "157000" in report and "200960" in report


@pytest.mark.slow
@pytest.mark.parametrize("name, shown", [("scale_127", "pixel range 0.0..2.0"),
                                         ("no_scaling", "pixel range 0.0..255.0")])
def test_nbval_fails_on_a_changed_pixel_scale(ran, name, shown):
    report = failed(ran[name][0])
    assert shown in report and "pixel range 0.0..1.0" in report  # the new output against the committed one


@pytest.mark.slow
def test_notebook_07_fails_nbval_on_a_changed_pixel_scale_and_passes_unchanged(ran):
    assert ran["07_unchanged"][0].returncode == 0, ran["07_unchanged"][0].stdout[-3000:]
    report = failed(ran["07_scale_127"][0])
    # pytest's diff of the committed and the new output (it skips the identical start of the line)
    changed = [line.strip() for line in report.splitlines() if line.strip().startswith(("- ", "+ "))]
    assert any(line.endswith("0.0..2.0") for line in changed), report[-3000:]
    assert any(line.endswith("0.0..1.0") for line in changed), report[-3000:]


@pytest.mark.slow
def test_nbval_fails_on_relu_changed_to_sigmoid(ran):
    report = failed(ran["sigmoid"][0])
    # pytest's diff of the committed and the new output (it may skip the identical start of a line)
    changed = [line.strip() for line in report.splitlines() if line.strip().startswith(("- ", "+ "))]
    assert any(line.endswith("sigmoid, bias True") for line in changed), report[-3000:]
    assert any(line.endswith("relu, bias True") for line in changed), report[-3000:]


@pytest.mark.slow
def test_shuffled_labels_pass_nbval_but_fail_the_smoke_floor(ran):
    run, results = ran["shuffled_labels"]
    assert run.returncode == 0, run.stdout[-3000:]  # nothing nbval checks depends on training
    problems = floor_problems(results)
    floor = smoke_floors.load_floors()[STEM]["dense_baseline"]
    assert len(problems) == 1, problems
    assert f"{STEM}: model 'dense_baseline' reached a test accuracy of" in problems[0]
    assert f"under its floor of {floor:.4f}" in problems[0]
