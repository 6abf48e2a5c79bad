"""Each knob's defaults are written twice in a notebook: in its parameters cell's comment, for the reader, and in
the setup cell's code (a knob(...) table, epochs_by_profile, helpers.setup's smoke sizes). The two must agree.

The test runs each notebook's own parameters and setup cells under each profile, cut where helpers.setup would
start the slow work, records what every knob comes out as, and compares it with what the comment says.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import helpers
from helpers import checks, profiles
from helpers.data import DATASET_SIZES
from tools.cells import PARAMETERS_TAG, code_cells, source, tags
from tools.common import all_notebooks

NOTEBOOKS = all_notebooks()
# "(smoke 2,000 images, quick and full all 60,000)": each profile named, then its value.
NUMBER = r"\d{1,3}(?:,\d{3})+|\d+"
DEFAULT = re.compile(rf"\b(smoke|quick|full)((?: and (?:smoke|quick|full))*) (all(?: ({NUMBER}))?|({NUMBER}))")
DECIDES = re.compile(r"^(\w+) = None\s*#.*?the profile decides \(([^)]*)\)", re.MULTILINE)


class ReachedSetup(Exception):
    """Raised where helpers.setup would start the slow work."""


def setup_cells(doc: dict) -> tuple[str, str]:
    """The parameters cell's source and the setup cell's (the code cell after it)."""
    cells = [cell for _, cell in code_cells(doc)]
    at = next(i for i, c in enumerate(cells) if PARAMETERS_TAG in tags(c))
    return source(cells[at]), source(cells[at + 1])


def effective_defaults(doc: dict, profile: str, monkeypatch) -> dict[str, int | None]:
    """What each knob left at None comes out as under one profile (None: all the images)."""
    parameters, setup = setup_cells(doc)
    chosen: dict[str, int | None] = {}
    real_knob = checks.knob

    def knob(name, value, by_profile, profile_, low, high=None):
        chosen[name] = real_knob(name, value, by_profile, profile_, low, high)
        return chosen[name]

    def setup_call(notebook, profile_, epochs_by_profile, **kwargs):
        run, _ = profiles.settle(notebook, profile_, epochs_by_profile, **kwargs)
        chosen.setdefault("EPOCHS", run.epochs)
        chosen.setdefault("TRAIN_SIZE", run.train_size)
        chosen.setdefault("TEST_SIZE", run.test_size)
        chosen.setdefault("BATCH_SIZE", run.batch_size)
        chosen["dataset"] = kwargs.get("dataset", "fashion-mnist")
        raise ReachedSetup

    monkeypatch.setattr(checks, "knob", knob)
    monkeypatch.setattr(profiles, "knob", knob)  # where notebooks 02, 05, 06, 08 and 09 still import it from
    monkeypatch.setattr(helpers, "setup", setup_call)
    namespace: dict = {}
    exec(parameters, namespace)
    namespace["PROFILE"] = profile
    with pytest.raises(ReachedSetup):
        exec(setup, namespace)
    return chosen


def said(comment: str) -> dict[str, tuple[str, int | None]]:
    """Profile -> what the comment says its default is: ("all", N or None) or ("n", N)."""
    values = {}
    for m in DEFAULT.finditer(comment):
        profiles_named = [m.group(1), *re.findall(r"smoke|quick|full", m.group(2))]
        value = ("all", _int(m.group(4))) if m.group(3).startswith("all") else ("n", _int(m.group(5)))
        values.update(dict.fromkeys(profiles_named, value))
    return values


def _int(text: str | None) -> int | None:
    return None if text is None else int(text.replace(",", ""))


def disagreements(doc: dict, monkeypatch) -> list[str]:
    """Where a parameters cell's comment and the code disagree on a knob's default."""
    parameters, _ = setup_cells(doc)
    comments = {name: said(text) for name, text in DECIDES.findall(parameters)}
    found = []
    for profile in profiles.PROFILES:
        actual = effective_defaults(doc, profile, monkeypatch)
        everything = DATASET_SIZES[actual["dataset"]]
        for name, values in comments.items():
            if profile not in values:
                found.append(f"{name}: the comment gives no default for {profile}")
                continue
            kind, number = values[profile]
            value = actual.get(name, "not set by the code")
            if kind == "all":
                ok = value is None and number in (None, *everything) or (number is not None and value == number)
            else:
                ok = value == number
            if not ok:
                shown = "all" if value is None else f"{value:,}" if isinstance(value, int) else value
                written = "all" + (f" {number:,}" if number else "") if kind == "all" else f"{number:,}"
                found.append(f"{name}: the comment says {profile} {written}, the code gives {shown}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_parameters_comment_states_the_defaults_the_code_uses(path, monkeypatch):
    doc = json.loads(path.read_text())
    assert disagreements(doc, monkeypatch) == []  # a notebook without such knobs has nothing to disagree on


def test_a_comment_that_drifted_from_the_code_is_found(monkeypatch):
    path = Path(NOTEBOOKS[0])
    doc = json.loads(path.read_text())
    parameters = next(cell for _, cell in code_cells(doc) if PARAMETERS_TAG in tags(cell))
    text = source(parameters)
    epochs = said(dict(DECIDES.findall(text))["EPOCHS"])["full"][1]
    parameters["source"] = re.sub(rf"full {epochs}\b", f"full {epochs + 1}", text, count=1)
    assert disagreements(doc, monkeypatch) == [f"EPOCHS: the comment says full {epochs + 1}, the code gives {epochs}"]


def test_the_comment_is_read_as_a_reader_reads_it():
    assert said("smoke 2,000 images, quick 18,000, full all 60,000") == {
        "smoke": ("n", 2000), "quick": ("n", 18000), "full": ("all", 60000)}
    assert said("smoke 32, so that its short run learns; quick and full 128") == {
        "smoke": ("n", 32), "quick": ("n", 128), "full": ("n", 128)}
    assert said("smoke 800 images and 200 test images, quick and full all of them") == {
        "smoke": ("n", 800), "quick": ("all", None), "full": ("all", None)}
