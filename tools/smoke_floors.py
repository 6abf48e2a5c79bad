"""Accuracy floors of the smoke run: every model that a smoke run records must reach its committed floor.

    python tools/smoke_floors.py              # check the last smoke run (make smoke runs this)
    python tools/smoke_floors.py --all        # check every notebook's results (make test, after nbval ran them all)
    python tools/smoke_floors.py --suggest    # print floors for the models the last smoke run recorded

tests/smoke_floors.json holds, for each notebook and model, its floor and the smoke accuracy it
was set from. The check looks at the notebooks that ran without error in the last smoke run
(build/smoke/summary.json) and fails, naming the notebook and the model, when a model's test
accuracy is under its floor, when a recorded model has no floor, or when a floor's model was
not recorded at all.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from helpers.evaluate import ResultsFileError, load_results, metrics_path
from helpers.paths import display_path
from tools.common import BUILD, ROOT, all_notebooks

FLOORS = ROOT / "tests" / "smoke_floors.json"
SUMMARY = BUILD / "smoke" / "summary.json"
# A floor is this share of the accuracy measured in a smoke run, rounded down: another CPU (or thread
# count) rounds differently, and after one epoch on 2,000 images that moves accuracies by a few points.
MARGIN = 0.85
ABOUT = ("Smoke-run accuracy floors: notebook -> model -> floor (minimum test accuracy) and the smoke accuracy it "
         f"was set from (floor = {MARGIN} x measured, rounded down). Checked by tools/smoke_floors.py after every "
         "smoke run; `python tools/smoke_floors.py --suggest` prints floors from the last smoke run.")


class FloorError(Exception):
    """The floors or the run to check cannot be read; the message names the file and the fix."""


def load_floors(path: Path = FLOORS) -> dict[str, dict[str, float]]:
    """notebook -> model -> floor, from the committed floors file."""
    fix = "restore it from git, or write it afresh with `python tools/smoke_floors.py --suggest`"
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise FloorError(f"{display_path(path)} is missing: {fix}.") from None
    except IsADirectoryError:
        raise FloorError(f"{display_path(path)} is a folder, not the floors file: give --floors a JSON file, "
                         f"or {fix}.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FloorError(f"{display_path(path)} cannot be read ({exc}): {fix}.") from None
    except json.JSONDecodeError as exc:
        raise FloorError(f"{display_path(path)} is not valid JSON ({exc}): {fix}.") from None
    shape = 'notebook -> model -> {"floor": 0.55, "measured": 0.65}'
    if not isinstance(doc, dict):
        raise FloorError(f"{display_path(path)} holds a JSON {type(doc).__name__}, not the floors ({shape}): {fix}.")
    floors = {}
    for notebook, models in doc.items():
        if notebook.startswith("_"):
            continue
        if not isinstance(models, dict):
            raise FloorError(f"{display_path(path)}: {notebook} holds {models!r}, not its models' floors ({shape}): "
                             f"{fix}.")
        for model, entry in models.items():
            floor = entry.get("floor") if isinstance(entry, dict) else None
            if isinstance(floor, bool) or not isinstance(floor, int | float) or not 0 < floor <= 1:
                raise FloorError(f"{display_path(path)}: the floor of {notebook} / {model!r} is {floor!r}; it must be "
                                 "a test accuracy above 0 and at most 1, as in "
                                 '{"floor": 0.55, "measured": 0.65}.')
            floors.setdefault(notebook, {})[model] = float(floor)
    return floors


def notebooks_run(summary: Path = SUMMARY) -> list[str]:
    """The notebooks that ran without error in the last smoke run."""
    try:
        runs = json.loads(summary.read_text())["runs"]
        return [r["notebook"] for r in runs if r["status"] == "ok"]
    except FileNotFoundError:
        raise FloorError(f"No smoke run to check ({display_path(summary)} is missing): "
                         "run `make smoke` first.") from None
    except (json.JSONDecodeError, KeyError, TypeError):
        raise FloorError(f"{display_path(summary)} is not a summary written by tools/run_notebooks.py: "
                         "run `make smoke` again.") from None


def check(results: dict, floors: dict, notebooks: list[str]) -> list[str]:
    """What is wrong with the recorded accuracies of these notebooks, one sentence each (empty: nothing)."""
    problems = []
    for notebook in notebooks:
        recorded, expected = results.get(notebook, {}), floors.get(notebook, {})
        for model, row in recorded.items():
            accuracy = row["test_accuracy"]
            if model not in expected:
                problems.append(f"{notebook}: model {model!r} (test accuracy {accuracy:.4f}) has no floor in "
                                f"{display_path(FLOORS)}. Add one (`python tools/smoke_floors.py --suggest`).")
            elif accuracy < expected[model]:
                problems.append(f"{notebook}: model {model!r} reached a test accuracy of {accuracy:.4f}, under its "
                                f"floor of {expected[model]:.4f}: it no longer learns what it did.")
        for model in sorted(expected.keys() - recorded.keys()):
            problems.append(f"{notebook}: model {model!r} has a floor but the smoke run recorded no result for it. "
                            f"If the notebook no longer trains it, remove its floor from {display_path(FLOORS)}.")
    return problems


def suggest(results: dict, notebooks: list[str]) -> dict:
    """A floors file for the models these notebooks recorded: MARGIN x the measured accuracy, rounded down."""
    doc: dict = {"_about": ABOUT}
    for notebook in sorted(notebooks):
        doc[notebook] = {model: {"floor": math.floor(MARGIN * row["test_accuracy"] * 1000) / 1000,
                                 "measured": row["test_accuracy"]}
                         for model, row in sorted(results.get(notebook, {}).items())}
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suggest", action="store_true", help="print floors for the last smoke run's models")
    parser.add_argument("--all", action="store_true",
                        help="check every notebook of the course, not the last smoke run's (after nbval)")
    parser.add_argument("--floors", type=Path, default=FLOORS, help=argparse.SUPPRESS)
    parser.add_argument("--summary", type=Path, default=SUMMARY, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        notebooks = [nb.stem for nb in all_notebooks()] if args.all else notebooks_run(args.summary)
        results = load_results("smoke")
        if args.suggest:
            print(json.dumps(suggest(results, notebooks), indent=2))
            return 0
        problems = check(results, load_floors(args.floors), notebooks)
    except (FloorError, ResultsFileError) as exc:
        print(f"smoke floors: {exc}", file=sys.stderr)
        return 1
    if problems:
        print(f"smoke floors: {len(problems)} problem{'s' * (len(problems) != 1)} in "
              f"{display_path(metrics_path('smoke'))}:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    count = sum(len(results.get(nb, {})) for nb in notebooks)
    print(f"smoke floors: {count} model{'s' * (count != 1)} of {len(notebooks)} notebook{'s' * (len(notebooks) != 1)}, "
          "each at or above its floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
