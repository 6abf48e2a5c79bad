"""Run profiles and the one setup call that starts every notebook."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from helpers.checks import check_choice, check_int, knob
from helpers.data import DATASET_SIZES, choose_data
from helpers.paths import PROJECT_ROOT

# The validators a notebook uses come from helpers.checks; settle() below uses them too.
__all__ = ["PROFILES", "Measurement", "Run", "duration", "expected_time", "measured_times", "quiet_tensorflow",
           "settle", "setup"]

# What each profile is for is said once, in the README's table of profiles.
PROFILES = ("smoke", "quick", "full")
# Where the course records how long each notebook takes: `make bench` measures smoke and quick,
# `make reference` (the run whose outputs the notebooks show) measures full.
TIMES_FILES = {"smoke": Path("results/bench.json"), "quick": Path("results/bench.json"),
               "full": Path("results/full/times.json")}
TIMES_COMMANDS = {"smoke": "make bench", "quick": "make bench", "full": "make reference"}
# The smoke profile's subset; quick and full use every image.
SMOKE_TRAIN_SIZE = 2_000
SMOKE_TEST_SIZE = 1_000
# The fewest training images a notebook runs with: 10% of them validate, the rest train in batches.
MIN_TRAIN_SIZE = 100
WHY_MIN_TRAIN = (f"the notebooks hold out 10% of the training images for validation and train on the rest in "
                 f"batches, which needs at least {MIN_TRAIN_SIZE} images")


@dataclass(frozen=True)
class Run:
    """The settings one notebook run uses, after the profile has filled in the blanks."""

    notebook: str
    profile: str
    epochs: int
    train_size: int | None  # None: all training images
    test_size: int | None  # None: all test images
    batch_size: int
    seed: int
    data_source: str
    data_copy: object = None  # the verified copy that data_source names, where a loader needs it (capstone)
    dataset: str = "fashion-mnist"


def quiet_tensorflow() -> None:
    """Import TensorFlow with the process's stderr closed, so no start-up notice reaches a notebook.

    TF_CPP_MIN_LOG_LEVEL=3 hides TensorFlow's C++ log, but not the oneDNN notice,
    which is written before logging starts. Python errors still raise as usual.
    """
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@dataclass(frozen=True)
class Measurement:
    """One measured wall time of a notebook under one profile, and which measurement it is."""

    seconds: float
    command: str  # what measured it: "make bench" or "make reference"
    measured: str  # when, "2026-12-02 14:25"
    machine: str  # "a 2-core AMD EPYC"

    @property
    def source(self) -> str:
        """The measurement named, e.g. "make reference of 2026-12-02 10:40"."""
        return f"{self.command} of {self.measured}"


def measured_times(notebook: str, root: Path = PROJECT_ROOT) -> dict[str, Measurement]:
    """The notebook's last measured wall time under each profile, each naming its measurement.

    The one source of every expected time the course shows: each notebook's setup line, and the
    README's tables (tools/readme_times.py). Profiles never measured (or whose file is missing or
    unreadable) are left out: the time is a guide for planning, and a notebook must run without it.
    """
    times, records = {}, {}
    for profile, name in TIMES_FILES.items():
        try:
            if name not in records:  # smoke and quick share bench.json: read it once
                records[name] = json.loads((root / name).read_text())
            record = records[name]
            runs = record["notebooks"][profile] if name.name == "bench.json" else record["notebooks"]
            entry = runs[notebook]
            cpu = entry.get("machine") or record["machine"]  # the reference run's file names it per notebook
            if entry.get("status", "ok") == "ok":
                times[profile] = Measurement(float(entry["seconds"]), TIMES_COMMANDS[profile],
                                             str(entry["measured"]), f"a {cpu['cores']}-core {cpu['cpu']}")
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return times


def duration(seconds: float) -> str:
    """A wall time as the course shows it: seconds under 90 s, else minutes (and hours)."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


def expected_time(notebook: str, profile: str, root: Path = PROJECT_ROOT) -> str:
    """One line for a learner: how long this notebook takes under its profile and the others, which measurement
    says so (date and machine), and how to switch. The README's tables show the same figures."""
    times = measured_times(notebook, root)
    switch = "to switch: PROFILE in the parameters cell, or COURSE_PROFILE=smoke|quick|full"
    if profile not in times:
        return f"expected time under {profile}: not measured yet | {switch}"
    own = times[profile]
    groups: dict[str, list[str]] = {}  # the other profiles, by the measurement (command, day, machine) they come from
    for name, m in times.items():
        if name != profile:
            where = "" if m.machine == own.machine else f" on {m.machine}"
            groups.setdefault(f"{m.command}, {m.measured[:10]}{where}", []).append(f"{name} {duration(m.seconds)}")
    others = "; ".join(f"{' and '.join(shown)} ({source})" for source, shown in groups.items())
    return (f"expected time under {profile}: about {duration(own.seconds)} ({own.source} on {own.machine})"
            + (f"; {others}" if others else "") + f" | {switch}")


def resolve_profile(profile: str) -> tuple[str, str]:
    """The profile to use and where it came from; COURSE_PROFILE overrides the notebook."""
    origin = "parameters cell"
    if os.environ.get("COURSE_PROFILE"):
        profile, origin = os.environ["COURSE_PROFILE"], "COURSE_PROFILE"
    if profile not in PROFILES:
        raise ValueError(
            f"Unknown profile {profile!r} (from the {origin}). "
            f"Allowed: {', '.join(repr(p) for p in PROFILES)}."
        )
    return profile, origin


def settle(
    notebook: str,
    profile: str,
    epochs_by_profile: dict[str, int],
    epochs: int | None = None,
    train_size: int | None = None,
    batch_size: int = 128,
    seed: int = 42,
    dataset: str = "fashion-mnist",
    smoke_sizes: tuple[int, int] = (SMOKE_TRAIN_SIZE, SMOKE_TEST_SIZE),
    test_size: int | None = None,
) -> tuple[Run, str]:
    """Validate the parameters and fill in the profile's defaults, before anything heavy runs."""
    profile, origin = resolve_profile(profile)
    if set(epochs_by_profile) != set(PROFILES):
        raise ValueError(
            f"epochs_by_profile needs exactly the keys {sorted(PROFILES)}, got {sorted(epochs_by_profile)}."
        )
    n_train, n_test = DATASET_SIZES[check_choice("dataset", dataset, tuple(DATASET_SIZES))]
    epochs = knob("EPOCHS", epochs, epochs_by_profile, profile, 1, 1_000)
    if not (isinstance(smoke_sizes, tuple | list) and len(smoke_sizes) == 2):
        raise ValueError(f"smoke_sizes = {smoke_sizes!r} is not allowed: give (training images, test images) "
                         "of the smoke profile, e.g. (2_000, 1_000).")
    smoke_train = _train_size("smoke_sizes' training images", smoke_sizes[0], n_train)
    smoke_test = check_int("smoke_sizes' test images", smoke_sizes[1], 1, n_test)
    if train_size is None and profile == "smoke":
        train_size = smoke_train
    elif train_size is not None:
        train_size = _train_size("TRAIN_SIZE", train_size, n_train)
    batch_size = check_int("BATCH_SIZE", batch_size, 1, n_train)
    seed = check_int("SEED", seed, 0, 2**32 - 1)
    if test_size is None:
        test_size = smoke_test if profile == "smoke" else None
    else:
        test_size = check_int("TEST_SIZE", test_size, 1, n_test)
    run = Run(notebook, profile, epochs, train_size, test_size, batch_size, seed, data_source="", dataset=dataset)
    return run, origin


def _train_size(name: str, value: object, most: int) -> int:
    """A number of training images, checked against the least a notebook runs with and the data set's size."""
    try:
        return check_int(name, value, MIN_TRAIN_SIZE, most)
    except ValueError as exc:
        raise ValueError(f"{exc} The least is {MIN_TRAIN_SIZE}: {WHY_MIN_TRAIN}.") from None


def setup(notebook: str, profile: str, epochs_by_profile: dict[str, int], **knobs) -> Run:
    """Validate parameters, seed everything, set plot defaults, find the data; print the run and its expected time.

    knobs are settle()'s: epochs, train_size, batch_size, seed, dataset, and smoke_sizes, the
    (training, test) images of the smoke profile, for notebooks whose models are slow; test_size,
    for a notebook that chooses its test images under every profile, overrides smoke_sizes' second.
    """
    run, origin = settle(notebook, profile, epochs_by_profile, **knobs)

    quiet_tensorflow()
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(run.seed)
    tf.config.experimental.enable_op_determinism()

    from helpers import plots  # here, not at the top: tools import PROFILES without matplotlib and plotly

    plots.set_defaults()
    from helpers.evaluate import forget_notebook

    forget_notebook(run.profile, notebook)  # this run records all of its models afresh
    source, copy, test_size = choose_data(run.dataset, run.profile, run.train_size, run.test_size)
    run = replace(run, data_source=source, data_copy=copy, test_size=test_size)

    size = f"{run.train_size:,} training images" if run.train_size else "all training images"
    if run.test_size:
        size += f", {run.test_size:,} test images"
    where = "" if origin == "parameters cell" else f" (from {origin})"
    print(
        f"{notebook} | profile {run.profile}{where}: {run.epochs} epoch{'s' * (run.epochs != 1)}, {size}, "
        f"batch {run.batch_size} | seed {run.seed}, deterministic ops | "
        f"TensorFlow {tf.__version__}, Keras {keras.__version__}, Python {platform.python_version()} | "
        f"data: {source}"
    )
    print(expected_time(notebook, run.profile))
    return run
