"""The notebook lint: the committed notebooks pass it, and every rule fails on a notebook that breaks it."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from tools import conventions
from tools import lint_notebooks as lint
from tools.cells import source
from tools.common import all_notebooks

NOTEBOOKS = all_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_committed_notebook_passes_the_lint(path):
    problems = lint.lint(path)
    assert not problems, "\n".join(f"[{rule}] {problem}" for rule, problem in problems)


def test_ruff_is_clean_on_helpers_tests_tools_and_notebooks():
    clean, report = lint.ruff()
    assert clean, report


# ----- a small notebook that follows every rule, and ways to break each rule -----


def md(text: str) -> dict:
    return {"cell_type": "markdown", "id": f"m{abs(hash(text)) % 10**8}", "metadata": {}, "source": text}


def code(text: str, count: int, out: str | None = None, cell_tags: tuple[str, ...] = ()) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": out}] if out is not None else []
    return {"cell_type": "code", "id": f"c{count}", "metadata": {"tags": list(cell_tags)},
            "execution_count": count, "outputs": outputs, "source": text}


def good_doc() -> dict:
    """A notebook of the course's shape: 01_first of a course of two notebooks."""
    checked = "# NBVAL_CHECK_OUTPUT\nprint({})"
    cells = [
        md("# 01 · A first notebook\n\nAn overview.\n\n**What you will learn**\n- one thing;\n- another,\n"
           "  over two lines;\n- a third.\n\n**Running it.** Profiles smoke, quick and full."),
        md("## Setup"),
        code('PROFILE = "full"  # smoke, quick or full\nEPOCHS = None', 1, cell_tags=("parameters",)),
        code('import helpers\n\nrun = helpers.setup(\n    "01_first",\n    PROFILE,\n    epochs_by_profile={}\n)\n\n'
             "import keras", 2, out="01_first | profile full\n"),
        md("## 1. Three facts\n\n```\n# a comment in a code fence is not a second title\n```\n"),
        code(checked.format(1), 3, out="1\n"),
        code(checked.format(2), 4, out="2\n"),
        code(checked.format(3), 5, out="3\n"),
        md("**What this showed.** Three facts.\n\n## Key takeaways\n- facts are facts."),
        md("## Exercises"),
        code("from helpers import exercises\n\nexercise = exercises.bind(run)", 6),
        md("**1. Print four.**"),
        code("# Hint: print a number.\nfour = 4", 7, cell_tags=("solution",)),
        code("exercise(1).check(four)", 8, out="Exercise 1 (Print four): correct.\n"),
        md("---\n**Next:** [02 · The second](02_second.ipynb) goes on."),
    ]
    kernelspec = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    return {"cells": cells, "metadata": {"kernelspec": kernelspec}, "nbformat": 4, "nbformat_minor": 5}


COURSE = ["01_first.ipynb", "02_second.ipynb"]


def run_lint(tmp_path: Path, doc: dict, name: str = "01_first.ipynb", pad: int = 0,
             add_conventions: bool = True) -> list[tuple[str, str]]:
    doc = with_conventions(doc) if add_conventions else doc
    path = tmp_path / name
    path.write_text(json.dumps(doc, indent=1) + " " * pad)
    return lint.lint(path, [tmp_path / n for n in COURSE])


def test_the_good_notebook_passes(tmp_path):
    assert run_lint(tmp_path, good_doc()) == []


def edit_source(index: int, old: str, new: str):
    def edit(doc):
        text = doc["cells"][index]["source"]
        assert old in text, (old, text)
        doc["cells"][index]["source"] = text.replace(old, new)

    return edit


def add_output(index: int, output: dict):
    return lambda doc: doc["cells"][index]["outputs"].append(output)


def set_tags(index: int, cell_tags: list[str]):
    return lambda doc: doc["cells"][index]["metadata"].update(tags=cell_tags)


def stderr(text: str) -> dict:
    return {"output_type": "stream", "name": "stderr", "text": text}


def stdout(text: str) -> dict:
    return {"output_type": "stream", "name": "stdout", "text": text}


def display(mime: str, value) -> dict:
    return {"output_type": "display_data", "metadata": {}, "data": {mime: value}}


BREAKAGES = {
    "title: another number": ("title", edit_source(0, "# 01 ·", "# 03 ·")),
    "title: not the first cell": ("title", lambda doc: doc["cells"].insert(0, md("Some text first."))),
    "title: a second H1": ("title", edit_source(8, "## Key takeaways", "# Key takeaways\n\n## Key takeaways")),
    "learn: missing": ("learn", edit_source(0, "What you will learn", "What you will see")),
    "learn: two bullets": ("learn", edit_source(0, "- a third.\n", "")),
    "learn: six bullets": ("learn", edit_source(0, "- a third.\n", "- a third;\n- 4;\n- 5;\n- 6.\n")),
    "parameters: untagged": ("parameters", set_tags(2, [])),
    "parameters: not full": ("parameters", edit_source(2, 'PROFILE = "full"', 'PROFILE = "quick"')),
    "parameters: tagged twice": ("parameters", set_tags(5, ["parameters"])),
    "parameters: no setup heading": ("parameters", edit_source(1, "## Setup", "## Set up")),
    "setup: no call": ("setup", edit_source(3, "helpers.setup(", "helpers.other(")),
    "setup: other name": ("setup", edit_source(3, '"01_first"', '"01_old_name"')),
    "setup: keras first": ("setup", edit_source(3, "import helpers\n", "import keras\nimport helpers\n")),
    "takeaways: missing": ("takeaways", edit_source(8, "## Key takeaways", "## Summary")),
    "exercises: missing": ("exercises", edit_source(9, "## Exercises", "## Practice")),
    "exercises: no solution tag": ("exercises", set_tags(12, [])),
    "exercises: solution too early": ("exercises", lambda doc: (
        set_tags(7, ["solution"])(doc), edit_source(7, "# NBVAL", "# Hint: a hint.\n# NBVAL")(doc))),
    "exercises: before takeaways": (
        "exercises",
        lambda doc: doc["cells"].insert(8, doc["cells"].pop(9)),
    ),
    "next_link: wrong file": ("next_link", edit_source(14, "02_second.ipynb", "02_other.ipynb")),
    "next_link: missing": ("next_link", lambda doc: doc["cells"].pop(14)),
    "errors": ("errors", add_output(6, {"output_type": "error", "ename": "ValueError", "evalue": "bad",
                                        "traceback": ["ValueError: bad"]})),
    "stderr": ("stderr", add_output(6, stderr("Epoch 1/1\n"))),
    "warnings: python warning": ("warnings", add_output(6, stdout("x.py:3: UserWarning: careful\n"))),
    "warnings: logging": ("warnings", add_output(6, stdout("WARNING:absl:Compiled the loaded model\n"))),
    "warnings: absl C++": ("warnings", add_output(6, stdout("W0512 10:31:07.1 12 op.cc:9] slow\n"))),
    "paths: stdout": ("paths", add_output(6, stdout("saved to /home/alice/course/models\n"))),
    "paths: html": ("paths", add_output(6, display("text/html", "<b>/tmp/x.png</b>"))),
    "paths: plotly figure": ("paths", add_output(6, display("application/vnd.plotly.v1+json", {"title": "/work/a"}))),
    "paths: papermill metadata": ("paths", lambda doc: doc["metadata"].update(
        papermill={"input_path": "/root/course/notebooks/01_first.ipynb"})),
    "execution_counts: out of order": ("execution_counts", lambda doc: doc["cells"][5].update(execution_count=9)),
    "execution_counts: not run": ("execution_counts", lambda doc: doc["cells"][10].update(execution_count=None)),
    "execution_counts: stale result": ("execution_counts", add_output(7, {
        "output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": "3"}})),
    "kernelspec": ("kernelspec", lambda doc: doc["metadata"]["kernelspec"].update(name="course-env")),
    "nbval: two checks": ("nbval", edit_source(7, "# NBVAL_CHECK_OUTPUT\n", "")),
    "nbval: nothing to compare": ("nbval", lambda doc: doc["cells"][5].update(outputs=[])),
    "prose_numbers: a figure no output shows": ("prose_numbers", edit_source(8, "Three facts.", "Facts, 93.1% new.")),
}


@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_each_rule_fails_on_a_notebook_that_breaks_it(tmp_path, case):
    rule, breakage = BREAKAGES[case]
    doc = copy.deepcopy(good_doc())
    breakage(doc)
    problems = run_lint(tmp_path, doc)
    assert {r for r, _ in problems} == {rule}, problems


def test_every_rule_is_proved_to_bite():
    # The size rule has its own test below (it needs a big file, not an edit).
    rules = {rule for rule, _ in [*BREAKAGES.values(), *CONVENTION_BREAKAGES.values()]}
    assert rules | {"size"} == set(lint.RULES)


def test_size_rule_fails_above_two_megabytes(tmp_path):
    assert run_lint(tmp_path, good_doc(), pad=lint.MAX_BYTES - 10_000) == []
    assert {r for r, _ in run_lint(tmp_path, good_doc(), pad=lint.MAX_BYTES)} == {"size"}


def test_the_last_notebook_needs_no_next_link(tmp_path):
    doc = good_doc()
    doc["cells"].pop(14)
    doc["cells"][0]["source"] = doc["cells"][0]["source"].replace("# 01 ·", "# 02 ·")
    doc["cells"][3]["source"] = doc["cells"][3]["source"].replace('"01_first"', '"02_second"')
    assert run_lint(tmp_path, doc, name="02_second.ipynb") == []


def test_an_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "01_first.ipynb"
    path.write_text('{"cells": [')
    assert [r for r, _ in lint.lint(path, [path])] == ["json"]


def test_ruff_fails_on_a_notebook_with_an_unused_import(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    doc = good_doc()
    (notebooks / "01_first.ipynb").write_text(json.dumps(doc))
    # The project's configuration, applied to a copy outside the project.
    (tmp_path / "pyproject.toml").write_text((lint.ROOT / "pyproject.toml").read_text())
    clean, report = lint.ruff(("notebooks",), cwd=tmp_path)
    assert not clean and "F401" in report and "keras" in report
    doc["cells"][3]["source"] += "\n\nprint(keras.__version__)"
    (notebooks / "01_first.ipynb").write_text(json.dumps(doc))
    assert lint.ruff(("notebooks",), cwd=tmp_path) == (True, "All checks passed!")


# ----- the learner conventions (tools/conventions.py): contents, questionnaire, further reading, hints -----


def with_conventions(doc: dict) -> dict:
    """A copy of a notebook with the conventions' cells added where they belong (after breaking the rest)."""
    doc = copy.deepcopy(doc)
    cells = doc["cells"]
    headings = [*conventions.section_headings(doc), "Questionnaire", "Further reading"]
    contents = "**Contents**\n\n" + "\n".join(
        f"{i}. [{h}](#{conventions.jupyterlab_anchor(h)})" for i, h in enumerate(headings, start=1))
    learn = next((i for i, c in enumerate(cells) if "What you will learn" in source(c)), 0)
    cells.insert(learn + 1, md(contents))
    answers = md("**Answers**\n\n" + "\n".join(f"{i}. Because of fact {i}." for i in range(1, 6)))
    answers["metadata"]["tags"] = ["answers"]
    reading = md("## Further reading\n\n- [Conv2D](https://keras.io/api/layers/convolution_layers/convolution2d/)\n"
                 "- Dropout: [Srivastava et al., 2014](https://jmlr.org/papers/v15/srivastava14a.html)")
    questions = md("## Questionnaire\n\n" + "\n".join(f"{i}. Why does fact {i} hold?" for i in range(1, 6)))
    at = next((i for i, c in enumerate(cells) if "**Next:**" in source(c)), len(cells))
    cells[at:at] = [questions, answers, reading]
    return doc


def cell_starting(doc: dict, first_line: str) -> dict:
    return next(c for c in doc["cells"] if source(c).startswith(first_line))


def edit_cell(first_line: str, old: str, new: str):
    def edit(doc):
        cell = cell_starting(doc, first_line)
        assert old in cell["source"], (old, cell["source"])
        cell["source"] = cell["source"].replace(old, new)

    return edit


def move_cell(first_line: str, to: int):
    def move(doc):
        cell = cell_starting(doc, first_line)
        doc["cells"].remove(cell)
        doc["cells"].insert(to if to >= 0 else len(doc["cells"]) + to + 1, cell)

    return move


def swap_contents(doc: dict, first: dict, second: dict) -> None:
    """Swap what two cells hold (source, tags, outputs), keeping their places and execution counts."""
    for key in ("source", "outputs"):
        first[key], second[key] = second[key], first[key]
    first["metadata"], second["metadata"] = second["metadata"], first["metadata"]


CONVENTION_BREAKAGES = {
    "contents: missing": ("contents", edit_cell("**Contents**", "**Contents**", "**In this notebook**")),
    "contents: not after the learn cell": ("contents", move_cell("**Contents**", 3)),
    "contents: a section not linked": ("contents", edit_cell("**Contents**", "2. [1. Three facts](#1.-Three-facts)\n",
                                                             "")),
    "contents: a GitHub-style anchor": ("contents", edit_cell("**Contents**", "#1.-Three-facts", "#1-three-facts")),
    "contents: not a numbered list": ("contents", edit_cell("**Contents**", "1. [Setup]", "- [Setup]")),
    "questionnaire: not a cell of its own": ("questionnaire", edit_cell("## Questionnaire", "## Questionnaire",
                                                                        "Words first.\n\n## Questionnaire")),
    "questionnaire: four questions": ("questionnaire", edit_cell("## Questionnaire", "5. Why", "Also: why")),
    "questionnaire: nine questions": ("questionnaire", edit_cell(
        "## Questionnaire", "5. Why does fact 5 hold?", "\n".join(f"{i}. Why {i}?" for i in range(5, 10)))),
    "questionnaire: before the exercises": ("questionnaire", lambda doc: doc["cells"].insert(
        2, doc["cells"].pop(doc["cells"].index(cell_starting(doc, "## Questionnaire"))))),
    "questionnaire: answers untagged": ("questionnaire", lambda doc: cell_starting(doc, "**Answers**")["metadata"]
                                        .update(tags=[])),
    "questionnaire: answers not next": ("questionnaire", lambda doc: doc["cells"].insert(
        doc["cells"].index(cell_starting(doc, "**Answers**")), md("A note between."))),
    "questionnaire: answers untitled": ("questionnaire", edit_cell("**Answers**", "**Answers**", "**Key**")),
    "questionnaire: an answer missing": ("questionnaire", edit_cell("**Answers**", "5. Because", "Also because")),
    "further_reading: not a cell of its own": ("further_reading", edit_cell(
        "## Further reading", "## Further reading", "Words first.\n\n## Further reading")),
    "further_reading: no Keras page": ("further_reading", edit_cell("## Further reading", "https://keras.io/",
                                                                    "https://example.org/")),
    "further_reading: after the Next link": ("further_reading", move_cell("## Further reading", -1)),
    "hints: a solution without a hint": ("hints", edit_cell("# Hint:", "# Hint: print a number.\n", "")),
    "exercise_checks: no check cell": ("exercise_checks", lambda doc: doc["cells"].remove(
        cell_starting(doc, "exercise(1).check("))),
    "exercise_checks: the check says not yet": ("exercise_checks", lambda doc: cell_starting(
        doc, "exercise(1).check(")["outputs"][0].update(text="Exercise 1 (Print four): not yet. It prints five.\n")),
    "exercise_checks: no bind cell": ("exercise_checks", edit_cell("from helpers import exercises",
                                                                   "exercises.bind(run)", "None")),
    "exercise_checks: the check before the solution": ("exercise_checks", lambda doc: swap_contents(
        doc, cell_starting(doc, "# Hint:"), cell_starting(doc, "exercise(1).check("))),
}


@pytest.mark.parametrize("case", CONVENTION_BREAKAGES, ids=list(CONVENTION_BREAKAGES))
def test_each_convention_rule_fails_on_a_notebook_that_breaks_it(tmp_path, case):
    rule, breakage = CONVENTION_BREAKAGES[case]
    doc = with_conventions(good_doc())
    breakage(doc)
    problems = run_lint(tmp_path, doc, add_conventions=False)
    assert {r for r, _ in problems} == {rule}, problems
