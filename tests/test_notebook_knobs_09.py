"""Notebook 09's knobs: every bad value stops in the setup cell with a message naming the knob and what is allowed.

The test runs the notebook's own parameters and setup cells, cut where the setup call would start
the slow work (TensorFlow, the data): helpers.setup is replaced by its validation part, followed by
a marker exception. A bad knob must raise a ValueError before that marker; good knobs reach it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import helpers
from helpers.profiles import settle
from tools.cells import PARAMETERS_TAG, code_cells, source, tags

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "09_capstone_cifar100_resnet50.ipynb"
CHECK_LINE = "    knob(name, value, STAGE_KNOBS[name], profile, 1, 1_000) for name, value in knobs.items()"


class ReachedSetup(Exception):
    """Raised where the real setup would start the slow work: every knob was accepted."""


def setup_cells() -> tuple[str, str]:
    """The source of the parameters cell and of the code cell after it (the setup cell)."""
    cells = [cell for _, cell in code_cells(json.loads(NOTEBOOK.read_text()))]
    at = next(i for i, c in enumerate(cells) if PARAMETERS_TAG in tags(c))
    return source(cells[at]), source(cells[at + 1])


def validation_only(*args, **kwargs):
    """helpers.setup's checks without its slow part, then the marker."""
    settle(*args, **kwargs)
    raise ReachedSetup


@pytest.fixture
def run_setup(monkeypatch):
    """Run the parameters cell, override some knobs, then the setup cell (up to the slow part)."""
    monkeypatch.delenv("COURSE_PROFILE", raising=False)
    monkeypatch.setattr(helpers, "setup", validation_only)
    parameters, setup = setup_cells()

    def run(setup_source: str = setup, **knobs) -> None:
        namespace: dict = {}
        exec(parameters, namespace)
        namespace.update(knobs)
        exec(setup_source, namespace)

    return run


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"HEAD_EPOCHS": 0}, r"HEAD_EPOCHS = 0 is out of range: HEAD_EPOCHS must be an integer from 1 to 1,000"),
        ({"FINE_TUNE_EPOCHS": 0}, r"FINE_TUNE_EPOCHS = 0 is out of range"),
        ({"RESIDUAL_EPOCHS": -1}, r"RESIDUAL_EPOCHS = -1 is out of range"),
        ({"RESIDUAL_SEEDS": 0}, r"RESIDUAL_SEEDS = 0 is out of range"),
        ({"HEAD_EPOCHS": 2.5}, r"HEAD_EPOCHS = 2.5 is not allowed: HEAD_EPOCHS must be an integer"),
        ({"TRAIN_SIZE": 1}, r"TRAIN_SIZE = 1 is out of range: TRAIN_SIZE must be an integer from 200 to 50,000"),
        ({"TRAIN_SIZE": 60_000}, r"TRAIN_SIZE = 60,000 is out of range"),
        ({"TRAIN_SIZE": "all"}, r"TRAIN_SIZE = 'all' is not allowed"),
        ({"IMAGE_SIZE": 65}, r"IMAGE_SIZE = 65 is not allowed: choose one of 32, 64"),
        ({"UNFREEZE": "conv4"}, r"UNFREEZE = 'conv4' is not allowed: choose one of 'conv5_block3', 'conv5'"),
        ({"DISTRIBUTE": "two"}, r"DISTRIBUTE = 'two' is not allowed: choose one of 'auto', 'mirrored', 'off'"),
        ({"EPOCHS": 0}, r"EPOCHS = 0 is out of range"),
        ({"BATCH_SIZE": 0}, r"BATCH_SIZE = 0 is out of range"),
        ({"SEED": -1}, r"SEED = -1 is out of range"),
        ({"PROFILE": "fast"}, r"Unknown profile 'fast'"),
    ],
)
def test_a_bad_knob_stops_in_the_setup_cell(run_setup, knobs, message):
    with pytest.raises(ValueError, match=message):
        run_setup(**knobs)


@pytest.mark.parametrize(
    "knobs",
    [{}, {"HEAD_EPOCHS": 1, "FINE_TUNE_EPOCHS": 1, "RESIDUAL_EPOCHS": 1, "RESIDUAL_SEEDS": 5}, {"TRAIN_SIZE": 200},
     {"DISTRIBUTE": "off"}],
)
def test_good_knobs_reach_the_setup_call(run_setup, knobs):
    with pytest.raises(ReachedSetup):
        run_setup(**knobs)


def test_the_test_bites_when_the_check_is_removed(run_setup):
    _, setup = setup_cells()
    assert setup.count(CHECK_LINE) == 1
    unchecked = "    value or STAGE_KNOBS[name][profile] for name, value in knobs.items()"  # 0 becomes the default
    with pytest.raises(ReachedSetup):  # HEAD_EPOCHS = 0 silently becomes the profile's default again
        run_setup(setup.replace(CHECK_LINE, unchecked), HEAD_EPOCHS=0)
