"""Check that the course notebooks follow the template and are clean to publish.

    python tools/lint_notebooks.py                          # every notebook, then ruff
    python tools/lint_notebooks.py notebooks/03_*.ipynb     # some notebooks, no ruff

Each rule is a small function that takes a notebook (tools.cells.Notebook) and returns
what it found wrong, as sentences that name the cell and say what to change: the
template's structure, clean outputs of a fresh full run, size, kernel, nbval checks,
and the rules of tools/conventions.py and tools/prose_numbers.py, which take the same.
tests/test_notebook_lint.py runs them on the committed notebooks and proves that each one
can fail.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tools import conventions, prose_numbers
from tools.cells import PARAMETERS_TAG, SOLUTION_TAG, Notebook, code_cells, markdown_lines, source, tags, text
from tools.common import ROOT, all_notebooks

MAX_BYTES = 2_000_000
# What ruff checks (configured in pyproject.toml); the notebooks are included there.
RUFF_PATHS = ("helpers", "tests", "tools", "notebooks")
# Absolute paths of the machine that ran a notebook; a reader's machine has none of them.
MACHINE_PATH = re.compile(r"(?<![\w.~-])/(?:work|root|home|tmp|Users)(?=/|\b)")
# Python's warning format ("...: UserWarning: ..."), the logging module's ("WARNING:name:") and
# absl/glog's C++ lines ("W0512 10:31:07..."). A word such as "WARNING:" in a banner is not a warning.
WARNING_TEXT = re.compile(r"\b[A-Z]\w*Warning: |^WARNING:\w+:|^W\d{4} \d\d:\d\d:\d\d", re.MULTILINE)
NBVAL_MARKER = re.compile(r"^\s*#\s*NBVAL_CHECK_OUTPUT\s*$", re.MULTILINE)
TEXT_MIME = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")


def heading_cell(nb: Notebook, heading: str) -> int | None:
    """Index of the first markdown cell with exactly this heading line, or None."""
    return next((i for i, line in markdown_lines(nb.doc) if line.strip() == heading), None)


def output_texts(cell: dict) -> list[str]:
    """Every textual output of a code cell (streams, text data, error tracebacks); images are skipped."""
    texts = []
    for out in cell.get("outputs", []):
        kind = out.get("output_type")
        if kind == "stream":
            texts.append(text(out.get("text", "")))
        elif kind in ("display_data", "execute_result"):
            for mime, value in out.get("data", {}).items():
                if mime in TEXT_MIME or mime.endswith("+json"):
                    texts.append(value if isinstance(value, str) else json.dumps(value))
        elif kind == "error":
            texts.append("\n".join([out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])]))
    return texts


# ----- the rules: each returns a list of problems (empty when the notebook passes) -----


def check_title(nb: Notebook) -> list[str]:
    """One H1 title `# NN · Title` in the first cell, NN being the file's number."""
    problems = []
    number = nb.path.name[:2]
    first = nb.doc["cells"][0] if nb.doc["cells"] else {"cell_type": None}
    first_line = source(first).splitlines()[0] if source(first) else ""
    if first["cell_type"] != "markdown" or not re.fullmatch(rf"# {number} · \S.*", first_line.strip()):
        problems.append(f"the first cell must be markdown starting with the title `# {number} · Title`")
    h1 = [i for i, line in markdown_lines(nb.doc) if re.match(r"# \S", line)]
    if len(h1) != 1:
        problems.append(f"found {len(h1)} H1 headings (cells {h1}); a notebook has exactly one `# ` title")
    return problems


def check_learn(nb: Notebook) -> list[str]:
    """A "What you will learn" list of 3 to 5 bullets before the setup."""
    lines = markdown_lines(nb.doc)
    at = next((k for k, (_, line) in enumerate(lines) if "What you will learn" in line), None)
    setup = heading_cell(nb, "## Setup")
    if at is None or (setup is not None and lines[at][0] > setup):
        return ["no 'What you will learn' list before `## Setup`"]
    bullets = 0
    for _, line in lines[at + 1 :]:
        if re.match(r"\s*[-*] ", line):
            bullets += 1
        elif bullets and line.startswith("  "):  # a bullet's continuation line
            continue
        elif bullets or line.strip():  # the list has ended, or text came before any bullet
            break
    if not 3 <= bullets <= 5:
        return [f"'What you will learn' has {bullets} bullets; it should have 3 to 5"]
    return []


def check_parameters(nb: Notebook) -> list[str]:
    """The first code cell, and only it, is tagged `parameters` and sets PROFILE = "full"."""
    cells = code_cells(nb.doc)
    if not cells:
        return ["no code cells"]
    problems = []
    first_index, first = cells[0]
    if PARAMETERS_TAG not in tags(first):
        problems.append(f"the first code cell (cell {first_index}) must be tagged `parameters`")
    elif not re.search(r"""^PROFILE\s*=\s*["']full["']""", source(first), re.MULTILINE):
        problems.append(f'the parameters cell (cell {first_index}) must set PROFILE = "full"')
    others = [i for i, c in cells[1:] if PARAMETERS_TAG in tags(c)]
    if others:
        problems.append(f"only the first code cell may be tagged `parameters`, not cells {others}")
    if heading_cell(nb, "## Setup") is None:
        problems.append("no `## Setup` heading before the parameters cell")
    return problems


def check_setup(nb: Notebook) -> list[str]:
    """The code cell after the parameters imports helpers first and calls helpers.setup("<file stem>", ...)."""
    cells = code_cells(nb.doc)
    if len(cells) < 2:
        return ["no setup cell after the parameters cell"]
    index, cell = cells[1]
    text = source(cell)
    call = re.search(r"""helpers\.setup\(\s*["']([^"']+)["']""", text)
    if call is None:
        return [f"the setup cell (cell {index}, the code cell after the parameters) must call helpers.setup(...)"]
    problems = []
    if call.group(1) != nb.path.stem:
        problems.append(
            f"helpers.setup names the notebook {call.group(1)!r} but the file is {nb.path.stem!r}: "
            "results are recorded under that name"
        )
    imports = re.findall(r"^(?:import|from) (\w+)", text, re.MULTILINE)
    if "helpers" not in imports or any(m in ("keras", "tensorflow") for m in imports[: imports.index("helpers")]):
        problems.append(f"the setup cell (cell {index}) must `import helpers` before keras or tensorflow")
    return problems


def check_takeaways(nb: Notebook) -> list[str]:
    """A `## Key takeaways` section."""
    return [] if heading_cell(nb, "## Key takeaways") is not None else ["no `## Key takeaways` heading"]


def check_exercises(nb: Notebook) -> list[str]:
    """`## Exercises` after the takeaways, with solutions in code cells tagged `solution` below it."""
    at = heading_cell(nb, "## Exercises")
    if at is None:
        return ["no `## Exercises` heading"]
    problems = []
    takeaways = heading_cell(nb, "## Key takeaways")
    if takeaways is not None and at < takeaways:
        problems.append("`## Exercises` must come after `## Key takeaways`")
    solutions = [(i, c) for i, c in enumerate(nb.doc["cells"]) if SOLUTION_TAG in tags(c)]
    if not solutions:
        problems.append("no cell tagged `solution` (each exercise's solution is a code cell with that tag)")
    early = [i for i, _ in solutions if i < at]
    if early:
        problems.append(f"cells {early} are tagged `solution` but stand before `## Exercises`")
    not_code = [i for i, c in solutions if c["cell_type"] != "code"]
    if not_code:
        problems.append(f"cells {not_code} are tagged `solution` but are not code cells")
    return problems


def check_next_link(nb: Notebook) -> list[str]:
    """Every notebook but the last links to the next notebook of the course with **Next:**."""
    name = nb.path.name
    if name not in nb.course or nb.course.index(name) == len(nb.course) - 1:
        return []
    following = nb.course[nb.course.index(name) + 1]
    nexts = [line for _, line in markdown_lines(nb.doc) if "**Next:**" in line]
    if not any(f"]({following})" in line for line in nexts):
        return [f"no `**Next:**` link to the next notebook, `[...]({following})`"]
    return []


def check_errors(nb: Notebook) -> list[str]:
    """No error outputs."""
    return [
        f"cell {i} has an error output ({out.get('ename')}: {out.get('evalue', '')[:80]})"
        for i, cell in code_cells(nb.doc)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "error"
    ]


def check_stderr(nb: Notebook) -> list[str]:
    """No output on stderr."""
    return [
        f"cell {i} wrote to stderr: {text(out.get('text', '')).strip()[:100]!r}"
        for i, cell in code_cells(nb.doc)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stderr"
    ]


def check_warnings(nb: Notebook) -> list[str]:
    """No warnings printed into outputs."""
    problems = []
    for i, cell in code_cells(nb.doc):
        for shown in output_texts(cell):
            found = WARNING_TEXT.search(shown)
            if found:
                line = shown[shown.rfind("\n", 0, found.start()) + 1 :].split("\n", 1)[0]
                problems.append(f"cell {i} shows a warning: {line.strip()[:120]!r}")
    return problems


def check_paths(nb: Notebook) -> list[str]:
    """No absolute paths of the machine in outputs or metadata (print paths with helpers.paths.display_path)."""
    problems = []
    for i, cell in code_cells(nb.doc):
        for shown in output_texts(cell):
            found = MACHINE_PATH.search(shown)
            if found:
                problems.append(f"cell {i} shows a machine path: {shown[found.start() : found.start() + 60]!r}")
    for i, cell in enumerate(nb.doc["cells"]):
        if MACHINE_PATH.search(json.dumps(cell.get("metadata", {}))):
            problems.append(f"cell {i}'s metadata holds a machine path (run metadata of papermill?)")
    if MACHINE_PATH.search(json.dumps(nb.doc.get("metadata", {}))):
        problems.append("the notebook's metadata holds a machine path (run metadata of papermill?)")
    return problems


def check_execution_counts(nb: Notebook) -> list[str]:
    """Code cells ran once each, top to bottom, in a fresh kernel: execution counts 1..n."""
    counts = [c.get("execution_count") for _, c in code_cells(nb.doc)]
    if counts != list(range(1, len(counts) + 1)):
        return [f"execution counts are {counts[:12]}{'...' if len(counts) > 12 else ''}, not 1..{len(counts)}: "
                "regenerate the outputs with `make reference`"]
    stale = [
        i
        for i, cell in code_cells(nb.doc)
        for out in cell.get("outputs", [])
        if out.get("output_type") == "execute_result" and out.get("execution_count") != cell.get("execution_count")
    ]
    return [f"cells {stale} hold results of another execution"] if stale else []


def check_size(nb: Notebook) -> list[str]:
    """The file is under 2 MB."""
    size = nb.path.stat().st_size
    if size >= MAX_BYTES:
        return [f"the file has {size / 1e6:.2f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB (smaller figures?)"]
    return []


def check_kernelspec(nb: Notebook) -> list[str]:
    """The kernel spec is python3 (the course's kernel, whatever the author's machine called theirs)."""
    name = nb.doc.get("metadata", {}).get("kernelspec", {}).get("name")
    return [] if name == "python3" else [f"the kernelspec is {name!r}; it must be 'python3'"]


def check_nbval(nb: Notebook) -> list[str]:
    """At least 3 cells marked # NBVAL_CHECK_OUTPUT, each with an output to compare."""
    marked = [(i, c) for i, c in code_cells(nb.doc) if NBVAL_MARKER.search(source(c))]
    problems = []
    if len(marked) < 3:
        problems.append(f"{len(marked)} cells are marked `# NBVAL_CHECK_OUTPUT`; at least 3 are needed")
    empty = [i for i, c in marked if not c.get("outputs")]
    if empty:
        problems.append(f"cells {empty} are marked `# NBVAL_CHECK_OUTPUT` but have no output to compare")
    return problems


RULES: dict[str, Callable[[Notebook], list[str]]] = {
    "title": check_title,
    "learn": check_learn,
    "parameters": check_parameters,
    "setup": check_setup,
    "takeaways": check_takeaways,
    "exercises": check_exercises,
    "next_link": check_next_link,
    "errors": check_errors,
    "stderr": check_stderr,
    "warnings": check_warnings,
    "paths": check_paths,
    "execution_counts": check_execution_counts,
    "size": check_size,
    "kernelspec": check_kernelspec,
    "nbval": check_nbval,
    "prose_numbers": prose_numbers.check_prose_numbers,
    "contents": conventions.check_contents,
    "questionnaire": conventions.check_questionnaire,
    "further_reading": conventions.check_further_reading,
    "hints": conventions.check_hints,
    "exercise_checks": conventions.check_exercise_checks,
}


def lint(path: Path, course: list[Path] | None = None) -> list[tuple[str, str]]:
    """(rule, problem) for everything wrong with one notebook; course defaults to notebooks/."""
    names = tuple(p.name for p in (all_notebooks() if course is None else course))
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [("json", f"cannot be read as a notebook: {exc}")]
    nb = Notebook(Path(path), doc, names)
    return [(rule, problem) for rule, check in RULES.items() for problem in check(nb)]


def ruff(paths: tuple[str, ...] = RUFF_PATHS, cwd: Path = ROOT) -> tuple[bool, str]:
    """Run ruff (pinned in requirements.txt, configured in pyproject.toml); return (clean, its report)."""
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", *paths], cwd=cwd, capture_output=True, text=True
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in args] or all_notebooks()
    failed = 0
    for path in paths:
        for rule, problem in lint(path):
            print(f"{path.name}: [{rule}] {problem}")
            failed += 1
    if not args:
        clean, report = ruff()
        if not clean:
            print(report)
            failed += 1
    print(f"{len(paths)} notebooks checked: {'no problems' if not failed else f'{failed} problems'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
