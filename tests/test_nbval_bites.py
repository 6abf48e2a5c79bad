"""nbval really compares the checked cells: a changed layer width must fail, the original must pass."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "01_dense_baseline.ipynb"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def copy_before_training(dest: Path, old: str | None = None, new: str | None = None) -> Path:
    """Notebook 01 up to its training cell (so the check stays fast), optionally with one edit."""
    doc = json.loads(NOTEBOOK.read_text())
    cut = next(i for i, c in enumerate(doc["cells"]) if c["cell_type"] == "code" and ".fit(" in "".join(c["source"]))
    doc["cells"] = doc["cells"][:cut]
    if old is not None:
        edited = [c for c in doc["cells"] if old in "".join(c["source"])]
        assert len(edited) == 1, f"expected one cell holding {old!r}"
        edited[0]["source"] = "".join(edited[0]["source"]).replace(old, new)
    checked = [c for c in doc["cells"] if "# NBVAL_CHECK_OUTPUT" in "".join(c["source"])]
    assert len(checked) >= 3 and all(c.get("outputs") for c in checked), "run `make reference NOTEBOOKS=01` first"
    dest.write_text(json.dumps(doc))
    return dest


def nbval(path: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval-lax", "--nbval-current-env",
               "--nbval-sanitize-with", str(SANITIZE), str(path)]
    env = {**os.environ, "COURSE_PROFILE": "smoke"}
    return subprocess.run(command, cwd=path.parent, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_nbval_fails_on_a_changed_layer_width_and_passes_without_it(tmp_path):
    same = nbval(copy_before_training(tmp_path / "unchanged.ipynb"))
    assert same.returncode == 0, same.stdout[-3000:]

    changed = nbval(copy_before_training(tmp_path / "changed.ipynb", "Dense(256,", "Dense(200,"))
    assert changed.returncode == 1, changed.stdout[-3000:]
    assert "1 failed" in changed.stdout
    # The failure is the parameter table: 200 units give (784 + 1) * 200 = 157,000 weights.
    assert "157000" in changed.stdout and "200960" in changed.stdout
