"""Write the student versions of the notebooks: outputs cleared, solutions replaced by stubs.

    python tools/make_student.py              # every notebook -> build/student/
    python tools/make_student.py 01 03        # some of them
    python tools/make_student.py --out DIR    # somewhere else

Every cell tagged `solution` becomes a code cell tagged `exercise` that names
the exercise, says how to get hints and the solution on request (`exercise(N).hint()`,
`exercise(N).solution()`, from helpers.exercises, which read them from the course's
own notebook) and sets each answer the exercise's check reads to `...`, so that the
check below it says "not answered yet" instead of failing. Everything else is kept as it
is, except that no cell keeps its outputs and the questionnaire's answer key
(markdown cells tagged `answers`) is left out.
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import sys
from pathlib import Path

import nbformat

from helpers import exercises
from tools.cells import ANSWERS_TAG, HINT, SOLUTION_TAG, STUB_TAG, TITLE, source, tags
from tools.common import ROOT, select, strip_run_metadata

OUT_DIR = ROOT / "build" / "student"
MAX_HINT_NAMES = 6


def called_names(code: str) -> list[str]:
    """Functions and methods a piece of code calls, in order of first use, without Python's builtins.

    Module-level calls keep their dotted name (`keras.models.clone_model`); calls on
    the solution's own objects keep only the method (`.fit`).
    """
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    assigned = {t.id for node in ast.walk(tree) for t in getattr(node, "targets", []) if isinstance(t, ast.Name)}
    assigned |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
    names: list[str] = []
    for call in calls:
        parts, func = [], call.func
        while isinstance(func, ast.Attribute):
            parts.insert(0, func.attr)
            func = func.value
        if isinstance(func, ast.Name):
            if not parts and (func.id in assigned or hasattr(builtins, func.id)):
                continue
            name = ".".join([func.id, *parts]) if func.id not in assigned else "." + ".".join(parts)
        elif parts:
            name = "." + parts[-1]  # a method called on an expression, e.g. model.evaluate(...)[1]
        else:
            continue
        if name not in names:
            names.append(name)
    return names


def hint(solution: str) -> str:
    """The hint for one solution: the author's `# Hint:` lines, else the calls it makes."""
    written = [line.strip() for line in solution.splitlines() if HINT.match(line)]
    if written:
        return "\n".join(written)
    names = called_names(solution)
    if not names:
        return "# Hint: reread the section this exercise builds on."
    shown = ", ".join(f"`{n}`" for n in names[:MAX_HINT_NAMES])
    return f"# Hint: the solution calls {shown}{' and more' if len(names) > MAX_HINT_NAMES else ''}."


def exercise_label(cells: list[dict], index: int, ordinal: int) -> str:
    """"Exercise 2 (Sparse labels)" from the nearest markdown cell above, else "Exercise <ordinal>"."""
    for cell in reversed(cells[:index]):
        if cell["cell_type"] == "markdown":
            found = TITLE.search(source(cell))
            if found:
                return f"Exercise {found.group(1)} ({found.group(2).strip()})"
            break
    return f"Exercise {ordinal}"


def stub_text(solution: str, label: str, registered: exercises.Exercise | None) -> str:
    """What a learner finds in place of a solution: the exercise, how to get help, and `...` for each answer."""
    if registered is None:  # an exercise without a check: the author's hints inline
        return f"# {label}: write your code here.\n{hint(solution)}\n..."
    call = f"exercise({registered.number})"
    answers = "\n".join(f"{name} = ...  # your answer" for name in registered.answers)
    return (f"# {label}: write your code here, then run the check below it.\n"
            f"# {call}.hint() shows a hint (one more at each call); {call}.solution() shows the answer.\n{answers}")


def stub(solution_cell: dict, label: str, registered: exercises.Exercise | None = None) -> dict:
    """The code cell that takes a solution's place (same id and metadata, `exercise` for `solution`)."""
    metadata = copy.deepcopy(solution_cell.get("metadata", {}))
    metadata["tags"] = [STUB_TAG if t == SOLUTION_TAG else t for t in tags(solution_cell)]
    text = stub_text(source(solution_cell), label, registered)
    cell = nbformat.v4.new_code_cell(text, metadata=metadata)
    if "id" in solution_cell:
        cell["id"] = solution_cell["id"]
    return cell


def student_version(doc: dict, notebook: str | None = None) -> dict:
    """A copy of a notebook (as nbformat reads it) with no outputs, no answers, every solution a stub.

    notebook is its stem, which finds the exercises' registered checks (None: no checks known).
    """
    known = exercises.registered() if notebook else {}
    student = strip_run_metadata(copy.deepcopy(doc))
    student["cells"] = [c for c in student["cells"] if ANSWERS_TAG not in tags(c)]
    cells, ordinal = student["cells"], 0
    for i, cell in enumerate(cells):
        if SOLUTION_TAG in tags(cell):
            ordinal += 1
            label = exercise_label(cells, i, ordinal)
            number = int(label.split()[1]) if label.split()[1].isdigit() else ordinal
            cells[i] = stub(cell, label, known.get((notebook, number)))
        elif cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return student


def write_student(notebook: Path, out_dir: Path) -> tuple[Path, int]:
    """Write the student version of one notebook into out_dir; return its path and its number of stubs."""
    student = student_version(nbformat.read(notebook, as_version=4), notebook.stem)
    stubs = sum(STUB_TAG in tags(c) for c in student["cells"])
    out = out_dir / notebook.name
    nbformat.write(student, out)
    return out, stubs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="numbers or names, e.g. 01 03 (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write to (default build/student)")
    args = parser.parse_args(argv)
    if args.out.resolve() == (ROOT / "notebooks").resolve():
        sys.exit("Refusing to write student versions over the course notebooks; choose another --out folder.")
    args.out.mkdir(parents=True, exist_ok=True)
    for notebook in select(args.notebooks):
        out, stubs = write_student(notebook, args.out)
        where = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
        print(f"{where}: {stubs} exercise{'s' * (stubs != 1)} without solutions")
        if stubs == 0:
            print(f"    note: {notebook.name} has no cell tagged '{SOLUTION_TAG}'", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
