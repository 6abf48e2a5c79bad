"""Measure the course on this machine: results/bench.json, and the page docs/benchmarks.md made from it.

    make bench                                          # every part; the Makefile holds the CPU lock
    make bench ONLY=startup,side-by-side                # some parts (the others keep their last figures)
    make bench ONLY=smoke-least                         # the smoke series with its data cut to the least
    python tools/bench.py --only notebooks --notebooks 01 03 --profiles smoke
    python tools/bench.py --only side-by-side --fraction 0.02 --epochs 2    # a quick look, projected
    python tools/bench.py --docs-only                   # rewrite docs/benchmarks.md from results/bench.json
    python tools/bench.py --only startup --out build/try  # figures and page into build/try/, not the course's

The parts:
  notebooks     each notebook's wall time under smoke and quick, run as `make run` runs it (kernel
                start included), and the epochs and training seconds its models record in metrics.json
  smoke-least   each notebook under smoke as it is and, right after, with its images and epochs cut to
                the least its knobs allow: what the smoke series costs for its code paths alone
  startup       what any notebook costs before its first lesson: kernel start, and kernel start plus
                the TensorFlow import (median of 3 runs each)
  side-by-side  notebook 07's best model, as the notebook defines it, against the seed's deeper CNN:
                alternating epochs in one kernel, seconds per epoch, projected training time, ratio,
                GFLOP/s and share of the fp32 peak
  best-model    notebook 07's best model trained in full by 07's own cells: single-model test accuracy,
                training time, GFLOP/s and share of the fp32 peak (about half an hour)

side-by-side and best-model keep their figures per machine (its CPU's name): a run on one kind of
machine never replaces another kind's figures (tools/bench_best.py).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
from datetime import datetime
from pathlib import Path

from helpers.evaluate import load_results
from helpers.paths import display_path
from tools import bench_docs
from tools.bench_best import BENCH_BUILD, BenchError, bench_best_model, bench_side_by_side, isolate
from tools.cells import source, tags
from tools.common import PROFILES, ROOT, execute, machine, select

BENCH_JSON = ROOT / "results" / "bench.json"
PARTS = ("notebooks", "smoke-least", "startup", "side-by-side", "best-model")
PER_MACHINE = ("side-by-side", "best-model")  # parts whose figures are kept per CPU

def now() -> str:
    """The current local time, to the minute."""
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: how busy the machine was."""
    return [round(v, 2) for v in os.getloadavg()]


# ----- notebooks -----


def models_recorded(profile: str, notebook: str) -> dict:
    """The figures a notebook's run recorded for each model: epochs, training seconds, test accuracy."""
    keep = ("epochs", "train_seconds", "test_accuracy")
    recorded = load_results(profile).get(notebook, {})
    return {name: {k: row[k] for k in keep if k in row} for name, row in recorded.items()}


def bench_notebooks(keys: list[str], profiles: list[str]) -> dict:
    """Wall seconds of each notebook under each profile, and what its models recorded."""
    isolate()
    rows: dict[str, dict] = {}
    for profile in profiles:
        shutil.rmtree(BENCH_BUILD / "results" / profile, ignore_errors=True)  # the bench's own, from its last run
        (BENCH_BUILD / profile).mkdir(parents=True, exist_ok=True)
        for notebook in select(keys):
            load = load_average()
            status, seconds = execute(notebook, BENCH_BUILD / profile / notebook.name, {"PROFILE": profile})
            print(f"  {profile:5} {notebook.stem}: {seconds:.1f} s, {status}", flush=True)
            rows.setdefault(profile, {})[notebook.stem] = {
                "seconds": round(seconds, 1), "status": status, "measured": now(), "load_before": load,
                "models": models_recorded(profile, notebook.stem)}
    return rows


# ----- the smoke series at its least -----

# Each notebook's knobs at the least its validation allows, or close to it: one epoch, a few hundred
# images (09 also at ResNet50's smallest input). Every cell still runs, so what the series then takes is
# what its code paths cost (kernels, imports, graph tracing, figures): smaller smoke data cannot remove it.
LEAST = {
    "01_dense_baseline": {"EPOCHS": 1, "TRAIN_SIZE": 256},
    "02_first_convolutions": {"EPOCHS": 1, "TRAIN_SIZE": 256},
    "03_padding_stride_dilation": {"EPOCHS": 1, "TRAIN_SIZE": 256, "BATCH_SIZE": 128},
    "04_stacked_convolutions": {"EPOCHS": 1, "FINAL_EPOCHS": 1, "TRAIN_SIZE": 256, "BATCH_SIZE": 128},
    "05_pooling_and_checkpoints": {"EPOCHS": 1, "TRAIN_SIZE": 256},
    "06_deeper_high_resolution": {"EPOCHS": 1, "TRAIN_SIZE": 256},
    "07_regularization": {"EPOCHS": 1, "EXPERIMENT_SIZE": 256, "BEST_EPOCHS": 1, "BEST_SIZE": 256,
                          "TRAIN_SIZE": 512, "TEST_SIZE": 256},
    "08_kernel_dissection": {},  # it trains nothing: it dissects the course's shipped model
    "09_capstone_cifar100_resnet50": {"EPOCHS": 1, "TRAIN_SIZE": 200, "IMAGE_SIZE": 32, "RESIDUAL_EPOCHS": 1,
                                      "HEAD_EPOCHS": 1, "FINE_TUNE_EPOCHS": 1},
}


def least_problems(docs: dict[str, dict]) -> list[str]:
    """Why LEAST would not run these notebooks (name -> notebook JSON) as they are: what is missing or unknown."""
    unknown = sorted(set(LEAST) - set(docs))
    problems = [f"LEAST in tools/bench.py names {name}, which is not a notebook" for name in unknown]
    for name, doc in sorted(docs.items()):
        if name not in LEAST:
            problems.append(f"{name} has no entry in LEAST in tools/bench.py")
            continue
        cells = [source(c) for c in doc["cells"] if "parameters" in tags(c)]
        for knob in LEAST[name]:
            if not any(re.search(rf"^{knob} = ", cell, re.MULTILINE) for cell in cells):
                problems.append(f"LEAST sets {knob} for {name}, whose parameters cell has no {knob}")
    return problems


def bench_smoke_least(keys: list[str]) -> dict:
    """Wall seconds of each notebook under smoke as it is and with LEAST's knobs, one right after the other.

    Side by side, since this machine's speed drifts within minutes: the two figures of a notebook
    share their conditions. Executed copies, results and checkpoints go to build/bench/smoke-least/.
    """
    folder = BENCH_BUILD / "smoke-least"
    problems = least_problems({nb.stem: json.loads(nb.read_text()) for nb in select([])})
    if problems:
        raise BenchError("; ".join(problems))
    isolate(folder)
    shutil.rmtree(folder / "results", ignore_errors=True)  # its own, from its last run
    folder.mkdir(parents=True, exist_ok=True)
    rows = {}
    for notebook in select(keys):
        load = load_average()
        runs = {}
        for label, knobs in (("as_is", {}), ("least", LEAST[notebook.stem])):
            out = folder / label / notebook.name
            out.parent.mkdir(exist_ok=True)
            runs[label] = execute(notebook, out, {"PROFILE": "smoke", **knobs}, progress_bar=False)
        (as_is_status, as_is), (status, least) = runs["as_is"], runs["least"]
        print(f"  smoke {notebook.stem}: {as_is:.1f} s as it is ({as_is_status}), {least:.1f} s at its least "
              f"({status})", flush=True)
        rows[notebook.stem] = {"seconds": round(least, 1), "status": status, "smoke_seconds": round(as_is, 1),
                               "smoke_status": as_is_status, "measured": now(), "load_before": load,
                               "parameters": LEAST[notebook.stem]}
    return rows


# ----- startup -----


STARTUP_CELLS = {"kernel_start": "1 + 1",
               "kernel_and_tensorflow": "from helpers.profiles import quiet_tensorflow\n\nquiet_tensorflow()\n"
                                        "import keras"}


def bench_startup(repeats: int = 3) -> dict:
    """Median wall seconds of a one-cell notebook, without and with the TensorFlow import, interleaved."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    folder = BENCH_BUILD / "startup"
    folder.mkdir(parents=True, exist_ok=True)
    seconds: dict[str, list[float]] = {name: [] for name in STARTUP_CELLS}
    load = load_average()
    for _ in range(repeats):  # interleaved, so a disturbance hits both alike
        for name, code in STARTUP_CELLS.items():
            doc = new_notebook(cells=[new_code_cell('PROFILE = "full"', metadata={"tags": ["parameters"]}),
                                      new_code_cell(code)],
                               metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                        "language": "python"}})
            path = folder / f"{name}.ipynb"
            nbformat.write(doc, path)
            status, wall = execute(path, folder / f"{name}.out.ipynb", {"PROFILE": "smoke"}, progress_bar=False)
            if status != "ok":
                raise BenchError(f"the start-up notebook {name} failed: {status}")
            seconds[name].append(round(wall, 2))
    result = {name: {"median_seconds": round(statistics.median(v), 2), "runs": v} for name, v in seconds.items()}
    print(f"  kernel start {result['kernel_start']['median_seconds']} s, with the TensorFlow import "
          f"{result['kernel_and_tensorflow']['median_seconds']} s", flush=True)
    return result | {"repeats": repeats, "load_before": load}


# ----- command line -----


def per_machine(bench: dict, part: str) -> dict:
    """A part's figures by CPU name. A figure kept in the older flat form becomes its measuring machine's entry."""
    figures = bench.setdefault(part, {})
    if "ratio" in figures or "test_accuracy" in figures:  # the flat form: one machine's figures
        bench[part] = figures = {bench.get("machine", {}).get("cpu", "unknown"): figures}
    return figures


def label_machines(bench: dict, cpu: dict | None) -> dict:
    """Give every figure that does not name its machine this one (the machine of the run that measured it).

    A run of some parts keeps the others' figures, and the next run may be on another kind of machine: each
    figure carries its own, so the page, the README and the setup lines never name the wrong one.
    """
    if not cpu:
        return bench
    for rows in bench.get("notebooks", {}).values():
        for row in rows.values():
            row.setdefault("machine", cpu)
    for row in bench.get("smoke-least", {}).values():
        row.setdefault("machine", cpu)
    if bench.get("startup"):
        bench["startup"].setdefault("machine", cpu)
    for part in PER_MACHINE:
        if part in bench:
            bench[part] = per_machine({part: bench[part], "machine": cpu}, part)  # a flat form: this machine's
    return bench


def parse_parts(only: str | None) -> list[str]:
    """The parts named by --only (comma-separated), in the canonical order."""
    if not only:
        return list(PARTS)
    wanted = [p.strip() for p in only.split(",") if p.strip()]
    unknown = [p for p in wanted if p not in PARTS]
    if unknown or not wanted:
        raise BenchError(f"--only {only!r}: unknown part {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(PARTS)}.")
    return [p for p in PARTS if p in wanted]


def carried_over(old: dict, parts: list[str], note: str | None) -> dict:
    """What a new run keeps of the last bench.json: every part, and its note only if some parts are not re-measured.

    A note describes the conditions of a run; after a run of every part the old one describes nothing on the page.
    """
    kept = label_machines({k: v for k, v in old.items() if k in PARTS}, old.get("machine"))
    if note is not None:
        return kept | {"note": note}
    if set(parts) != set(PARTS) and "note" in old:
        return kept | {"note": old["note"]}
    return kept


def read_bench(path: Path) -> dict:
    """The figures of a bench.json, or a BenchError that names it and how to get a good one back."""
    fix = "restore it with `git checkout` of results/bench.json, or measure afresh with `make bench`"
    try:
        bench = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError) as exc:
        raise BenchError(f"{display_path(path)} cannot be read ({exc}): {fix}.") from None
    except json.JSONDecodeError as exc:
        raise BenchError(f"{display_path(path)} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}; half-written?): {fix}.") from None
    if not isinstance(bench, dict):
        raise BenchError(f"{display_path(path)} holds a JSON {type(bench).__name__}, not the bench's figures: {fix}.")
    return bench


def check_arguments(args: argparse.Namespace) -> list[str]:
    """Stop on a bad argument before anything is measured; return the parts to measure."""
    parts = parse_parts(args.only)
    if not set(args.profiles) <= set(PROFILES) or not args.profiles:
        raise BenchError(f"--profiles {','.join(args.profiles)!r}: choose from {', '.join(PROFILES)}.")
    if args.epochs < 2:
        raise BenchError("--epochs must be at least 2: the first epoch also traces the graph and is not counted.")
    if not 0 < args.fraction <= 1:
        raise BenchError(f"--fraction {args.fraction}: give a share of the training images, above 0 and at most 1.")
    select(args.notebooks)  # an unknown notebook stops here, naming the ones that exist
    return parts


def measure(parts: list[str], args: argparse.Namespace, bench: dict, path: Path) -> dict:
    """Measure the parts into bench, writing results/bench.json after each (a later failure keeps them)."""
    for part in parts:
        print(f"[{part}]", flush=True)
        if part == "notebooks":  # kept per notebook: a run of some notebooks keeps the others' figures
            for profile, rows in bench_notebooks(args.notebooks, args.profiles).items():
                bench.setdefault("notebooks", {}).setdefault(profile, {}).update(rows)
        elif part == "smoke-least":  # kept per notebook too
            bench.setdefault(part, {}).update(bench_smoke_least(args.notebooks))
        elif part == "startup":
            bench[part] = {"measured": now(), **bench_startup()}
        elif part == "side-by-side":
            per_machine(bench, part)[machine()["cpu"]] = {"measured": now(), "load_before": load_average(),
                                                          **bench_side_by_side(args.epochs, args.fraction)}
        else:
            per_machine(bench, part)[machine()["cpu"]] = {"measured": now(), "load_before": load_average(),
                                                          **bench_best_model()}
        label_machines(bench, bench["machine"])  # the new figures are this machine's
        path.write_text(json.dumps(bench, indent=2) + "\n")
    return bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated parts: {', '.join(PARTS)} (default: all)")
    parser.add_argument("--notebooks", nargs="*", default=[],
                        help="notebooks and smoke-least parts: numbers or names (default all)")
    parser.add_argument("--profiles", type=lambda s: [p for p in s.split(",") if p], default=["smoke", "quick"],
                        help="notebooks part: comma-separated (default smoke,quick)")
    parser.add_argument("--epochs", type=int, default=4, help="side-by-side: epochs of each model (default 4)")
    parser.add_argument("--fraction", type=float, default=1.0, help="side-by-side: share of the images (default 1)")
    parser.add_argument("--note", help="a sentence on the conditions, shown on the page")
    parser.add_argument("--docs-only", action="store_true", help="measure nothing; rewrite docs/benchmarks.md")
    parser.add_argument("--out", type=Path, help="write bench.json and benchmarks.md into this folder instead")
    args = parser.parse_args(argv)
    path = args.out / "bench.json" if args.out else BENCH_JSON
    page = args.out / "benchmarks.md" if args.out else bench_docs.PAGE
    try:
        if args.docs_only:
            if not path.is_file():
                raise BenchError(f"no {display_path(path)} yet: run `make bench` first.")
            bench = read_bench(path)
        else:
            parts = check_arguments(args)
            old = read_bench(path) if path.is_file() else {}
            bench = carried_over(old, parts, args.note) | {"machine": machine()}
            path.parent.mkdir(parents=True, exist_ok=True)
            bench = measure(parts, args, bench, path)
            print(f"wrote {display_path(path)}")
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    page.write_text(bench_docs.page(bench))
    print(f"wrote {display_path(page)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
