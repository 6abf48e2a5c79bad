"""Exercises that answer back: each exercise checks the learner's own answer, gives hints, shows the solution.

In a notebook, after its setup:

    exercise = exercises.bind(run)
    exercise(3).check(shifted)     # "correct", or exactly what is off; never the solution
    exercise(3).hint()             # the next of the author's hints, one per call
    exercise(3).solution()         # the answer key's code, only when asked

Each exercise is registered once, in the module of its notebook (`nb01` ... `nb09`), with its
check. Its hints and its solution are read from the answer key: the course notebook's cell
tagged `solution` under the exercise's title (`**3. Title.**`), whose `# Hint:` lines are the
hints. A check computes what it expects from the learner's own run (their images, profile and
seed), never from a number typed into it, so it holds under every profile and on any machine.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from helpers.paths import PROJECT_ROOT

__all__ = ["Exercise", "Off", "bind", "exercise_of", "need", "registered", "register"]

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"
MODULES = tuple(f"nb{n:02d}" for n in range(1, 10))  # one module of checks per notebook
TITLE = re.compile(r"^\*\*(\d+)\.\s*(.+?)\.?\*\*", re.MULTILINE)  # "**2. Sparse labels.**" at a line's start
HINT = re.compile(r"^\s*#\s*Hint:\s*", re.IGNORECASE)
SOLUTION_TAG = "solution"


class Off(Exception):
    """What is off in a learner's answer, in words that point at the mistake without giving the solution."""


def need(condition: object, message: str) -> None:
    """Stop a check with `message` unless condition holds."""
    if not condition:
        raise Off(message)


@dataclass
class Exercise:
    """One registered exercise: where it is, what the learner's answer is called, and how it is checked."""

    notebook: str
    number: int
    title: str
    answers: tuple[str, ...]  # the names the learner's code defines and the check cell passes, in order
    check: Callable  # check(run, *answers, **context) -> a note for a right answer (or None); raises Off
    hints_shown: int = field(default=0, compare=False)

    @property
    def label(self) -> str:
        return f"Exercise {self.number} ({self.title})"


_REGISTRY: dict[tuple[str, int], Exercise] = {}


def register(notebook: str, number: int, title: str, answers: tuple[str, ...]) -> Callable:
    """Decorator: register a check as exercise `number` of `notebook` (the title as the notebook writes it)."""
    def wrap(check: Callable) -> Callable:
        key = (notebook, number)
        if key in _REGISTRY and _REGISTRY[key].check is not check:
            raise ValueError(f"exercise {number} of {notebook} is registered twice")
        _REGISTRY[key] = Exercise(notebook, number, title, tuple(answers), check)
        return check
    return wrap


def registered() -> dict[tuple[str, int], Exercise]:
    """Every registered exercise of the course, by (notebook, number)."""
    for module in MODULES:
        importlib.import_module(f"helpers.exercises.{module}")
    return dict(sorted(_REGISTRY.items()))


def exercise_of(notebook: str, number: int) -> Exercise:
    """The registered exercise, or an error that lists the notebook's exercises."""
    known = registered()
    if (notebook, number) not in known:
        numbers = sorted(n for nb, n in known if nb == notebook)
        raise KeyError(f"{notebook} has no exercise {number!r}; its exercises are {numbers or 'none'}.")
    return known[(notebook, number)]


# ----- the answer key -----


def answer_key_cell(notebook: str, number: int, folder: Path | None = None) -> str:
    """The source of the answer key's solution cell of one exercise (in the course's notebooks/ by default)."""
    path = (folder or NOTEBOOK_DIR) / f"{notebook}.ipynb"
    try:
        cells = json.loads(path.read_text())["cells"]
    except (OSError, ValueError, KeyError) as exc:
        raise FileNotFoundError(f"the answer key {path} cannot be read ({exc}); it is the course's own notebook, "
                                "which hints and solutions are read from.") from exc
    opened = False
    for cell in cells:
        text = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            found = TITLE.search(text)
            if found:
                opened = int(found.group(1)) == number
            elif text.startswith("## "):  # the next section: the exercises are over
                opened = False
        elif opened and SOLUTION_TAG in cell.get("metadata", {}).get("tags", []):
            return text
    raise LookupError(f"{path.name} has no cell tagged {SOLUTION_TAG!r} under the title of exercise {number}.")


def hints_of(source: str) -> list[str]:
    """The author's hints: the solution cell's `# Hint:` lines, without the marker."""
    return [HINT.sub("", line).strip() for line in source.splitlines() if HINT.match(line)]


def solution_of(source: str) -> str:
    """The solution's code: the cell without its hint lines."""
    return "\n".join(line for line in source.splitlines() if not HINT.match(line)).strip()


# ----- what the learner calls -----


def _unanswered(value: object) -> bool:
    return value is Ellipsis


@dataclass
class Bound:
    """One exercise, bound to the learner's run: check, hint and solution."""

    exercise: Exercise
    run: object

    def _say(self, text: str) -> None:
        print(f"{self.exercise.label}: {text}")

    def check(self, *answers, **context) -> bool:
        """Check the learner's answer; print "correct" or what is off. Returns whether it is correct."""
        ex = self.exercise
        call = f"exercise({ex.number})"
        if len(answers) != len(ex.answers):
            self._say(f"check takes {len(ex.answers)} answer{'s' * (len(ex.answers) != 1)} "
                      f"({', '.join(ex.answers)}), got {len(answers)}.")
            return False
        missing = [name for name, value in zip(ex.answers, answers, strict=True) if _unanswered(value)]
        if missing:
            names = " and ".join(filter(None, [", ".join(missing[:-1]), missing[-1]]))
            self._say(f"not answered yet: {names} {'is' if len(missing) == 1 else 'are'} still `...`. "
                      f"Write your code in the exercise's cell, run it, then this cell. "
                      f"{call}.hint() gives a hint.")
            return False
        try:
            note = ex.check(self.run, *answers, **context)
        except Off as off:
            self._say(f"not yet. {off} ({call}.hint() gives a hint, {call}.solution() shows the answer.)")
            return False
        except Exception as exc:  # the answer is of a kind the check cannot read
            self._say(f"not yet. The check could not read your answer ({type(exc).__name__}: "
                      f"{str(exc).splitlines()[0][:160] if str(exc) else ''}). It expects "
                      f"{', '.join(ex.answers)} as the exercise asks for them; {call}.hint() gives a hint.")
            return False
        self._say("correct." + (f" {note}" if note else ""))
        return True

    def hint(self) -> None:
        """Print the next hint, one more at each call."""
        ex = self.exercise
        hints = hints_of(answer_key_cell(ex.notebook, ex.number))
        if ex.hints_shown >= len(hints):
            self._say(f"no more hints ({len(hints)} given). exercise({ex.number}).solution() shows the answer.")
            return
        ex.hints_shown += 1
        self._say(f"hint {ex.hints_shown} of {len(hints)}: {hints[ex.hints_shown - 1]}")

    def solution(self) -> None:
        """Show the answer key's code for this exercise."""
        ex = self.exercise
        code = solution_of(answer_key_cell(ex.notebook, ex.number))
        self._say(f"the answer key's solution (from notebooks/{ex.notebook}.ipynb):\n\n{code}")


def bind(run) -> Callable[[int], Bound]:
    """`exercise = bind(run)`; then exercise(n) is exercise n of the run's notebook, checked against the run."""
    def exercise(number: int) -> Bound:
        return Bound(exercise_of(run.notebook, number), run)
    return exercise
