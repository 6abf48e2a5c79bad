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
                alternating epochs in one kernel, seconds per epoch, projected training time, ratio
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

from helpers.evaluate import load_results
from helpers.paths import display_path
from tools import bench_docs
from tools.cells import source, tags
from tools.common import BUILD, NOTEBOOK_DIR, PROFILES, ROOT, execute, machine, select

BENCH_JSON = ROOT / "results" / "bench.json"
BENCH_BUILD = BUILD / "bench"  # executed copies, results and checkpoints of a bench: never a run's own
PARTS = ("notebooks", "smoke-least", "startup", "side-by-side")

# Notebook 07's best model. Its cells tagged `bench-model` (setup, data, the model builder) run as they
# are; then the bench builds the model with the expression of 07's section 6, which a test finds there.
SIDE_NOTEBOOK, SIDE_TAG = "07_regularization", "bench-model"
BEST_07 = "build_best_model(len(x_best))"
BEST_07_RESULT = "regularized_best"  # its row in results/full/metrics.json, which gives its epochs
# The deeper CNN of the course this one grew from ("the seed course"), as it trained there: 48,000 training images
# (validation_split 0.2), batch 64, Adam 5e-4, 26 epochs until early stopping (92.78% test accuracy). Not a random
# seed: the notebooks' SEED is that.
SEED_COURSE_CNN = {"images_share": 0.8, "batch_size": 64, "learning_rate": 5e-4, "epochs": 26}


class BenchError(Exception):
    """A benchmark cannot run as asked; the message says why."""


def now() -> str:
    """The current local time, to the minute."""
    return datetime.now().strftime("%Y-%m-%d %H:%M")


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages: how busy the machine was."""
    return [round(v, 2) for v in os.getloadavg()]


def isolate(folder: Path = BENCH_BUILD) -> None:
    """Runs of the bench keep their results and checkpoints in build/bench/, away from the user's."""
    os.environ.pop("COURSE_PROFILE", None)  # the profile is a parameter of each run
    os.environ["COURSE_RESULTS_DIR"] = str(folder / "results")
    os.environ["COURSE_MODELS_DIR"] = str(folder / "models")


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
    "08_kernel_dissection": {"EPOCHS": 1, "TRAIN_SIZE": 256},
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


# ----- side by side -----


def seed_deeper_cnn():
    """The seed course's deeper CNN: two conv blocks with batch normalization and dropout, a dense head."""
    import keras
    from keras import layers

    stack = [keras.Input(shape=(28, 28, 1))]
    for filters in (32, 64):
        for _ in range(2):
            stack += [layers.Conv2D(filters, 3, padding="same", activation="relu"), layers.BatchNormalization()]
        stack += [layers.MaxPooling2D(2), layers.Dropout(0.25)]
    stack += [layers.Flatten(), layers.Dense(128, activation="relu"), layers.BatchNormalization(),
              layers.Dropout(0.5), layers.Dense(10, activation="softmax")]
    return keras.Sequential(stack, name="seed_deeper_cnn")


def best_model_drift(doc: dict) -> str | None:
    """Why the bench would not measure what notebook 07 trains as its best model (None: it would)."""
    code = [source(c) for c in doc["cells"] if c["cell_type"] == "code"]
    tagged = [source(c) for c in doc["cells"] if SIDE_TAG in tags(c)]
    if not tagged:
        return f"no cell of {SIDE_NOTEBOOK} is tagged {SIDE_TAG!r} (its setup, data and model-builder cells)"
    builder = BEST_07.split("(")[0]
    if not any(f"def {builder}(" in src for src in tagged):
        return (f"no cell of {SIDE_NOTEBOOK} tagged {SIDE_TAG!r} defines {builder}(); "
                "change BEST_07 in tools/bench.py to the function that builds its best model")
    if not any(BEST_07 in src and "train(" in src for src in code):
        return (f"no code cell of {SIDE_NOTEBOOK} trains its best model built as `{BEST_07}`; "
                "change BEST_07 in tools/bench.py to the notebook's expression")
    return None


MEASURE = """from tools import bench

bench.side_by_side({best}, (x_best, y_best), (x_val, y_val), x_train, y_train, run.batch_size, {epochs}, {out!r})
"""


def side_by_side_notebook(doc: dict, epochs: int, out: Path) -> dict:
    """Notebook 07's parameters cell and its cells tagged bench-model, then the bench's measuring cell."""
    problem = best_model_drift(doc)
    if problem:
        raise BenchError(problem)
    keep = [c for c in doc["cells"] if c["cell_type"] == "code" and
            {"parameters", SIDE_TAG} & set(tags(c))]
    cells = [c | {"outputs": [], "execution_count": None} for c in keep]
    measure = MEASURE.format(best=BEST_07, epochs=epochs, out=str(out))
    cells.append({"cell_type": "code", "id": "bench-measure", "metadata": {}, "source": measure, "outputs": [],
                  "execution_count": None})
    return {**doc, "cells": cells}


def epoch_seconds(model, x, y, validation, batch_size: int, epoch: int) -> float:
    """Train one more epoch (with validation, as the notebooks do); its wall seconds, from Keras' epoch hooks."""
    import keras

    marks: list[float] = []
    stamp = keras.callbacks.LambdaCallback(on_epoch_begin=lambda *_: marks.append(time.perf_counter()),
                                           on_epoch_end=lambda *_: marks.append(time.perf_counter()))
    model.fit(x, y, batch_size=batch_size, epochs=epoch + 1, initial_epoch=epoch, validation_data=validation,
              callbacks=[stamp], verbose=0)
    return marks[1] - marks[0]


def side_by_side(best, fit: tuple, val: tuple, x_all, y_all, batch_size: int, epochs: int, out: str) -> None:
    """Train 07's best model and the seed's CNN on alternating epochs; write their timings to out (JSON)."""
    import keras

    onehot = keras.utils.to_categorical
    split = int(len(x_all) * SEED_COURSE_CNN["images_share"])
    runs = {
        "07_best": (best, fit[0], onehot(fit[1], 10), (val[0], onehot(val[1], 10)), batch_size),
        "seed_deeper_cnn": (seed_deeper_cnn(), x_all[:split], onehot(y_all[:split], 10),
                            (x_all[split:], onehot(y_all[split:], 10)), SEED_COURSE_CNN["batch_size"]),
    }
    # Both with Adam and cross-entropy: the optimizer's step costs the same for any learning rate or
    # schedule, so time per epoch depends on the model, the images and the batch size, taken as trained.
    for name, (model, *_) in runs.items():
        rate = SEED_COURSE_CNN["learning_rate"] if name == "seed_deeper_cnn" else 1e-3
        model.compile(optimizer=keras.optimizers.Adam(rate), loss="categorical_crossentropy", metrics=["accuracy"])
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for epoch in range(epochs):
        order = list(runs) if epoch % 2 == 0 else list(reversed(runs))  # neither always goes first
        for name in order:
            model, x, y, validation, batch = runs[name]
            seconds[name].append(round(epoch_seconds(model, x, y, validation, batch, epoch), 2))
            print(f"epoch {epoch + 1}: {name} {seconds[name][-1]:.1f} s", flush=True)
    result = {name: {"model": model.name, "params": model.count_params(), "images": len(x), "batch_size": batch,
                     "epoch_seconds": seconds[name]} for name, (model, x, _, _, batch) in runs.items()}
    Path(out).write_text(json.dumps(result, indent=2) + "\n")


def best_epochs() -> int:
    """The epochs of 07's best model in the course's committed full run."""
    row = json.loads((ROOT / "results" / "full" / "metrics.json").read_text()).get(SIDE_NOTEBOOK, {})
    if BEST_07_RESULT not in row:
        raise BenchError(f"results/full/metrics.json has no {SIDE_NOTEBOOK} row {BEST_07_RESULT!r} to take the "
                         "best model's epochs from; run notebook 07's full profile (make reference) first.")
    return int(row[BEST_07_RESULT]["epochs"])


def project(timings: dict, fraction: float, epochs_07: int) -> dict:
    """Seconds per epoch (after the first, which traces the graph), projected training time, and the ratio."""
    result = {}
    for name, epochs in (("07_best", epochs_07), ("seed_deeper_cnn", SEED_COURSE_CNN["epochs"])):
        t = timings[name]
        per_epoch = statistics.median(t["epoch_seconds"][1:]) / fraction  # at the full image count
        result[name] = {**t, "seconds_per_epoch": round(per_epoch, 2), "epochs": epochs,
                        "projected_seconds": round(per_epoch * epochs, 1)}
    result["ratio"] = round(result["07_best"]["projected_seconds"] / result["seed_deeper_cnn"]["projected_seconds"], 3)
    return result | {"fraction": fraction}


def bench_side_by_side(epochs: int, fraction: float) -> dict:
    """Run the side-by-side notebook in a fresh kernel; its timings, projected to the full data."""
    isolate()
    folder = BENCH_BUILD / "side-by-side"
    folder.mkdir(parents=True, exist_ok=True)
    notebook, out = folder / "side_by_side.ipynb", folder / "timings.json"
    out.unlink(missing_ok=True)
    doc = json.loads((NOTEBOOK_DIR / f"{SIDE_NOTEBOOK}.ipynb").read_text())
    notebook.write_text(json.dumps(side_by_side_notebook(doc, epochs, out)))
    size = None if fraction == 1 else round(60_000 * fraction)
    load = load_average()
    status, _ = execute(notebook, folder / "side_by_side.out.ipynb", {"PROFILE": "full", "TRAIN_SIZE": size})
    if status != "ok" or not out.is_file():
        raise BenchError(f"the side-by-side run failed ({status}); build/bench/side-by-side/ holds its output.")
    result = project(json.loads(out.read_text()), fraction, best_epochs())
    print(f"  07's best {result['07_best']['seconds_per_epoch']} s per epoch x {result['07_best']['epochs']}, "
          f"seed CNN {result['seed_deeper_cnn']['seconds_per_epoch']} s x {SEED_COURSE_CNN['epochs']}: "
          f"ratio {result['ratio']}")
    return result | {"measured_epochs": epochs, "load_before": load}


# ----- command line -----


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
    kept = {k: v for k, v in old.items() if k in PARTS}
    if note is not None:
        return kept | {"note": note}
    if set(parts) != set(PARTS) and "note" in old:
        return kept | {"note": old["note"]}
    return kept


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
        else:
            bench[part] = {"measured": now(), **bench_side_by_side(args.epochs, args.fraction)}
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
            bench = json.loads(path.read_text())
        else:
            parts = check_arguments(args)
            old = json.loads(path.read_text()) if path.is_file() else {}
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
