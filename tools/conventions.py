"""The notebook conventions a learner relies on beside the code, and the lint rules that check them.

- **Contents**: a markdown cell right after the "What you will learn" cell, `**Contents**` then a
  numbered list linking every `##` section by its JupyterLab anchor.
- `## Questionnaire`: 5 to 8 numbered questions, followed directly by one markdown cell tagged
  `answers` that starts with `**Answers**` and numbers one answer per question.
- `## Further reading`: bullet links, at least one to the Keras API pages (https://keras.io/...).
- Every cell tagged `solution` starts with `# Hint:` lines written for the student version.

Each rule takes a tools.cells.Notebook and returns its problems as sentences, like every rule of the
notebook lint (tools/lint_notebooks.py), which runs them; the course site uses the anchor rule.
"""

from __future__ import annotations

import re

from tools.cells import ANSWERS_TAG, HINT, SOLUTION_TAG, TITLE, Notebook, markdown_lines, source, tags

QUESTIONS = range(5, 9)
NUMBERED = re.compile(r"^\d+\.\s+\S", re.MULTILINE)
ANCHOR_LINK = re.compile(r"\]\(#([^)\s]+)\)")
KERAS_LINK = re.compile(r"\]\(https://keras\.io/[^)\s]*\)")


def jupyterlab_anchor(heading: str) -> str:
    """JupyterLab's anchor of a heading: its text with each space replaced by '-' (case and punctuation kept)."""
    return heading.strip().replace(" ", "-")


def starting(doc: dict, first_line: str) -> int | None:
    """Index of the first markdown cell whose first line is first_line, or None."""
    for i, cell in enumerate(doc["cells"]):
        lines = source(cell).strip().splitlines()
        if cell["cell_type"] == "markdown" and lines and lines[0].strip() == first_line:
            return i
    return None


def section_headings(doc: dict) -> list[str]:
    """The text of every `## ` heading, as JupyterLab shows it (inline code and bold marks dropped)."""
    return [re.sub(r"`|\*\*", "", line[3:]).strip() for _, line in markdown_lines(doc) if line.startswith("## ")]


def check_contents(nb: Notebook) -> list[str]:
    """A **Contents** cell right after "What you will learn", numbering links to every `##` section."""
    doc = nb.doc
    at = starting(doc, "**Contents**")
    if at is None:
        return ["no `**Contents**` cell (a markdown cell starting with that line, listing the `##` sections)"]
    problems = []
    learn = next((i for i, c in enumerate(doc["cells"]) if c["cell_type"] == "markdown"
                  and "What you will learn" in source(c)), None)
    if learn is not None and at != learn + 1:  # without that cell, the lint's `learn` rule says so
        problems.append(f"the `**Contents**` cell (cell {at}) must come right after the 'What you will learn' cell")
    text = source(doc["cells"][at])
    links = ANCHOR_LINK.findall(text)
    wanted = [jupyterlab_anchor(h) for h in section_headings(doc)]
    missing = [a for a in wanted if a not in links]
    unknown = [a for a in links if a not in wanted]
    if missing:
        problems.append(f"the contents do not link these sections: {', '.join('#' + a for a in missing)}")
    if unknown:
        problems.append(f"the contents link anchors no `##` heading has (JupyterLab's anchor is the heading text "
                        f"with spaces as '-'): {', '.join('#' + a for a in unknown)}")
    if len(NUMBERED.findall(text)) != len(links):
        problems.append("the contents must be a numbered list with one link per line (`1. [Setup](#Setup)`)")
    return problems


def check_questionnaire(nb: Notebook) -> list[str]:
    """`## Questionnaire` with 5-8 numbered questions, then one `answers` cell with as many answers."""
    doc = nb.doc
    at = starting(doc, "## Questionnaire")
    if at is None:
        return ["no `## Questionnaire` cell (a markdown cell starting with that heading)"]
    problems = []
    questions = len(NUMBERED.findall(source(doc["cells"][at])))
    if questions not in QUESTIONS:
        problems.append(f"the questionnaire has {questions} numbered questions; it should have 5 to 8")
    exercises = starting(doc, "## Exercises")
    if exercises is not None and at < exercises:
        problems.append("`## Questionnaire` must come after `## Exercises`")
    keys = [i for i, c in enumerate(doc["cells"]) if ANSWERS_TAG in tags(c)]
    following = doc["cells"][at + 1] if at + 1 < len(doc["cells"]) else {"cell_type": None}
    if keys != [at + 1] or following["cell_type"] != "markdown":
        return [*problems, f"the questionnaire (cell {at}) must be followed directly by one markdown cell tagged "
                           f"`{ANSWERS_TAG}`, and no other cell may have that tag (found it on cells {keys})"]
    answer_key = source(following)
    if not answer_key.strip().startswith("**Answers**"):
        problems.append(f"the answers cell (cell {at + 1}) must start with `**Answers**`")
    if len(NUMBERED.findall(answer_key)) != questions:
        problems.append(f"the answers cell numbers {len(NUMBERED.findall(answer_key))} answers "
                        f"for {questions} questions")
    return problems


def check_further_reading(nb: Notebook) -> list[str]:
    """`## Further reading` after the questionnaire and before **Next:**, linking the Keras API pages."""
    doc = nb.doc
    at = starting(doc, "## Further reading")
    if at is None:
        return ["no `## Further reading` cell (a markdown cell starting with that heading)"]
    problems = []
    if not KERAS_LINK.search(source(doc["cells"][at])):
        problems.append("the further reading links no Keras page: add the https://keras.io/api/... pages "
                        "of the layers and functions the notebook uses")
    questionnaire = starting(doc, "## Questionnaire")
    if questionnaire is not None and at < questionnaire:
        problems.append("`## Further reading` must come after the questionnaire")
    nexts = [i for i, c in enumerate(doc["cells"]) if c["cell_type"] == "markdown" and "**Next:**" in source(c)]
    if nexts and at > nexts[-1]:
        problems.append("`## Further reading` must come before the **Next:** link")
    return problems


def check_hints(nb: Notebook) -> list[str]:
    """Every solution cell starts with authored `# Hint:` lines (the student version shows them)."""
    bare = [i for i, c in enumerate(nb.doc["cells"]) if SOLUTION_TAG in tags(c)
            and not HINT.match(source(c).lstrip())]
    if not bare:
        return []
    return [f"solution cells {bare} do not start with `# Hint: ...` lines: write a hint for the student "
            "version (without giving the code away)"]


BIND = "exercises.bind(run)"
CHECK_CALL = re.compile(r"\bexercise\((\d+)\)\.check\(")


def check_exercise_checks(nb: Notebook) -> list[str]:
    """Every exercise: `exercise = exercises.bind(run)` before it, its solution, then a check cell that says correct.

    The page shows the answer key's solution passing its own check (helpers.exercises); the student
    version keeps the check cell, so the learner can check their answer in the same place.
    """
    cells = nb.doc["cells"]
    section, current, found = "", None, {}
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                section = line if line.startswith("## ") else section
                title = TITLE.match(line)
                if title and section.startswith("## Exercises"):
                    current = int(title.group(1))
                    found[current] = {"solution": None, "check": None}
                elif line.startswith("## ") and not section.startswith("## Exercises"):
                    current = None
            continue
        if current is None:
            continue
        if SOLUTION_TAG in tags(cell):
            found[current]["solution"] = found[current]["solution"] or i
        for number in CHECK_CALL.findall(source(cell)):
            if int(number) == current and found[current]["check"] is None:
                found[current]["check"] = i
    if not found:
        return []
    problems = []
    bind = next((i for i, c in enumerate(cells) if c["cell_type"] == "code" and BIND in source(c)), None)
    first_check = min((f["check"] for f in found.values() if f["check"] is not None), default=None)
    if bind is None or (first_check is not None and bind > first_check):
        problems.append(f"no code cell `exercise = {BIND}` before the first exercise's check")
    for number, f in sorted(found.items()):
        if f["check"] is None:
            problems.append(f"exercise {number} has no check cell `exercise({number}).check(...)`: register its check "
                            "in helpers/exercises and call it in a code cell after the solution")
            continue
        if f["solution"] is not None and f["solution"] > f["check"]:  # a missing one: the exercises rule says so
            problems.append(f"exercise {number}'s check (cell {f['check']}) must come after its solution cell")
        said = "".join("".join(o.get("text", "")) for o in cells[f["check"]].get("outputs", []))
        if "correct." not in said or "not yet" in said or "not answered" in said:
            problems.append(f"exercise {number}'s check (cell {f['check']}) does not say that the solution is correct "
                            f"on this page: {said.strip()[:160] or 'no output'}")
    return problems
