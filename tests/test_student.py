"""Student versions: no solution code leaks, everything else stays, and they run until their first exercise."""

from __future__ import annotations

import copy
import json
import os

import nbformat
import pytest
from nbclient import NotebookClient

from tools import make_student
from tools.cells import ANSWERS_TAG, HINT, SOLUTION_TAG, STUB_TAG, tags
from tools.common import all_notebooks

NOTEBOOKS = all_notebooks()
IDS = [p.stem for p in NOTEBOOKS]


def lines(text: str) -> set[str]:
    """The non-blank lines of a text, stripped."""
    return {line.strip() for line in text.splitlines() if line.strip()}


def leaked_lines(original: dict, student: dict) -> set[str]:
    """Solution lines found anywhere in the student notebook that nothing else in the original explains."""
    def is_solution(cell):
        return SOLUTION_TAG in tags(cell)

    solution = set().union(*(lines(c.source) for c in original["cells"] if is_solution(c)))
    elsewhere = "\n".join(c.source for c in original["cells"] if not is_solution(c))
    elsewhere += json.dumps(original["metadata"], ensure_ascii=False)
    secret = {line for line in solution if line not in elsewhere and not HINT.match(line)}
    student_text = "\n".join(c.source for c in student["cells"])
    student_text += json.dumps(student, ensure_ascii=False)  # metadata and outputs too, JSON-escaped
    return {line for line in secret if line in student_text or json.dumps(line)[1:-1] in student_text}


def load(path) -> dict:
    return nbformat.read(path, as_version=4)


def is_answers(cell) -> bool:
    """Whether a cell belongs to the questionnaire's answer key."""
    return ANSWERS_TAG in tags(cell)


def leaked_answers(original: dict, student: dict) -> set[str]:
    """Lines of the answer key found in the student notebook that no other cell of the original explains."""
    answers = set().union(*(lines(c.source) for c in original["cells"] if is_answers(c)))
    elsewhere = "\n".join(c.source for c in original["cells"] if not is_answers(c))
    student_text = json.dumps(student, ensure_ascii=False) + "\n".join(c.source for c in student["cells"])
    return {line for line in answers if line not in elsewhere and line in student_text}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_answer_of_the_questionnaire_is_left_in_the_student_version(path):
    original = load(path)
    student = make_student.student_version(original, path.stem)
    assert not any(is_answers(c) for c in student["cells"])
    assert leaked_answers(original, student) == set()


def test_answers_cells_are_removed_and_the_leak_check_sees_one_kept():
    original = load(NOTEBOOKS[0])
    key = nbformat.v4.new_markdown_cell("**Answers**\n1. Because pooling halves each side: 14 x 14.",
                                        metadata={"tags": [ANSWERS_TAG]})
    original["cells"].append(key)
    student = make_student.student_version(original, NOTEBOOKS[0].stem)
    assert key.source not in [c.source for c in student["cells"]]
    assert leaked_answers(original, student) == set()
    leaky = copy.deepcopy(student)
    leaky["cells"].append(copy.deepcopy(key))
    assert "1. Because pooling halves each side: 14 x 14." in leaked_answers(original, leaky)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_solution_code_leaks_into_the_student_version(path):
    original = load(path)
    student = make_student.student_version(original, path.stem)
    solutions = sum(SOLUTION_TAG in tags(c) for c in original["cells"])
    assert solutions > 0, "the notebook has no solution cells to remove"
    assert leaked_lines(original, student) == set()
    assert not any(SOLUTION_TAG in tags(c) for c in student["cells"])
    assert sum(STUB_TAG in tags(c) for c in student["cells"]) == solutions
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in student["cells"]
               if c["cell_type"] == "code")
    nbformat.validate(nbformat.from_dict(student))


def test_the_leak_check_catches_a_solution_left_in_a_comment():
    original = load(NOTEBOOKS[0])
    student = make_student.student_version(original, NOTEBOOKS[0].stem)
    stub = next(c for c in student["cells"] if STUB_TAG in c["metadata"]["tags"])
    solution = next(c for c in original["cells"] if SOLUTION_TAG in tags(c))
    leaky = copy.deepcopy(student)
    leaky_stub = next(c for c in leaky["cells"] if c.get("id") == stub.get("id"))
    leaky_stub["source"] += "\n" + "\n".join("# " + line for line in solution.source.splitlines())
    assert leaked_lines(original, leaky) != set()
    leaky = copy.deepcopy(student)
    leaky["metadata"]["solution_backup"] = solution.source
    assert leaked_lines(original, leaky) != set()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_everything_but_solutions_and_outputs_is_intact(path):
    original = load(path)
    student = make_student.student_version(original, path.stem)
    kept = [c for c in original["cells"] if not is_answers(c)]  # the answer key is left out on purpose
    assert len(student["cells"]) == len(kept)
    assert student["metadata"] == {k: v for k, v in original["metadata"].items() if k != "papermill"}
    for before, after in zip(kept, student["cells"], strict=True):
        if SOLUTION_TAG in tags(before):
            text = after.source
            assert after["cell_type"] == "code" and ("Hint:" in text or ".hint()" in text) and "..." in text
            compile(text, "stub", "exec")
            continue
        assert after.source == before.source
        assert after["cell_type"] == before["cell_type"]
        assert {k: v for k, v in after.items() if k not in ("outputs", "execution_count", "metadata")} == {
            k: v for k, v in before.items() if k not in ("outputs", "execution_count", "metadata")
        }
        assert after["metadata"] == {k: v for k, v in before["metadata"].items() if k not in ("papermill", "execution")}


def test_hint_prefers_the_authors_words_and_otherwise_names_the_calls():
    assert make_student.hint("# Hint: one line of keras\nx = keras.Input(shape=(2,))") == "# Hint: one line of keras"
    auto = make_student.hint("m = keras.models.clone_model(model)\nm.fit(x, y)\nprint(len(x))")
    assert auto == "# Hint: the solution calls `keras.models.clone_model`, `.fit`."
    assert "reread" in make_student.hint("x = 1")


def test_command_writes_every_notebook_and_refuses_to_overwrite_the_course(tmp_path, capsys):
    assert make_student.main(["--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    assert "exercises without solutions" in capsys.readouterr().out
    assert make_student.main(["--out", str(make_student.ROOT / "notebooks")]) == 1
    assert "Refusing to write student versions over the course notebooks" in capsys.readouterr().err


# Executing a notebook up to its first exercise costs a kernel start and the lesson's smoke training
# (~20 s each). `make test` runs the first notebook; STUDENT_RUN=all (make student-check) runs all of them.
# The others are covered in `make test` too: test_everything_but_solutions_and_outputs_is_intact proves
# their cells before the first exercise are the ones nbval and the smoke run execute.
RUN_ALL = os.environ.get("STUDENT_RUN") == "all"


@pytest.fixture(scope="session")
def shared_models_dir(tmp_path_factory):
    """Checkpoints the student runs write, shared so a later notebook finds an earlier one's."""
    return tmp_path_factory.mktemp("student_models")


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS if RUN_ALL else NOTEBOOKS[:1], ids=IDS if RUN_ALL else IDS[:1])
def test_student_notebook_runs_until_its_first_exercise(path, tmp_path, monkeypatch, shared_models_dir):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    monkeypatch.setenv("COURSE_MODELS_DIR", str(shared_models_dir))
    out, _ = make_student.write_student(path, tmp_path)
    nb = nbformat.read(out, as_version=4)
    first = next(i for i, c in enumerate(nb.cells) if STUB_TAG in c.metadata.get("tags", []))
    nb.cells = nb.cells[: first + 1]  # the lesson, then the first exercise's stub
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
