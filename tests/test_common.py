"""The tools' shared module: the course's facts from helpers, notebook selection, copies cut short, run metadata."""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path

import pytest

from helpers import paths, profiles
from tools import common

TOOLS = common.ROOT / "tools"


def test_the_facts_come_from_helpers():
    assert common.ROOT == paths.PROJECT_ROOT
    assert common.PROFILES == tuple(profiles.PROFILES) == ("smoke", "quick", "full")


def test_notebooks_are_chosen_by_number_or_name():
    assert [p.stem for p in common.select(["1"])] == ["01_dense_baseline"]
    assert common.select(["02_first", "01"]) == common.all_notebooks()[:2]
    with pytest.raises(SystemExit, match="No notebook matches 99. The notebooks are: 01_dense_baseline"):
        common.select(["99"])


def test_run_metadata_is_stripped_and_everything_else_kept():
    doc = {"metadata": {"papermill": {"input_path": "/root/x.ipynb"}, "kernelspec": {"name": "python3"}},
           "cells": [{"cell_type": "code", "metadata": {"papermill": {"duration": 1.0}, "execution": {"a": 1},
                                                        "tags": ["parameters"]}}]}
    assert common.strip_run_metadata(doc) is doc
    assert doc == {"metadata": {"kernelspec": {"name": "python3"}},
                   "cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}}]}


def test_a_copy_cut_short_ends_at_the_first_matching_code_cell():
    original = json.loads(common.select(["01"])[0].read_text())
    before = copy.deepcopy(original)
    cut = common.cut_after(original, "helpers.setup(")
    assert original == before  # the notebook itself is not touched
    last = cut["cells"][-1]
    assert last["cell_type"] == "code" and "helpers.setup(" in "".join(last["source"])
    assert cut["cells"] == [c | ({"outputs": [], "execution_count": None} if c["cell_type"] == "code" else {})
                            for c in original["cells"][: len(cut["cells"])]]
    by_tag = common.cut_after(original, lambda c: "parameters" in c["metadata"].get("tags", []))
    assert "parameters" in by_tag["cells"][-1]["metadata"]["tags"]
    with pytest.raises(ValueError, match="no code cell of the notebook matches 'no such code'"):
        common.cut_after(original, "no such code")


def imported_modules(path) -> set[str]:
    """Top-level names of the modules a Python file imports."""
    tree = ast.parse(path.read_text())
    names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    names |= {f"{node.module}.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
              and node.module in ("tools", "tools.book") for alias in node.names}
    # tools.common and `from tools import bench` name the tool itself; anything else its top-level package
    return {name.split(".")[-1] if name.startswith("tools.") else name.split(".")[0] for name in names}


def scripts(folder) -> set[str]:
    """The tools of a folder that are commands (they have a __main__ entry), by module name."""
    return {p.stem for p in folder.glob("*.py") if '__name__ == "__main__"' in p.read_text()}


def tools_importing_scripts(folder) -> dict[str, set[str]]:
    """Tool -> the command scripts it imports (it should import common and plain modules only)."""
    return {p.stem: imported_modules(p) & scripts(folder) for p in folder.glob("*.py")
            if imported_modules(p) & scripts(folder)}


def test_no_tool_imports_another_tool_script():
    assert {"run_notebooks", "build_report", "bench", "fetch_data", "make_student"} <= scripts(TOOLS)
    assert tools_importing_scripts(TOOLS) == {}


def path_edits(files) -> list[str]:
    """Files that change Python's import path (`sys.path.insert`, `sys.path.append`, ...)."""
    return [str(p) for p in files if re.search(r"\bsys\.path\b", p.read_text())]


def test_tools_and_tests_import_through_the_installed_packages_only():
    this = Path(__file__).resolve()
    files = [p for p in [*TOOLS.rglob("*.py"), *this.parent.rglob("*.py")] if p.resolve() != this]
    assert len(files) > 30 and path_edits(files) == []


def test_the_path_check_sees_an_edit(tmp_path):
    (tmp_path / "a.py").write_text("import sys\nsys.path.insert(0, 'tools')\n")
    (tmp_path / "b.py").write_text("import sys\n")
    assert path_edits(sorted(tmp_path.glob("*.py"))) == [str(tmp_path / "a.py")]


def test_the_import_check_sees_a_tool_imported_through_another(tmp_path):
    for name in ("run_notebooks", "build_report"):
        (tmp_path / f"{name}.py").write_text((TOOLS / f"{name}.py").read_text())
    (tmp_path / "build_report.py").write_text("from tools.run_notebooks import ROOT\n" + (TOOLS / "build_report.py")
                                              .read_text())
    assert tools_importing_scripts(tmp_path) == {"build_report": {"run_notebooks"}}


def test_the_reference_run_records_each_notebooks_time_and_keeps_the_others(tmp_path):
    from tools import run_notebooks

    times = tmp_path / "times.json"
    times.write_text('{"notebooks": {"01_a": {"seconds": 5')  # half-written by an interrupted run
    run_notebooks.record_full_time("02_b", 200.04, times)
    run_notebooks.record_full_time("01_a", 120.0, times)
    record = json.loads(times.read_text())
    assert {k: v["seconds"] for k, v in record["notebooks"].items()} == {"01_a": 120.0, "02_b": 200.0}
    assert record["notebooks"]["02_b"]["machine"]["cores"] >= 1 and not list(tmp_path.glob("*.tmp"))
