"""Write the student versions of the notebooks: outputs cleared, solutions replaced by stubs.

    python tools/make_student.py              # every notebook -> build/student/
    python tools/make_student.py 01 03        # some of them
    python tools/make_student.py --out DIR    # somewhere else; it never overwrites a file it did not write

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
import hashlib
import json
import sys
from pathlib import Path

import nbformat

from helpers import exercises
from helpers.paths import display_path
from tools.cells import ANSWERS_TAG, HINT, SOLUTION_TAG, STUB_TAG, TITLE, source, tags
from tools.common import ROOT, select, strip_run_metadata

OUT_DIR = ROOT / "build" / "student"
# Beside the student versions: what this tool wrote there, so it never overwrites a file it did not write.
WRITTEN = ".make_student.json"
WRITTEN_WHAT = "student versions make_student wrote into this folder, by SHA-256 when written: it replaces only these"
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


class StudentError(Exception):
    """Student versions cannot be written as asked; the message names the file and the fix."""


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook as nbformat reads it, checked against the notebook format, or a StudentError naming it."""
    try:
        doc = nbformat.read(path, as_version=4)
        nbformat.validate(doc)
    except nbformat.ValidationError as exc:
        reason = f"not a valid notebook: {exc.message}"
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = f"not readable as a notebook: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    else:
        return doc
    raise StudentError(f"{display_path(path)} is {reason}. No student version was written. Restore it from git "
                       f"(`git checkout {display_path(path)}`), or open it in JupyterLab and save it again.")


def written_here(out_dir: Path) -> dict[str, str]:
    """The student versions this tool wrote into out_dir, by name: their SHA-256 when written."""
    try:
        record = json.loads((out_dir / WRITTEN).read_text())
        return {name: digest for name, digest in record["written"].items() if isinstance(digest, str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # no record (or none that can be read): nothing here counts as this tool's


def sha256(path: Path) -> str | None:
    """A file's SHA-256, or None when it is not a readable file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_students(notebooks: list[Path], out_dir: Path) -> list[tuple[Path, int]]:
    """Write the student versions of notebooks into out_dir; return each one's path and number of stubs.

    Every notebook is read and checked before anything is written, and a file already in out_dir is
    replaced only if this tool wrote it there and nobody changed it since (WRITTEN records each one's
    SHA-256): a teacher's edited copy, or any file of the user's, is never overwritten.
    """
    if out_dir.resolve() == (ROOT / "notebooks").resolve():
        raise StudentError("Refusing to write student versions over the course notebooks; choose another --out "
                           "folder.")
    if out_dir.exists() and not out_dir.is_dir():
        raise StudentError(f"--out {display_path(out_dir)} is a file, not a folder: give --out a folder (it is "
                           "created if it does not exist).")
    students = {nb: student_version(read_notebook(nb), nb.stem) for nb in notebooks}
    for notebook, student in students.items():
        try:
            nbformat.validate(student)
        except nbformat.ValidationError as exc:  # a cell this tool does not know how to convert
            raise StudentError(f"the student version of {display_path(notebook)} would not be a valid notebook "
                               f"({exc.message}); nothing was written. Fix the cell it names.") from None
    record = written_here(out_dir)
    blocked = [out_dir / nb.name for nb in students
               if (out_dir / nb.name).exists() and record.get(nb.name) != sha256(out_dir / nb.name)]
    if blocked:
        raise StudentError(
            f"{', '.join(display_path(p) for p in blocked)} {'is' if len(blocked) == 1 else 'are'} not a student "
            "version make_student wrote there, or was changed since: nothing was written and every file was left "
            "as it is. Move your files elsewhere (or delete them if you mean to), or give --out another folder."
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StudentError(f"--out {display_path(out_dir)} cannot be created ({exc.strerror or exc}): give --out a "
                           "folder you can write to.") from None
    done = []
    for notebook, student in students.items():
        out = out_dir / notebook.name
        out.write_text(nbformat.writes(student) + "\n", encoding="utf-8")
        record[out.name] = sha256(out)
        (out_dir / WRITTEN).write_text(json.dumps({"what": WRITTEN_WHAT, "written": record}, indent=1) + "\n")
        done.append((out, sum(STUB_TAG in tags(c) for c in student["cells"])))
    return done


def write_student(notebook: Path, out_dir: Path) -> tuple[Path, int]:
    """Write the student version of one notebook into out_dir; return its path and its number of stubs."""
    return write_students([notebook], out_dir)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="numbers or names, e.g. 01 03 (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help="folder to write to (default build/student)")
    args = parser.parse_args(argv)
    notebooks = select(args.notebooks)
    try:
        written = write_students(notebooks, args.out)
    except StudentError as exc:
        print(f"make student: {exc}", file=sys.stderr)
        return 1
    for notebook, (out, stubs) in zip(notebooks, written, strict=True):
        print(f"{display_path(out)}: {stubs} exercise{'s' * (stubs != 1)} without solutions")
        if stubs == 0:
            print(f"    note: {notebook.name} has no cell tagged '{SOLUTION_TAG}'", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
