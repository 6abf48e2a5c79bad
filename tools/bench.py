"""Measure the course on this machine: results/bench.json and the benchmark table of the README.

    python tools/bench.py                                  # every part (make bench)
    python tools/bench.py --only floor,throughput          # some parts (make bench ONLY=floor,throughput)
    python tools/bench.py --only notebooks --notebooks 01 --profiles smoke

The parts:
  notebooks   (a) wall seconds of each notebook under smoke and quick, kernel start included
  floor       (b) what any notebook costs before its first lesson cell: kernel start, then
                  kernel start plus the TensorFlow import, each the median of 3 papermill runs
  throughput  (c) training images per second of notebook 02's CNN, trained the way the course
                  trains it, against a bare Keras script on the same arrays, in the same run
  capstone    (d) the capstone's cached-feature stage (frozen ResNet50 run once per image, then
                  the head trains on its features) against running the frozen base every epoch

The whole run holds the machine's CPU lock ($COURSE_CPU_LOCK, default
/tmp/course-cpu.lock), so no other heavy job overlaps with it and its parts run back
to back; the load average before each measurement is recorded, since light jobs still
can overlap. Parts not measured in a run keep their earlier results.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from common import ROOT, execute, select

BENCH_JSON = ROOT / "results" / "bench.json"
README = ROOT / "README.md"
PARTS = ("notebooks", "floor", "throughput", "capstone")
DEFAULT_LOCK = "/tmp/course-cpu.lock"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"

# The CNN of part (c). "builtin" is classic_cnn() below, the architecture notebook 02 teaches.
# Once notebook 02 is merged, point this at its own model cell instead, as "NOTEBOOK:MODEL_NAME",
# e.g. "02_first_convolutions:first_cnn": the cell that builds the model named so is run as it is.
CNN_SOURCE = "02:cnn"  # notebook 02's model named "cnn"
THROUGHPUT_EPOCHS = 3  # the first epoch includes graph tracing and is reported apart
CAPSTONE_IMAGES, CAPSTONE_SIZE, CAPSTONE_EPOCHS = 512, 64, 3  # 64: notebook 09's IMAGE_SIZE


class BenchError(Exception):
    """A benchmark cannot run as asked; the message says why."""


# ----- shared plumbing -----


@contextlib.contextmanager
def cpu_lock(path: str | None) -> Iterator[float]:
    """Hold the machine's CPU lock for the duration; yields the seconds spent waiting for it."""
    if not path:
        yield 0.0
        return
    start = time.perf_counter()
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield time.perf_counter() - start
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def now() -> str:
    """The current local time, to the minute."""
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M")


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (how busy the machine was)."""
    return [round(v, 2) for v in os.getloadavg()]


def machine() -> dict:
    """What the numbers depend on: CPU, core count, Python and library versions."""
    cpu = "unknown"
    with contextlib.suppress(OSError):
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = found.group(1).strip() if found else cpu
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "tensorflow": package_version("tensorflow-cpu", "tensorflow"), "keras": package_version("keras")}


def package_version(*names: str) -> str:
    """The installed version of the first of names that is installed."""
    from importlib.metadata import PackageNotFoundError, version

    for name in names:
        with contextlib.suppress(PackageNotFoundError):
            return version(name)
    return "not installed"


def worker(kind: str, out: Path, *args: str) -> dict:
    """Run one measurement in a fresh Python process (so no setting of one leaks into the other)."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    env.pop("COURSE_PROFILE", None)
    command = [sys.executable, __file__, "--worker", kind, "--worker-out", str(out), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0 or not out.is_file():
        raise BenchError(f"the {kind} measurement failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    return json.loads(out.read_text())


def epoch_timer():
    """A Keras callback that keeps the wall seconds of every epoch in its `seconds` list."""
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self.start)

    return EpochTimer()


def steady(seconds: list[float]) -> float:
    """Median epoch time after the first epoch (which also traces the graph)."""
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds)


# ----- (a) notebooks -----


def bench_notebooks(keys: list[str], profiles: list[str]) -> dict:
    """Wall seconds of each notebook under each profile, run the way `make run` runs them."""
    os.environ.pop("COURSE_PROFILE", None)
    rows: dict[str, dict] = {p: {} for p in profiles}
    for profile in profiles:
        out_dir = ROOT / "build" / "bench" / profile  # not build/<profile>: a bench never replaces a run's report
        out_dir.mkdir(parents=True, exist_ok=True)
        for notebook in select(keys):
            load = load_average()
            status, seconds = execute(notebook, out_dir / notebook.name, {"PROFILE": profile})
            print(f"  {profile:5} {notebook.stem}: {seconds:.1f} s, {status}")
            rows[profile][notebook.stem] = {"seconds": round(seconds, 1), "status": status, "measured": now(),
                                            "load_before": load}
    return rows


# ----- (b) floor -----


FLOOR_CELLS = {
    "kernel_start": "1 + 1",
    "kernel_and_tensorflow": "import helpers\nfrom helpers.profiles import quiet_tensorflow\n\n"
    "quiet_tensorflow()\nimport keras",
}


def bench_floor(repeats: int = 3) -> dict:
    """Median wall seconds of a papermill run of a one-cell notebook, without and with the TensorFlow import."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    seconds: dict[str, list[float]] = {k: [] for k in FLOOR_CELLS}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "out").mkdir()
        paths = {}
        for name, code in FLOOR_CELLS.items():
            nb = new_notebook(cells=[new_code_cell('PROFILE = "full"', metadata={"tags": ["parameters"]}),
                                     new_code_cell(code)])
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
            paths[name] = Path(tmp) / f"{name}.ipynb"
            nbformat.write(nb, paths[name])
        load = load_average()
        for _ in range(repeats):  # interleaved, so a disturbance hits both alike
            for name, path in paths.items():
                status, wall = execute(path, Path(tmp) / "out" / path.name, {"PROFILE": "smoke"})
                if status != "ok":
                    raise BenchError(f"the floor notebook {name} failed: {status}")
                seconds[name].append(round(wall, 2))
    result = {name: {"median_seconds": round(statistics.median(v), 2), "runs": v} for name, v in seconds.items()}
    result |= {"repeats": repeats, "load_before": load}
    print(f"  kernel start {result['kernel_start']['median_seconds']} s, with TensorFlow import "
          f"{result['kernel_and_tensorflow']['median_seconds']} s")
    return result


# ----- (c) throughput -----


def classic_cnn():
    """The classic CNN of notebook 02: Conv32-pool-Conv64-pool-Dense128-Dense10."""
    import keras

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            keras.layers.Conv2D(32, 3, activation="relu", name="conv_1"),
            keras.layers.MaxPooling2D(name="pool_1"),
            keras.layers.Conv2D(64, 3, activation="relu", name="conv_2"),
            keras.layers.MaxPooling2D(name="pool_2"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dense(128, activation="relu", name="hidden"),
            keras.layers.Dense(10, activation="softmax", name="output"),
        ],
        name="classic_cnn",
    )


def model_from_notebook(notebook: Path, model_name: str):
    """Run the code cell of a notebook that builds the model named model_name, and return that model."""
    import keras
    import nbformat
    import numpy as np

    pattern = re.compile(rf"""name\s*=\s*["']{re.escape(model_name)}["']""")
    cells = nbformat.read(notebook, as_version=4).cells
    candidates = [c.source for c in cells if c.cell_type == "code" and pattern.search(c.source)]
    problems = []
    for src in candidates:
        namespace = {"keras": keras, "layers": keras.layers, "np": np}
        try:
            with contextlib.redirect_stdout(sys.stderr):  # model.summary() in the cell
                exec(compile(src, f"{notebook.name}:model cell", "exec"), namespace)
        except Exception as exc:  # the cell needs something defined earlier in the notebook
            problems.append(f"{type(exc).__name__}: {exc}")
            continue
        models = [v for v in namespace.values() if isinstance(v, keras.Model) and v.name == model_name]
        if models:
            return models[0]
    why = "; ".join(problems) if problems else "no code cell builds a model with that name"
    raise BenchError(
        f"Cannot build model {model_name!r} from {notebook.name}: {why}. Its model cell must be self-contained "
        "(keras, keras.layers as `layers` and numpy as `np` are provided), or use the built-in CNN."
    )


def build_model(source: str):
    """The CNN of part (c): "builtin", or "NOTEBOOK:MODEL_NAME" (a notebook's own model cell)."""
    if source == "builtin":
        return classic_cnn()
    key, _, name = source.partition(":")
    if not name:
        raise BenchError(f"--cnn {source!r}: give 'builtin' or NOTEBOOK:MODEL_NAME, e.g. 02:first_cnn")
    return model_from_notebook(select([key])[0], name)


def throughput_worker(variant: str, arrays: Path, epochs: int, source: str) -> dict:
    """Train the CNN for some epochs, the course's way or the bare way; images per second per epoch."""
    import numpy as np

    with np.load(arrays) as data:
        x, y = data["x"], data["y"]
    if variant == "course":
        # As the notebooks do it: helpers.setup (seeds, deterministic ops, quiet TensorFlow), then
        # fit on NumPy arrays with a 10% validation split and one line per epoch (verbose=2).
        # Keep this in step with notebook 02's fit cell.
        import helpers

        run = helpers.setup("bench_throughput", "full", epochs_by_profile={"smoke": 1, "quick": 1, "full": 1},
                            epochs=epochs)
        batch_size, fit_args, trained = run.batch_size, {"validation_split": 0.1, "verbose": 2}, int(len(x) * 0.9)
    else:
        # A bare Keras script: default TensorFlow settings, no validation, no progress output.
        import keras

        keras.utils.set_random_seed(42)
        batch_size, fit_args, trained = 128, {"verbose": 0}, len(x)
    import keras

    model = build_model(source)
    x = x.reshape(-1, *model.input_shape[1:])
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="categorical_crossentropy", metrics=["accuracy"])
    timer = epoch_timer()
    with contextlib.redirect_stdout(sys.stderr):
        model.fit(x, y, epochs=epochs, batch_size=batch_size, callbacks=[timer], **fit_args)
    return {"epoch_seconds": [round(s, 2) for s in timer.seconds], "trained_images_per_epoch": trained,
            "images_per_second": round(trained / steady(timer.seconds), 1), "params": model.count_params(),
            "model": model.name}


def bench_throughput(source: str, epochs: int, repeats: int = 2) -> dict:
    """Course pipeline against a bare script, alternating (course, bare, bare, course, ...) in one run."""
    import numpy as np

    from helpers.data import load_fashion_mnist

    (x, y), _ = load_fashion_mnist()
    runs: dict[str, list[dict]] = {"course": [], "bare": []}
    with tempfile.TemporaryDirectory() as tmp:
        arrays = Path(tmp) / "arrays.npz"
        # The same arrays for both: scaled to [0, 1] and one-hot, as the notebooks prepare them.
        np.savez(arrays, x=(x.astype("float32") / 255.0), y=np.eye(10, dtype="float32")[y])
        order = [v for r in range(repeats) for v in (("course", "bare") if r % 2 == 0 else ("bare", "course"))]
        loads = []
        for i, variant in enumerate(order):
            loads.append(load_average())
            result = worker("throughput", Path(tmp) / f"{i}.json", variant, str(arrays), str(epochs), source)
            runs[variant].append(result)
            print(f"  {variant:6} {result['images_per_second']:8.0f} images/s (epochs {result['epoch_seconds']} s)")
    summary = {v: {"images_per_second": round(statistics.median(r["images_per_second"] for r in rs), 1),
                   "runs": rs} for v, rs in runs.items()}
    ratio = summary["course"]["images_per_second"] / summary["bare"]["images_per_second"]
    return {"model": runs["course"][0]["model"], "model_source": source, "params": runs["course"][0]["params"],
            "epochs": epochs, "repeats": repeats, **summary, "ratio_course_to_bare": round(ratio, 3),
            "load_before": loads,
            "what": "steady-state training images per second (median epoch after the first); the course's "
                    "fit trains on 90% of the 60,000 images and validates on 10% within each epoch, "
                    "with deterministic ops; the bare script trains on all 60,000 with TensorFlow's defaults"}


# ----- (d) capstone -----


def capstone_worker(images: int, size: int, epochs: int) -> dict:
    """Cached features against the frozen base every epoch, on random CIFAR-sized images."""
    import helpers  # noqa: F401  (quiet TensorFlow, as in the notebooks)
    from helpers.profiles import quiet_tensorflow

    quiet_tensorflow()
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(images, 32, 32, 3), dtype=np.uint8).astype("float32")
    y = rng.integers(0, 100, size=images)
    base = keras.applications.ResNet50(weights=None, include_top=False, pooling="avg", input_shape=(size, size, 3))
    base.trainable = False
    upsample = [keras.Input(shape=(32, 32, 3)), keras.layers.Resizing(size, size, name="upsample")]
    batch = 64

    # Cached: the frozen base sees every image once; the head then trains on 2,048 numbers per image.
    extractor = keras.Sequential([*upsample, base], name="extractor")
    start = time.perf_counter()
    features = extractor.predict(x, batch_size=batch, verbose=0)
    extract = time.perf_counter() - start
    head = keras.Sequential([keras.Input(shape=(features.shape[1],)), keras.layers.Dense(100, activation="softmax")])
    head.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    head_timer = epoch_timer()
    head.fit(features, y, epochs=epochs, batch_size=batch, verbose=0, callbacks=[head_timer])

    # Every epoch: the same frozen base inside the model, run forward on every image in every epoch.
    full = keras.Sequential([*upsample, base, keras.layers.Dense(100, activation="softmax")], name="frozen_base")
    full.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    full_timer = epoch_timer()
    full.fit(x, y, epochs=epochs, batch_size=batch, verbose=0, callbacks=[full_timer])

    cached_total = extract + sum(head_timer.seconds)
    every_total = sum(full_timer.seconds)
    return {
        "images": images, "size": size,
        "input": f"random uint8 images 32x32x3, resized to {size}x{size} inside the model",
        "base": "ResNet50(weights=None, include_top=False, pooling='avg'), frozen", "epochs": epochs,
        "batch_size": batch,
        "cached": {"extract_seconds": round(extract, 2), "extract_images_per_second": round(images / extract, 1),
                   "head_epoch_seconds": [round(s, 3) for s in head_timer.seconds],
                   "head_images_per_second": round(images / steady(head_timer.seconds), 1),
                   "total_seconds": round(cached_total, 2)},
        "every_epoch": {"epoch_seconds": [round(s, 2) for s in full_timer.seconds],
                        "images_per_second": round(images / steady(full_timer.seconds), 1),
                        "total_seconds": round(every_total, 2)},
        "speedup": round(every_total / cached_total, 2),
    }


def bench_capstone(images: int, size: int, epochs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        load = load_average()
        result = worker("capstone", Path(tmp) / "capstone.json", str(images), str(size), str(epochs))
    print(f"  cached {result['cached']['total_seconds']} s against every epoch "
          f"{result['every_epoch']['total_seconds']} s for {epochs} epochs: {result['speedup']}x")
    return result | {"load_before": load}


# ----- results file and README table -----


def seconds_cell(value: float | None) -> str:
    """A table cell of whole seconds, or a dash when not measured."""
    return "–" if value is None else f"{value:.0f} s"


def best_images_per_second(runs: list[dict]) -> float:
    """Images per second of the fastest epoch after the first over all runs: the figure least slowed by
    other work on a shared machine (disturbances only ever slow an epoch down)."""
    return max(r["trained_images_per_epoch"] / min(r["epoch_seconds"][1:] or r["epoch_seconds"]) for r in runs)


def readme_table(bench: dict) -> str:
    """The README's benchmark section, from results/bench.json."""
    out = []
    m = bench.get("machine", {})
    if m:
        out.append(f"Measured with `make bench` on {m.get('cores')} cores ({m.get('cpu')}), TensorFlow "
                   f"{m.get('tensorflow')}, Keras {m.get('keras')}, Python {m.get('python')}. Numbers are wall "
                   "seconds; `results/bench.json` holds every run, with the load average before each.")
    if bench.get("note"):
        out.append(f"\n**Note.** {bench['note']}")
    floor = bench.get("floor", {})
    floor_s = floor.get("kernel_and_tensorflow", {}).get("median_seconds")
    nbs = bench.get("notebooks", {})
    names = sorted(set(nbs.get("smoke", {})) | set(nbs.get("quick", {})))
    if names:
        out += ["", "| notebook | smoke | quick | smoke ÷ floor | measured |", "|---|---:|---:|---:|---|"]
        for name in names:
            smoke, quick = nbs.get("smoke", {}).get(name, {}), nbs.get("quick", {}).get(name, {})
            s, q = smoke.get("seconds"), quick.get("seconds")
            ok = all(r.get("status", "ok") == "ok" for r in (smoke, quick) if r)
            ratio = f"{s / floor_s:.1f}x" if s and floor_s else "–"
            when = max(r.get("measured", "") for r in (smoke, quick) if r)
            out.append(f"| {name} | {seconds_cell(s)} | {seconds_cell(q)} | {ratio} | {when}"
                       f"{'' if ok else ' (failed)'} |")
    rows = []
    if floor:
        rows.append(f"| (b) floor: kernel start | {floor['kernel_start']['median_seconds']:.1f} s "
                    f"(median of {floor['repeats']}) | {floor['measured']} |")
        rows.append(f"| (b) floor: kernel start + TensorFlow import | {floor_s:.1f} s | {floor['measured']} |")
    t = bench.get("throughput")
    if t:
        best = {v: best_images_per_second(t[v]["runs"]) for v in ("course", "bare")}
        rows.append(f"| (c) {t['model']} ({t['params']:,} parameters) trained the course's way, median (best) "
                    f"epoch | {t['course']['images_per_second']:,.0f} ({best['course']:,.0f}) images/s | "
                    f"{t['measured']} |")
        rows.append(f"| (c) the same, bare Keras script, same arrays | {t['bare']['images_per_second']:,.0f} "
                    f"({best['bare']:,.0f}) images/s | {t['measured']} |")
        rows.append(f"| (c) ratio course ÷ bare, median (best) | {t['ratio_course_to_bare']:.2f} "
                    f"({best['course'] / best['bare']:.2f}) | {t['measured']} |")
    c = bench.get("capstone")
    if c:
        what = f"{c['images']} images upsampled to {c['size']}x{c['size']}, {c['epochs']} epochs"
        rows.append(f"| (d) capstone, cached features: extract once + train head ({what}) | "
                    f"{c['cached']['total_seconds']:.1f} s ({c['cached']['extract_seconds']:.1f} s extracting, "
                    f"{c['cached']['extract_images_per_second']:.0f} images/s) | {c['measured']} |")
        rows.append(f"| (d) capstone, frozen base run every epoch | {c['every_epoch']['total_seconds']:.1f} s "
                    f"({c['every_epoch']['images_per_second']:.0f} images/s) | {c['measured']} |")
        head, full = steady(c["cached"]["head_epoch_seconds"]), steady(c["every_epoch"]["epoch_seconds"])
        rows.append(f"| (d) each further epoch: head on cached features, or frozen base + head | "
                    f"{head:.2f} s or {full:.1f} s | {c['measured']} |")
        rows.append(f"| (d) speed-up of caching at {c['epochs']} epochs | {c['speedup']:.1f}x | {c['measured']} |")
    if rows:
        out += ["", "| measurement | result | measured |", "|---|---:|---|", *rows]
    return "\n".join(out).strip() + "\n"


def update_readme(text: str, table: str) -> str:
    """The README with the text between the bench markers replaced by table."""
    if BEGIN not in text or END not in text or text.index(BEGIN) > text.index(END):
        raise BenchError(f"README.md lacks the markers {BEGIN} ... {END} that frame the benchmark table.")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}{END}{tail}"


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated parts: {', '.join(PARTS)} (default: all)")
    parser.add_argument("--notebooks", nargs="*", default=[], help="for part (a): numbers or names (default: all)")
    parser.add_argument("--profiles", default="smoke,quick", help="for part (a) (default: smoke,quick)")
    parser.add_argument("--cnn", default=CNN_SOURCE, help="for part (c): builtin or NOTEBOOK:MODEL_NAME")
    parser.add_argument("--epochs", type=int, default=THROUGHPUT_EPOCHS, help="for part (c) (at least 2)")
    parser.add_argument("--capstone-size", type=int, default=CAPSTONE_SIZE, help="for part (d): upsampled side")
    parser.add_argument("--capstone-images", type=int, default=CAPSTONE_IMAGES)
    parser.add_argument("--note", help="a sentence on the conditions, shown above the README table")
    parser.add_argument("--no-lock", action="store_true", help="do not take the CPU lock (numbers may be disturbed)")
    parser.add_argument("--no-readme", action="store_true", help="write results/bench.json only")
    parser.add_argument("--readme-only", action="store_true", help="measure nothing; rewrite the README table "
                        "from results/bench.json (e.g. after a merge)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args(argv)

    if args.worker:  # a measurement in its own process (see worker())
        if args.worker == "throughput":
            variant, arrays, epochs, source = rest
            result = throughput_worker(variant, Path(arrays), int(epochs), source)
        else:
            result = capstone_worker(*(int(v) for v in rest))
        args.worker_out.write_text(json.dumps(result))
        return 0
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")

    try:
        if args.readme_only:
            if not BENCH_JSON.is_file():
                raise BenchError("no results/bench.json yet: run `make bench` first.")
            README.write_text(update_readme(README.read_text(), readme_table(json.loads(BENCH_JSON.read_text()))))
            print("rewrote the benchmark table in README.md from results/bench.json")
            return 0
        parts = parse_parts(args.only)
        profiles = [p.strip() for p in args.profiles.split(",") if p.strip()]
        if not set(profiles) <= {"smoke", "quick", "full"} or not profiles:
            raise BenchError(f"--profiles {args.profiles!r}: choose from smoke, quick, full.")
        if args.epochs < 2:
            raise BenchError("--epochs must be at least 2: the first epoch includes graph tracing.")
        if "throughput" in parts and args.cnn != "builtin":
            key, _, name = args.cnn.partition(":")
            if not name:
                raise BenchError(f"--cnn {args.cnn!r}: give 'builtin' or NOTEBOOK:MODEL_NAME, e.g. 02:first_cnn.")
            select([key])  # an unknown notebook stops here, naming the ones that exist
        if not args.no_readme:
            update_readme(README.read_text(), "")  # no markers: stop now, not after the measurements
        lock = None if args.no_lock else os.environ.get("COURSE_CPU_LOCK", DEFAULT_LOCK)
        bench = json.loads(BENCH_JSON.read_text()) if BENCH_JSON.is_file() else {}
        bench["machine"] = machine()
        BENCH_JSON.parent.mkdir(parents=True, exist_ok=True)
        if args.note is not None:
            bench["note"] = args.note
        print(f"waiting for the CPU lock {lock} ..." if lock else "not taking the CPU lock", flush=True)
        with cpu_lock(lock) as waited:
            print(f"got the lock after {waited:.0f} s", flush=True)
            for part in parts:
                print(f"[{part}]", flush=True)
                if part == "notebooks":  # rows are kept per notebook: a run of some notebooks keeps the others'
                    for profile, rows in bench_notebooks(args.notebooks, profiles).items():
                        bench.setdefault("notebooks", {}).setdefault(profile, {}).update(rows)
                elif part == "floor":
                    bench[part] = {"measured": now(), **bench_floor()}
                elif part == "throughput":
                    bench[part] = {"measured": now(), **bench_throughput(args.cnn, args.epochs)}
                else:
                    result = bench_capstone(args.capstone_images, args.capstone_size, CAPSTONE_EPOCHS)
                    bench[part] = {"measured": now(), **result}
                BENCH_JSON.write_text(json.dumps(bench, indent=2) + "\n")  # keep what is done if a later part fails
        print(f"wrote {BENCH_JSON.relative_to(ROOT)}")
        if not args.no_readme:
            README.write_text(update_readme(README.read_text(), readme_table(bench)))
            print("updated the benchmark table in README.md")
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
