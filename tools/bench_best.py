"""Notebook 07's best model on the bench: side by side with the seed course's CNN, and trained in full.

Both parts run 07's own cells, never a copy: its parameters cell and the cells tagged `bench-model`
(setup, data, the model builder, the training function), then

- side-by-side: the best model and the seed course's deeper CNN on alternating epochs in one kernel
  (time per epoch, the projected training time of each, their ratio);
- best-model: the cells tagged `bench-best`, which train the best model in full as 07 does and
  evaluate its single-model test accuracy.

Each part also reports the operations per second training reached and their share of the machine's
fp32 peak (tools/throughput.py). Figures are kept per machine (its CPU's name), so that one kind of
machine's figures never stand for another's.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path

from tools.cells import source, tags
from tools.common import BUILD, NOTEBOOK_DIR, ROOT, execute
from tools.throughput import achieved, cpu_peak, forward_flops

BENCH_BUILD = BUILD / "bench"  # executed copies, results and checkpoints of a bench: never a run's own
# Notebook 07's best model. Its cells tagged `bench-model` (setup, data, the model builder) run as they
# are; then the bench builds the model with the expression of 07's section 6, which a test finds there.
SIDE_NOTEBOOK, SIDE_TAG, FULL_TAG = "07_regularization", "bench-model", "bench-best"
BEST_07 = "build_best_model(len(x_best))"
TWIN = "07_best_float32"  # the side-by-side's name for 07's best model built in float32
BEST_07_RESULT = "regularized_best"  # its row in results/full/metrics.json, which gives its epochs
# The deeper CNN of the course this one grew from ("the seed course"), as it trained there: 48,000 training images
# (validation_split 0.2), batch 64, Adam 5e-4, 26 epochs until early stopping (92.78% test accuracy). Not a random
# seed: the notebooks' SEED is that.
SEED_COURSE_CNN = {"images_share": 0.8, "batch_size": 64, "learning_rate": 5e-4, "epochs": 26}


class BenchError(Exception):
    """A benchmark cannot run as asked; the message says why."""


def isolate(folder: Path = BENCH_BUILD) -> None:
    """Runs of the bench keep their results and checkpoints in build/bench/, away from the user's."""
    os.environ.pop("COURSE_PROFILE", None)  # the profile is a parameter of each run
    os.environ["COURSE_RESULTS_DIR"] = str(folder / "results")
    os.environ["COURSE_MODELS_DIR"] = str(folder / "models")


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
                "change BEST_07 in tools/bench_best.py to the function that builds its best model")
    if not any(BEST_07 in src and "train(" in src for src in code):
        return (f"no code cell of {SIDE_NOTEBOOK} trains its best model built as `{BEST_07}`; "
                "change BEST_07 in tools/bench_best.py to the notebook's expression")
    return None


MEASURE = """from tools import bench_best

# Where 07 trains its best model in a mixed policy, the same model in float32 is timed beside it: what the policy
# saves on this machine, measured side by side like the rest.
twin, chosen_policy = None, best_policy
if chosen_policy != "float32":
    best_policy = "float32"
    twin = build_best_model(len(x_best))
    best_policy = chosen_policy
bench_best.side_by_side({best}, (x_best, y_best), (x_val, y_val), x_train, y_train, run.batch_size, {epochs}, {out!r},
                        float32_twin=twin)
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


def epoch_seconds(model, x, y, validation, batch_size: int, epoch: int) -> tuple[float, float]:
    """Train one more epoch (with validation, as the notebooks do): its wall seconds and the process's CPU seconds,
    from Keras' epoch hooks. CPU time counts the work done; wall time also counts any stall of the machine."""
    import keras

    marks: list[tuple[float, float]] = []
    stamp = keras.callbacks.LambdaCallback(
        on_epoch_begin=lambda *_: marks.append((time.perf_counter(), time.process_time())),
        on_epoch_end=lambda *_: marks.append((time.perf_counter(), time.process_time())))
    model.fit(x, y, batch_size=batch_size, epochs=epoch + 1, initial_epoch=epoch, validation_data=validation,
              callbacks=[stamp], verbose=0)
    return marks[1][0] - marks[0][0], marks[1][1] - marks[0][1]


def side_by_side(best, fit: tuple, val: tuple, x_all, y_all, batch_size: int, epochs: int, out: str,
                 float32_twin=None) -> None:
    """Train 07's best model and the seed's CNN on alternating epochs; write their timings to out (JSON).
    A float32_twin (the best model built in float32, where 07 trains it in a mixed policy) takes its turn too."""
    import keras

    onehot = keras.utils.to_categorical
    split = int(len(x_all) * SEED_COURSE_CNN["images_share"])
    runs = {
        "07_best": (best, fit[0], onehot(fit[1], 10), (val[0], onehot(val[1], 10)), batch_size),
        "seed_deeper_cnn": (seed_deeper_cnn(), x_all[:split], onehot(y_all[:split], 10),
                            (x_all[split:], onehot(y_all[split:], 10)), SEED_COURSE_CNN["batch_size"]),
    }
    if float32_twin is not None:
        runs[TWIN] = (float32_twin, *runs["07_best"][1:])
    # Both with Adam and cross-entropy: the optimizer's step costs the same for any learning rate or
    # schedule, so time per epoch depends on the model, the images and the batch size, taken as trained.
    for name, (model, *_) in runs.items():
        rate = SEED_COURSE_CNN["learning_rate"] if name == "seed_deeper_cnn" else 1e-3
        model.compile(optimizer=keras.optimizers.Adam(rate), loss="categorical_crossentropy", metrics=["accuracy"])
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for epoch in range(epochs):
        order = list(runs) if epoch % 2 == 0 else list(reversed(runs))  # neither always goes first
        for name in order:
            model, x, y, validation, batch = runs[name]
            wall, work = epoch_seconds(model, x, y, validation, batch, epoch)
            seconds[name].append(round(wall, 2))
            cpu[name].append(round(work, 2))
            print(f"epoch {epoch + 1}: {name} {wall:.1f} s ({work:.1f} s of CPU time)", flush=True)
    result = {name: {"model": model.name, "params": model.count_params(), "images": len(x), "batch_size": batch,
                     "val_images": len(validation[0]), "forward_flops": forward_flops(model),
                     "dtype_policy": model.dtype_policy.name, "epoch_seconds": seconds[name],
                     "epoch_cpu_seconds": cpu[name]}
              for name, (model, x, _, validation, batch) in runs.items()}
    Path(out).write_text(json.dumps(result, indent=2) + "\n")


def best_epochs() -> int:
    """The epochs of 07's best model in the course's committed full run."""
    row = json.loads((ROOT / "results" / "full" / "metrics.json").read_text()).get(SIDE_NOTEBOOK, {})
    if BEST_07_RESULT not in row:
        raise BenchError(f"results/full/metrics.json has no {SIDE_NOTEBOOK} row {BEST_07_RESULT!r} to take the "
                         "best model's epochs from; run notebook 07's full profile (make reference) first.")
    return int(row[BEST_07_RESULT]["epochs"])


def project(timings: dict, fraction: float, epochs_07: int, peak: dict | None = None) -> dict:
    """Seconds per epoch (after the first, which traces the graph), projected training time, the ratio, and
    the operations per second each model's epochs reached, against the machine's fp32 peak.

    Where the timings hold the process's CPU seconds per epoch too, the same projection of those gives a
    second ratio (cpu_ratio): the work each model did, which a stall of a shared machine does not inflate."""
    peak = peak or cpu_peak()
    result = {}
    models = [("07_best", epochs_07), ("seed_deeper_cnn", SEED_COURSE_CNN["epochs"])]
    for name, epochs in models + ([(TWIN, epochs_07)] if TWIN in timings else []):
        t = timings[name]
        measured = statistics.median(t["epoch_seconds"][1:])
        per_epoch = measured / fraction  # at the full image count
        result[name] = {**t, "seconds_per_epoch": round(per_epoch, 2), "epochs": epochs,
                        "projected_seconds": round(per_epoch * epochs, 1)}
        if t.get("epoch_cpu_seconds"):
            cpu_per_epoch = statistics.median(t["epoch_cpu_seconds"][1:]) / fraction
            result[name] |= {"cpu_seconds_per_epoch": round(cpu_per_epoch, 2),
                             "projected_cpu_seconds": round(cpu_per_epoch * epochs, 1)}
        if "forward_flops" in t:
            result[name] |= achieved(training_flops_of(t), measured, peak)
    result["ratio"] = round(result["07_best"]["projected_seconds"] / result["seed_deeper_cnn"]["projected_seconds"], 3)
    if all("projected_cpu_seconds" in result[name] for name in ("07_best", "seed_deeper_cnn")):
        result["cpu_ratio"] = round(result["07_best"]["projected_cpu_seconds"]
                                    / result["seed_deeper_cnn"]["projected_cpu_seconds"], 3)
    if TWIN in result:  # the chosen policy against float32, same model, same epochs
        result["policy_ratio"] = round(result["07_best"]["projected_seconds"] / result[TWIN]["projected_seconds"], 3)
        if "projected_cpu_seconds" in result[TWIN] and "projected_cpu_seconds" in result["07_best"]:
            result["policy_cpu_ratio"] = round(result["07_best"]["projected_cpu_seconds"]
                                               / result[TWIN]["projected_cpu_seconds"], 3)
    return result | {"fraction": fraction, "peak": peak}


def bench_side_by_side(epochs: int, fraction: float) -> dict:
    """Run the side-by-side notebook in a fresh kernel; its timings, projected to the full data."""
    folder = BENCH_BUILD / "side-by-side"
    isolate(BENCH_BUILD)
    folder.mkdir(parents=True, exist_ok=True)
    notebook, out = folder / "side_by_side.ipynb", folder / "timings.json"
    out.unlink(missing_ok=True)
    doc = json.loads((NOTEBOOK_DIR / f"{SIDE_NOTEBOOK}.ipynb").read_text())
    notebook.write_text(json.dumps(side_by_side_notebook(doc, epochs, out)))
    size = None if fraction == 1 else round(60_000 * fraction)
    status, _ = execute(notebook, folder / "side_by_side.out.ipynb", {"PROFILE": "full", "TRAIN_SIZE": size})
    if status != "ok" or not out.is_file():
        raise BenchError(f"the side-by-side run failed ({status}); build/bench/side-by-side/ holds its output.")
    result = project(json.loads(out.read_text()), fraction, best_epochs())
    print(f"  07's best {result['07_best']['seconds_per_epoch']} s per epoch x {result['07_best']['epochs']}, "
          f"seed CNN {result['seed_deeper_cnn']['seconds_per_epoch']} s x {SEED_COURSE_CNN['epochs']}: "
          f"ratio {result['ratio']}" + (f" (by CPU time {result['cpu_ratio']})" if "cpu_ratio" in result else ""))
    if "policy_ratio" in result:
        print(f"  07's best in {result['07_best']['dtype_policy']} against float32: ratio {result['policy_ratio']}"
              + (f" (by CPU time {result['policy_cpu_ratio']})" if "policy_cpu_ratio" in result else ""))
    return result | {"measured_epochs": epochs}


FULL_MEASURE = """import json

from tools.throughput import forward_flops

json.dump({{"test_accuracy": float(test_accuracy), "best_epoch": int(best_epoch), "epochs": int(best_epochs),
           "train_seconds": float(final_seconds), "params": int(final.count_params()), "images": len(x_best),
           "val_images": len(x_val), "test_images": len(x_test), "forward_flops": forward_flops(final),
           "dtype_policy": final.dtype_policy.name}}, open({out!r}, "w"))
"""


def best_model_notebook(doc: dict, out: Path) -> dict:
    """Notebook 07's parameters cell, its cells tagged bench-model and bench-best, then the recording cell."""
    problem = best_model_drift(doc)
    if problem:
        raise BenchError(problem)
    if not any(FULL_TAG in tags(c) for c in doc["cells"]):
        raise BenchError(f"no cell of {SIDE_NOTEBOOK} is tagged {FULL_TAG!r} (the cells that train its best model in "
                         "full and evaluate its test accuracy)")
    keep = [c for c in doc["cells"] if c["cell_type"] == "code" and {"parameters", SIDE_TAG, FULL_TAG} & set(tags(c))]
    cells = [c | {"outputs": [], "execution_count": None} for c in keep]
    record = FULL_MEASURE.format(out=str(out))
    cells.append({"cell_type": "code", "id": "bench-record", "metadata": {}, "source": record, "outputs": [],
                  "execution_count": None})
    return {**doc, "cells": cells}


def bench_best_model(peak: dict | None = None) -> dict:
    """Train 07's best model in full with 07's own cells, in a fresh kernel: its test accuracy and throughput."""
    folder = BENCH_BUILD / "best-model"
    folder.mkdir(parents=True, exist_ok=True)
    isolate(folder)
    notebook, out = folder / "best_model.ipynb", folder / "result.json"
    out.unlink(missing_ok=True)
    doc = json.loads((NOTEBOOK_DIR / f"{SIDE_NOTEBOOK}.ipynb").read_text())
    notebook.write_text(json.dumps(best_model_notebook(doc, out)))
    status, wall = execute(notebook, folder / "best_model.out.ipynb", {"PROFILE": "full"})
    if status != "ok" or not out.is_file():
        raise BenchError(f"the best-model run failed ({status}); build/bench/best-model/ holds its output.")
    result = json.loads(out.read_text())
    peak = peak or cpu_peak()
    work = training_flops_of(result) * result["epochs"]
    print(f"  07's best model: test accuracy {result['test_accuracy']:.4f} (epoch {result['best_epoch']} of "
          f"{result['epochs']}), {result['train_seconds']:.0f} s of training", flush=True)
    return result | achieved(work, result["train_seconds"], peak) | {"peak": peak, "wall_seconds": round(wall, 1)}


def training_flops_of(result: dict) -> int:
    """Operations of one epoch of a recorded run: three forward passes per training image, one per validation image."""
    return result["forward_flops"] * (3 * result["images"] + result["val_images"])
