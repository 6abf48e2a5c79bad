"""Evaluation tables and the course's results file."""

from __future__ import annotations

import contextlib
import json
import numbers
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

try:
    import fcntl  # POSIX; on Windows the results file is written without a lock
except ImportError:  # pragma: no cover - not on the course's Linux machines
    fcntl = None

import numpy as np
import pandas as pd

from helpers.paths import display_path, results_dir

RESULT_FIELDS = ("test_accuracy", "params", "epochs", "train_seconds")


def per_class_accuracy(y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str]) -> pd.Series:
    """Share of each class's test images that were predicted correctly (the recall of each class)."""
    y_true, y_pred = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    values = [
        float(np.mean(y_pred[y_true == k] == k)) if np.any(y_true == k) else np.nan for k in range(len(class_names))
    ]
    return pd.Series(values, index=list(class_names), name="accuracy")


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, class_names: Sequence[str]) -> pd.DataFrame:
    """Precision, recall, F1 and support per class, plus the averages, as a table."""
    from sklearn.metrics import classification_report as sk_report

    report = sk_report(
        np.asarray(y_true).ravel(),
        np.asarray(y_pred).ravel(),
        labels=list(range(len(class_names))),
        target_names=list(class_names),
        output_dict=True,
        zero_division=0,
    )
    report.pop("accuracy")  # a single number, not a row; it equals the weighted-average recall
    table = pd.DataFrame(report).T
    table["support"] = table["support"].astype(int)
    return table.round(3)


def most_confused(matrix: np.ndarray, class_names: Sequence[str], top: int = 5) -> pd.DataFrame:
    """The class pairs mixed up most often, counting both directions of each pair."""
    matrix = np.asarray(matrix)
    n = len(class_names)
    rows = [
        {
            "class A": class_names[a],
            "class B": class_names[b],
            "A taken for B": int(matrix[a, b]),
            "B taken for A": int(matrix[b, a]),
            "total": int(matrix[a, b] + matrix[b, a]),
        }
        for a in range(n)
        for b in range(a + 1, n)
    ]
    table = pd.DataFrame(rows).sort_values("total", ascending=False, kind="stable")
    return table.head(top).reset_index(drop=True)


def metrics_path(profile: str) -> Path:
    """The results file of one profile."""
    return results_dir(profile) / "metrics.json"


class ResultsFileError(Exception):
    """results/<profile>/metrics.json exists but cannot be read as the course writes it."""


def _unusable(path: Path, cause: str, row: str = "") -> ResultsFileError:
    """The error for a results file that cannot be read: what is wrong, and how to keep the other rows."""
    where = display_path(path)
    kept = f"\nThe row this run would have recorded, to add by hand: {row}" if row else ""
    return ResultsFileError(
        f"{where} cannot be read ({cause}): it is half-written, or was edited by hand. It was left as it is. "
        "To recover without losing the other notebooks' rows, either repair it in an editor (one key per notebook, "
        f"each holding its models' figures), or rename it (e.g. to {path.name}.broken), run again the notebooks "
        f"whose rows you need, and copy the readable rows over from the renamed file.{kept}"
    )


def _read_results(path: Path, row: str = "") -> dict:
    """The contents of a results file (empty if there is none yet), or a ResultsFileError naming it."""
    if not path.exists():
        return {}
    try:
        results = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise _unusable(path, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", row) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _unusable(path, f"{type(exc).__name__}: {exc}", row) from exc
    if not (isinstance(results, dict) and all(isinstance(models, dict) for models in results.values())):
        raise _unusable(path, "it is JSON, but not notebook -> model -> figures", row)
    for notebook, models in results.items():
        for model, figures in models.items():
            problem = _row_problem(figures)
            if problem:
                raise _unusable(path, f'its row "{notebook}" -> "{model}" {problem}', row)
    return results


def _row_problem(figures: object) -> str | None:
    """What is wrong with one model's row of a results file, or None: its figures must be numbers."""
    if not isinstance(figures, dict):
        return f"is a {type(figures).__name__}, not the model's figures ({', '.join(RESULT_FIELDS)})"
    for field in RESULT_FIELDS:
        value = figures.get(field)
        if field in figures and (isinstance(value, bool) or not isinstance(value, numbers.Real)):
            return f"has {field} = {value!r}, which is not a number"
    accuracy = figures.get("test_accuracy")
    if isinstance(accuracy, numbers.Real) and not 0 <= accuracy <= 1:
        return f"has test_accuracy = {accuracy!r}, which is not a fraction in [0, 1]"
    return None


def load_results(profile: str) -> dict:
    """All recorded results of a profile: notebook -> model -> figures (empty if none yet)."""
    return _read_results(metrics_path(profile))


def write_json_atomically(path: Path, doc: dict) -> None:
    """Write doc as JSON to path through a temporary file and a rename: readers never see half a file.

    The file keeps the permissions it had (a shared results folder stays readable by others); a new one
    gets what this user's umask gives any new file, not the temporary file's private 600.
    """
    make_folder(path.parent)
    mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o666 & ~_umask()
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False) as fh:
        temporary = Path(fh.name)
        try:
            json.dump(doc, fh, indent=2)
            fh.write("\n")
        except BaseException:
            fh.close()
            temporary.unlink()  # the temporary file is this call's own; the results file was not touched
            raise
    temporary.chmod(mode)
    os.replace(temporary, path)


def _umask() -> int:
    """This process's umask: from /proc on Linux, else by setting it and straight back."""
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def make_folder(folder: Path) -> None:
    """Create a folder of results (and its parents), or say which file stands where a folder should be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), folder)
        raise ResultsFileError(
            f"{display_path(blocking)} is a file where a folder should be (to hold {display_path(folder)}). "
            "It was left as it is and nothing was recorded: move it aside, or set COURSE_RESULTS_DIR to "
            "another folder."
        ) from exc


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on path's sibling lock file: two notebooks recording at once (two kernels, or
    make test's parallel nbval runs) then each read the other's rows before writing, and none is lost."""
    make_folder(path.parent)
    if fcntl is None:
        yield
        return
    with open(path.parent / f".{path.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record_result(
    run,
    model_name: str,
    test_accuracy: float,
    params: int,
    epochs: int,
    train_seconds: float,
    **extra: float | int | str,
) -> None:
    """Write one model's figures to results/<profile>/metrics.json, replacing any earlier row."""
    if not 0.0 <= float(test_accuracy) <= 1.0:
        raise ValueError(f"test_accuracy must be a fraction in [0, 1], got {test_accuracy!r}.")
    extra = {k: v.item() if isinstance(v, np.generic) else v for k, v in extra.items()}  # NumPy scalars as numbers
    row = {
        "test_accuracy": round(float(test_accuracy), 4),
        "params": int(params),
        "epochs": int(epochs),
        "train_seconds": round(float(train_seconds), 1),
        **{k: (round(float(v), 4) if isinstance(v, float) else v) for k, v in extra.items()},
    }
    path = metrics_path(run.profile)
    with _locked(path):
        results = _read_results(path, row=f'"{run.notebook}" -> "{model_name}": {json.dumps(row)}')
        results.setdefault(run.notebook, {})[model_name] = row
        write_json_atomically(path, {nb: results[nb] for nb in sorted(results)})
    print(f"recorded {model_name!r} in {display_path(path)}: test accuracy {row['test_accuracy']:.4f}")


def forget_notebook(profile: str, notebook: str) -> None:
    """Drop a notebook's rows from its profile's results file: each run of a notebook records all of its rows
    afresh, so a model it no longer trains leaves no stale row behind."""
    path = metrics_path(profile)
    if not path.exists():
        return
    with _locked(path):
        results = _read_results(path)
        if notebook in results:
            del results[notebook]
            write_json_atomically(path, results)


def results_table(profile: str, notebooks: Sequence[str] | None = None) -> pd.DataFrame:
    """The recorded models of a profile (optionally only some notebooks) as one table, in lesson order."""
    rows = [
        {"notebook": notebook, "model": model, **figures}
        for notebook, models in load_results(profile).items()
        if notebooks is None or notebook in notebooks
        for model, figures in models.items()
    ]
    columns = ["notebook", "model", *RESULT_FIELDS]
    table = pd.DataFrame(rows, columns=columns + sorted({k for r in rows for k in r} - set(columns)))
    return table.sort_values("notebook", kind="stable").reset_index(drop=True)
