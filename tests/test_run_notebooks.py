"""tools/run_notebooks.py: a run of smoke or quick checks its own prose against its own outputs."""

from __future__ import annotations

import json

import pytest

from tools import run_notebooks


def executed(prose: str, printed: str) -> dict:
    """An executed notebook of one markdown cell and one code cell that printed something."""
    code = {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": "print(x)",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}]}
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": prose}, code], "metadata": {},
            "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def fake_run(tmp_path, monkeypatch):
    """run_notebooks with papermill replaced: each 'execution' writes the given page as the executed copy."""
    monkeypatch.setattr(run_notebooks, "BUILD", tmp_path)
    page = {}

    def execute(notebook, out, parameters, progress_bar=True):
        out.write_text(json.dumps(page["doc"]))
        return "ok", 1.0

    monkeypatch.setattr(run_notebooks, "execute", execute)
    return page


def test_a_quick_run_fails_on_a_figure_its_outputs_do_not_show(fake_run, capsys):
    fake_run["doc"] = executed("The model reaches 0.9413 on the test images.", "test accuracy 0.7643")
    assert run_notebooks.main(["--profile", "quick", "01"]) == 1
    said = capsys.readouterr().out
    assert "quotes 1 figure that its own outputs do not show" in said and "'0.9413'" in said


def test_a_figure_marked_as_the_full_runs_or_printed_by_the_run_passes(fake_run, capsys):
    fake_run["doc"] = executed("In the full run on this page it reaches 0.9413. Yours reaches 0.7643.",
                               "test accuracy 0.7643")
    assert run_notebooks.main(["--profile", "smoke", "01"]) == 0
    assert "prose check: every figure" in capsys.readouterr().out
