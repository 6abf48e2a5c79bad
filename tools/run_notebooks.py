"""Run the course notebooks headless with papermill and end with a summary table.

    python tools/run_notebooks.py --profile quick            # every notebook
    python tools/run_notebooks.py --profile smoke 01 03      # some of them
    python tools/run_notebooks.py --reference 01             # regenerate committed outputs

Executed copies go to build/<profile>/. With --reference the run uses the
notebook's own defaults (the full profile) in a fresh kernel, and only a run
that finishes without error replaces the committed notebook.

A reference run of notebook 07 that finishes without error also ships its best model with the
course (results/full/07_regularization_best.keras and shipped_model.json; see
helpers.checkpoints.ship_best_model): notebooks 07 and 08 show it under every profile.

A run of the smoke or quick profile ends by checking its own executed copies: every figure in
their prose must be among that run's outputs, unless its sentence says it is the committed full
run's (tools/prose_numbers.py). A figure that fails this check fails the run, like an error.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from datetime import datetime
from pathlib import Path

from helpers import checkpoints
from helpers.data import DataError
from helpers.evaluate import ResultsFileError, write_json_atomically
from helpers.profiles import TIMES_FILES
from tools import prose_numbers
from tools.common import BUILD, PROFILES, ROOT, execute, machine, select, strip_run_metadata

FULL_TIMES = ROOT / TIMES_FILES["full"]


def record_full_time(notebook: str, seconds: float, path: Path = FULL_TIMES) -> None:
    """Keep the reference run's wall time of one notebook, which its setup line shows as the expected time.

    The other notebooks' entries stay, each with the machine that measured it; an unreadable
    file is replaced rather than stopping the run.
    """
    try:
        record = json.loads(path.read_text())
        runs = dict(record["notebooks"])
    except (OSError, ValueError, KeyError, TypeError):
        runs = {}
    cpu = machine()
    runs[notebook] = {"seconds": round(seconds, 1), "measured": datetime.now().strftime("%Y-%m-%d %H:%M"),
                      "machine": {"cpu": cpu["cpu"], "cores": cpu["cores"]}}
    runs = dict(sorted(runs.items()))
    record = {"what": "wall seconds of each notebook's last `make reference` run (full profile, in place)",
              "notebooks": runs}
    write_json_atomically(path, record)


def run_one(notebook: Path, profile: str, reference: bool, out_dir: Path) -> tuple[str, float]:
    """Execute one notebook into out_dir; with reference, a clean run also replaces the committed notebook."""
    out = out_dir / notebook.name
    status, seconds = execute(notebook, out, None if reference else {"PROFILE": profile})
    if reference and status == "ok":
        doc = strip_run_metadata(json.loads(out.read_text()))
        out.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
        shutil.copyfile(out, notebook)
        record_full_time(notebook.stem, seconds)
        if notebook.stem == checkpoints.SHIPPED_NOTEBOOK:
            status = ship_best_model()
    return status, seconds


def ship_best_model() -> str:
    """Ship the best model that 07's reference run just saved; the run's status ('ok', or why not)."""
    try:
        record = checkpoints.ship_best_model(machine())
    except (checkpoints.CheckpointError, DataError, ResultsFileError) as exc:
        print(f"    its best model was not shipped: {exc}", flush=True)
        return "failed to ship its best model"
    print(f"    shipped its best model as results/full/{record['file']}: a float32 copy of the "
          f"{record['trained_dtype_policy']} model, test accuracy {record['test_accuracy']:.4f} on "
          f"{record['test_images']:,} test images ({record['trained_test_accuracy']:.4f} as trained)", flush=True)
    return "ok"


def prose_problems(executed: list[Path], profile: str) -> list[str]:
    """What the prose of a run's executed notebooks says that the run's own outputs do not show."""
    found = []
    for path in executed:
        try:
            doc = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            found.append(f"{path.name}: the executed copy cannot be read ({exc})")
            continue
        found += [f"{path.stem}, {problem}" for problem in prose_numbers.problems(doc, path.stem, profile)]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="numbers or names, e.g. 01 03 (default: all)")
    parser.add_argument("--profile", default="quick", choices=PROFILES)
    parser.add_argument("--reference", action="store_true", help="full profile, fresh kernel, in place")
    args = parser.parse_args(argv)

    profile = "full" if args.reference else args.profile
    notebooks = select(args.notebooks)  # an unknown or empty name stops here, before anything is written
    # The profile is passed as a parameter; an inherited COURSE_PROFILE would silently override it.
    os.environ.pop("COURSE_PROFILE", None)
    out_dir = BUILD / profile
    out_dir.mkdir(parents=True, exist_ok=True)

    rows = []
    for i, notebook in enumerate(notebooks, start=1):
        print(f"[{i}/{len(notebooks)}] {notebook.stem} (profile {profile})", flush=True)
        status, seconds = run_one(notebook, profile, args.reference, out_dir)
        print(f"    {status} after {seconds:.0f} s", flush=True)
        rows.append({"notebook": notebook.stem, "status": status, "wall_seconds": round(seconds, 1)})

    summary = out_dir / "summary.json"
    summary.write_text(json.dumps({"profile": profile, "runs": rows}, indent=2) + "\n")
    width = max(len(r["notebook"]) for r in rows)
    print(f"\n{'notebook':<{width}}  {'wall s':>7}  status")
    for r in rows:
        print(f"{r['notebook']:<{width}}  {r['wall_seconds']:>7.1f}  {r['status']}")
    total = sum(r["wall_seconds"] for r in rows)
    failed = [r["notebook"] for r in rows if r["status"] != "ok"]
    print(f"{'total':<{width}}  {total:>7.1f}  {len(rows) - len(failed)} ok, {len(failed)} failed")
    if failed:
        print(f"\nFailed: {', '.join(failed)}. The executed copies in {out_dir.relative_to(ROOT)}/ show the error.")
        return 1
    if not args.reference:  # the committed pages are checked by the lint, against the full run
        problems = prose_problems([out_dir / nb.name for nb in notebooks], profile)
        if problems:
            print(f"\nThe prose of this {profile} run quotes {len(problems)} figure{'s' * (len(problems) != 1)} "
                  "that its own outputs do not show:")
            print("\n".join(f"  {problem}" for problem in problems))
            return 1
        print(f"prose check: every figure in the prose of this {profile} run is its own, or marked as the full run's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
