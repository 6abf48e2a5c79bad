"""What the course's tools share: the course's facts (taken from helpers) and notebook plumbing.

Every tool imports this module (and tools.cells to read a notebook), never another tool's
script. The facts themselves (where the course is, which profiles exist) are defined once,
in helpers; this module only derives the tools' paths from them.
"""

from __future__ import annotations

import copy
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import helpers  # noqa: F401  (sets TensorFlow's quiet environment before anything imports it)
from helpers.paths import PROJECT_ROOT
from helpers.profiles import PROFILES, quiet_tensorflow
from tools.cells import source

ROOT = PROJECT_ROOT
NOTEBOOK_DIR = ROOT / "notebooks"
BUILD = ROOT / "build"

__all__ = ["BUILD", "NOTEBOOK_DIR", "PROFILES", "ROOT", "all_notebooks", "cut_after", "execute", "machine",
           "quiet_tensorflow", "select", "strip_run_metadata"]


def machine() -> dict:
    """What the numbers depend on: CPU, cores, Python and library versions."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(*names: str) -> str:
        for name in names:
            try:
                return version(name)
            except PackageNotFoundError:
                continue
        return "not installed"

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").is_file() else []
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")), "unknown")
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "tensorflow": installed("tensorflow-cpu", "tensorflow"), "keras": installed("keras")}


def all_notebooks() -> list[Path]:
    """The course notebooks in lesson order."""
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def select(wanted: list[str]) -> list[Path]:
    """Notebooks whose number or name starts with one of wanted (all when empty); exits naming unknown ones."""
    notebooks = all_notebooks()
    if not wanted:
        return notebooks
    chosen, unknown = [], []
    for key in wanted:
        key = key.strip()  # "" names no notebook (a prefix of every name otherwise)
        hits = [nb for nb in notebooks if key and nb.stem.startswith(key.zfill(2) if key.isdigit() else key)]
        (chosen.extend(hits) if hits else unknown.append(key))
    if unknown:
        names = ", ".join(nb.stem for nb in notebooks)
        sys.exit(f"No notebook matches {', '.join(repr(k) if not k.strip() else k for k in unknown)}. "
                 f"The notebooks are: {names}.")
    return sorted(set(chosen))


def strip_run_metadata(doc: dict) -> dict:
    """Remove papermill's per-run metadata (timings, absolute paths) from a notebook, in place; return it."""
    doc.get("metadata", {}).pop("papermill", None)
    for cell in doc["cells"]:
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    return doc


def cut_after(doc: dict, stop: str | Callable[[dict], bool]) -> dict:
    """A copy of a notebook that ends with the first code cell matching stop, outputs cleared.

    stop is a piece of source text, or a test of a cell. Tests use it to run a notebook
    only as far as the cells they are about.
    """
    matches = stop if callable(stop) else (lambda cell: stop in source(cell))
    cut = copy.deepcopy(doc)
    ends = [i for i, c in enumerate(cut["cells"]) if c["cell_type"] == "code" and matches(c)]
    if not ends:
        raise ValueError(f"no code cell of the notebook matches {stop!r}")
    cut["cells"] = cut["cells"][: ends[0] + 1]
    for cell in cut["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return cut


def execute(notebook: Path, out: Path, parameters: dict | None, progress_bar: bool = True) -> tuple[str, float]:
    """Execute a notebook with papermill into out (cwd notebooks/); return its status text and wall seconds."""
    import papermill as pm

    start = time.perf_counter()
    try:
        pm.execute_notebook(str(notebook), str(out), parameters=parameters, kernel_name="python3",
                            cwd=str(NOTEBOOK_DIR), progress_bar=progress_bar,
                            # the kernel's own start-up warning (plain TCP on this machine) is not the user's news
                            extra_arguments=["--IPKernelApp.log_level=ERROR"])
        status = "ok"
    except pm.PapermillExecutionError as exc:
        status = f"FAILED in cell {exc.exec_count}: {exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}"
    except Exception as exc:  # a dead kernel or an unreadable notebook: still name the notebook
        status = f"FAILED: {type(exc).__name__}: {exc}"
    return status, time.perf_counter() - start
