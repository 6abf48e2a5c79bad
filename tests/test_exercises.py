"""The exercise checks: every registered exercise exists in its notebook, its cases pass, and the cases bite."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import exercise_cases
import pytest

from helpers import exercises
from helpers.exercises import Bound, Off

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def all_cases() -> list[exercise_cases.Case]:
    cases = []
    for module in pkgutil.iter_modules(exercise_cases.__path__):
        cases += importlib.import_module(f"exercise_cases.{module.name}").CASES
    return cases


CASES = all_cases()


def verdict(case: exercise_cases.Case, capsys) -> tuple[bool, str]:
    """Whether the check accepted the case's answers, and what it printed."""
    ex = exercises.exercise_of(case.notebook, case.number)
    run = case.run or exercise_cases.a_run(case.notebook)
    ok = Bound(ex, run).check(*case.answers, **case.context)
    return ok, capsys.readouterr().out


def case_problem(case: exercise_cases.Case, ok: bool, said: str) -> str | None:
    """Why a case's outcome is wrong, or None."""
    if case.wrong is None:
        return None if ok and "correct." in said else f"rejected a right answer: {said.strip()}"
    if ok:
        return f"accepted a wrong answer ({case.label}): {said.strip()}"
    if case.wrong.lower() not in said.lower():
        return f"rejected {case.label}, but without naming the mistake ({case.wrong!r}): {said.strip()}"
    return None


@pytest.mark.parametrize("case", CASES, ids=[f"{c.notebook[:2]}-{c.number}-{c.label}" for c in CASES])
def test_each_case_gets_the_verdict_it_must(case, capsys):
    ok, said = verdict(case, capsys)
    assert case_problem(case, ok, said) is None


def test_every_exercise_has_a_right_answer_and_two_wrong_ones():
    thin = []
    for (notebook, number) in exercises.registered():
        right = [c for c in CASES if (c.notebook, c.number) == (notebook, number) and c.wrong is None]
        wrong = [c for c in CASES if (c.notebook, c.number) == (notebook, number) and c.wrong is not None]
        if not right or len(wrong) < 2:
            thin.append(f"{notebook} exercise {number}: {len(right)} right, {len(wrong)} wrong answers")
    assert thin == []


def test_a_check_that_accepts_anything_is_caught(monkeypatch, capsys):
    """Every check replaced by one that accepts anything: each wrong case must then be reported."""
    for ex in exercises.registered().values():
        monkeypatch.setattr(ex, "check", lambda run, *answers, **context: None)
    wrong = [c for c in CASES if c.wrong is not None]
    assert wrong, "no wrong answers to try"
    caught = [case_problem(c, *verdict(c, capsys)) for c in wrong]
    assert all(problem and problem.startswith("accepted a wrong answer") for problem in caught)


def exercise_titles(notebook: str) -> dict[int, str]:
    """The exercises a course notebook poses: number -> title, from its `**N. Title.**` markdown cells."""
    doc = json.loads((NOTEBOOKS / f"{notebook}.ipynb").read_text())
    titles, section = {}, ""
    for cell in doc["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("## "):
                section = line
            found = exercises.TITLE.match(line)
            if found and section.startswith("## Exercises"):
                titles[int(found.group(1))] = found.group(2).strip()
    return titles


def test_the_registry_and_the_notebooks_name_the_same_exercises():
    registered = {(nb, n): ex.title for (nb, n), ex in exercises.registered().items()}
    posed = {(nb.stem, n): t for nb in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
             for n, t in exercise_titles(nb.stem).items()}
    assert registered == posed


# ----- the framework itself -----


def test_an_unanswered_exercise_says_so_and_does_not_crash(capsys):
    ex = exercises.exercise_of("01_dense_baseline", 1)
    assert Bound(ex, exercise_cases.a_run(ex.notebook)).check(..., ...) is False
    said = capsys.readouterr().out
    assert "not answered yet: by_formula and wider are still `...`" in said


def test_a_check_that_cannot_read_the_answer_says_what_it_expects(capsys):
    ex = exercises.Exercise("x", 1, "Demo", ("answer",), lambda run, answer: answer.missing_attribute)
    assert Bound(ex, None).check(3) is False
    said = capsys.readouterr().out
    assert "could not read your answer (AttributeError" in said and "It expects answer" in said


def test_the_wrong_number_of_answers_is_named(capsys):
    ex = exercises.Exercise("x", 1, "Demo", ("a", "b"), lambda run, a, b: None)
    assert Bound(ex, None).check(1) is False
    assert "check takes 2 answers (a, b), got 1" in capsys.readouterr().out


def test_off_is_reported_with_the_way_to_a_hint(capsys):
    def check(run, answer):
        raise Off("the count leaves out the biases.")

    assert Bound(exercises.Exercise("x", 2, "Demo", ("answer",), check), None).check(5) is False
    said = capsys.readouterr().out
    assert "Exercise 2 (Demo): not yet. the count leaves out the biases." in said and "exercise(2).hint()" in said


def answer_key(tmp_path: Path) -> Path:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "## Exercises\n\n**1. First.** Do this."},
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "outputs": [], "execution_count": None,
         "source": "# Hint: one\n# Hint: two\nanswer = 41 + 1"},
        {"cell_type": "markdown", "metadata": {}, "source": "**2. Second.** Do that."},
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "outputs": [], "execution_count": None,
         "source": "# Hint: only\nother = 7"},
    ]
    (tmp_path / "99_demo.ipynb").write_text(json.dumps({"cells": cells}))
    return tmp_path


def test_hints_come_one_per_call_then_point_to_the_solution(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(exercises, "NOTEBOOK_DIR", answer_key(tmp_path))
    bound = Bound(exercises.Exercise("99_demo", 1, "First", ("answer",), lambda run, answer: None), None)
    bound.hint(), bound.hint(), bound.hint()
    said = capsys.readouterr().out.splitlines()
    assert said == ["Exercise 1 (First): hint 1 of 2: one", "Exercise 1 (First): hint 2 of 2: two",
                    "Exercise 1 (First): no more hints (2 given). exercise(1).solution() shows the answer."]


def test_the_solution_is_the_answer_key_cell_of_that_exercise_without_its_hints(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(exercises, "NOTEBOOK_DIR", answer_key(tmp_path))
    Bound(exercises.Exercise("99_demo", 2, "Second", ("other",), lambda run, other: None), None).solution()
    said = capsys.readouterr().out
    assert said.rstrip().endswith("other = 7") and "Hint" not in said and "41 + 1" not in said


def test_an_unknown_exercise_lists_the_notebooks_exercises():
    with pytest.raises(KeyError, match=r"01_dense_baseline has no exercise 99; its exercises are \[1, 2, 3, 4, 5\]"):
        exercises.exercise_of("01_dense_baseline", 99)
