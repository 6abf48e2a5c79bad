"""Reading a notebook: its cells' source, tags and outputs, and its markdown outside fenced code.

Every tool that reads a notebook's JSON (the lint and its rules, the prose check, the student
versions, the course site, the bench) reads it through these few functions, so a cell stored
as a list of lines or as one string, a cell without tags and a ``` fence mean the same
everywhere. The tags and the `# Hint:` pattern are the ones helpers.exercises reads the answer
key with, so the student versions, the lint and `exercise(n).hint()` agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from helpers.exercises import HINT, SOLUTION_TAG, TITLE

__all__ = ["ANSWERS_TAG", "HINT", "PARAMETERS_TAG", "SOLUTION_TAG", "STUB_TAG", "TITLE", "Notebook", "code_cells",
           "fenced_lines", "markdown_lines", "prose_lines", "source", "tags", "text"]

ANSWERS_TAG = "answers"  # the questionnaire's answer key (a markdown cell)
PARAMETERS_TAG = "parameters"  # the first code cell: PROFILE and the knobs, papermill's parameters
STUB_TAG = "exercise"  # what a solution cell becomes in a student version
FENCE = "```"


@dataclass(frozen=True)
class Notebook:
    """One notebook read from disk: its path, its JSON, and the course it belongs to (file names, in order).

    Every lint rule takes one and returns its problems as sentences.
    """

    path: Path
    doc: dict
    course: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        return self.path.stem


def text(value: object) -> str:
    """A notebook string field (a source, a stream's text, an output's data), stored as lines or one string."""
    return "".join(value) if isinstance(value, list) else str(value)


def source(cell: dict) -> str:
    """A cell's source as one string."""
    return text(cell.get("source", ""))


def tags(cell: dict) -> list[str]:
    """A cell's tags (none when it has no metadata)."""
    return cell.get("metadata", {}).get("tags", [])


def code_cells(doc: dict) -> list[tuple[int, dict]]:
    """(index, cell) of every code cell."""
    return [(i, c) for i, c in enumerate(doc.get("cells", [])) if c.get("cell_type") == "code"]


def fenced_lines(markdown: str) -> list[tuple[bool, str]]:
    """Each line of a markdown text, with whether it belongs to a fenced code block (its ``` lines included).

    An unclosed fence runs to the end of the text, as Markdown renders it.
    """
    lines, fenced = [], False
    for line in markdown.split("\n"):
        fence = line.lstrip().startswith(FENCE)
        lines.append((fenced or fence, line))
        fenced = fenced != fence
    return lines


def prose_lines(markdown: str) -> list[str]:
    """The lines of a markdown text outside fenced code blocks."""
    return [line for fenced, line in fenced_lines(markdown) if not fenced]


def markdown_lines(doc: dict) -> list[tuple[int, str]]:
    """(cell index, line) of every markdown line outside fenced code blocks."""
    return [(i, line) for i, cell in enumerate(doc.get("cells", [])) if cell.get("cell_type") == "markdown"
            for line in prose_lines(source(cell))]
