"""Run the course notebooks headless with papermill and end with a summary table.

    python tools/run_notebooks.py --profile quick            # every notebook
    python tools/run_notebooks.py --profile smoke 01 03      # some of them
    python tools/run_notebooks.py --reference 01             # regenerate committed outputs

Executed copies go to build/<profile>/. With --reference the run uses the
notebook's own defaults (the full profile) in a fresh kernel, and only a run
that finishes without error replaces the committed notebook.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
PROFILES = ("smoke", "quick", "full")


def all_notebooks() -> list[Path]:
    """The course notebooks in lesson order."""
    return sorted(p for p in NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def select(wanted: list[str]) -> list[Path]:
    """Notebooks whose number or name starts with one of wanted (all when empty)."""
    notebooks = all_notebooks()
    if not wanted:
        return notebooks
    chosen, unknown = [], []
    for key in wanted:
        hits = [nb for nb in notebooks if nb.stem.startswith(key.zfill(2) if key.isdigit() else key)]
        (chosen.extend(hits) if hits else unknown.append(key))
    if unknown:
        names = ", ".join(nb.stem for nb in notebooks)
        sys.exit(f"No notebook matches {', '.join(unknown)}. The notebooks are: {names}.")
    return sorted(set(chosen))


def strip_run_metadata(path: Path) -> None:
    """Remove papermill's per-run metadata (timings, absolute paths) from an executed notebook."""
    doc = json.loads(path.read_text())
    doc["metadata"].pop("papermill", None)
    for cell in doc["cells"]:
        cell["metadata"].pop("papermill", None)
        cell["metadata"].pop("execution", None)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


def run_one(notebook: Path, profile: str, reference: bool, out_dir: Path) -> tuple[str, float]:
    """Execute one notebook; return its status text and wall seconds."""
    import papermill as pm

    out = out_dir / notebook.name
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(notebook),
            str(out),
            parameters=None if reference else {"PROFILE": profile},
            kernel_name="python3",
            cwd=str(NOTEBOOK_DIR),
            progress_bar=True,
        )
        status = "ok"
    except pm.PapermillExecutionError as exc:
        status = f"FAILED in cell {exc.exec_count}: {exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}"
    except Exception as exc:  # a dead kernel or an unreadable notebook: still name the notebook
        status = f"FAILED: {type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    if reference and status == "ok":
        strip_run_metadata(out)
        shutil.copyfile(out, notebook)
    return status, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="numbers or names, e.g. 01 03 (default: all)")
    parser.add_argument("--profile", default="quick", choices=PROFILES)
    parser.add_argument("--reference", action="store_true", help="full profile, fresh kernel, in place")
    args = parser.parse_args(argv)

    profile = "full" if args.reference else args.profile
    # The profile is passed as a parameter; an inherited COURSE_PROFILE would silently override it.
    os.environ.pop("COURSE_PROFILE", None)
    out_dir = ROOT / "build" / profile
    out_dir.mkdir(parents=True, exist_ok=True)
    notebooks = select(args.notebooks)

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
