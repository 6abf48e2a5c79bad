"""Knob validators: the profile's default only for None, every other value checked, never replaced."""

from __future__ import annotations

import json
import re

import pytest

from helpers import checks, profiles
from helpers.checks import check_int, knob
from tools.cells import code_cells, source
from tools.common import all_notebooks

HEAD_EPOCHS = {"smoke": 2, "quick": 15, "full": 40}


def test_none_takes_the_profiles_value():
    assert [knob("HEAD_EPOCHS", None, HEAD_EPOCHS, p, 1, 1_000) for p in ("smoke", "quick", "full")] == [2, 15, 40]


def test_a_given_value_wins_over_the_profile():
    assert knob("HEAD_EPOCHS", 3, HEAD_EPOCHS, "full", 1, 1_000) == 3


@pytest.mark.parametrize(
    "value, words",
    [
        (0, "HEAD_EPOCHS = 0 is out of range: HEAD_EPOCHS must be an integer from 1 to 1,000"),
        (1_001, "HEAD_EPOCHS = 1,001 is out of range"),
        (2.0, "HEAD_EPOCHS = 2.0 is not allowed"),
        (False, "HEAD_EPOCHS = False is not allowed"),
    ],
)
def test_zero_and_other_bad_values_are_refused_not_replaced(value, words):
    with pytest.raises(ValueError) as info:
        knob("HEAD_EPOCHS", value, HEAD_EPOCHS, "full", 1, 1_000)
    assert words in str(info.value)


def test_a_profile_missing_from_the_table_is_named():
    with pytest.raises(ValueError, match="HEAD_EPOCHS has no default for the profile 'quick'.*Add 'quick'"):
        knob("HEAD_EPOCHS", None, {"smoke": 1, "full": 4}, "quick", 1, 1_000)


def test_a_default_out_of_range_is_caught_too():
    with pytest.raises(ValueError, match="TRAIN_SIZE \\(the smoke profile's default\\) = 50 is out of range"):
        knob("TRAIN_SIZE", None, {"smoke": 50, "quick": 500, "full": 500}, "smoke", 100, 60_000)


def test_check_int_without_upper_bound():
    assert check_int("N", 10**9, 1) == 10**9
    with pytest.raises(ValueError, match="N must be an integer of at least 1"):
        check_int("N", 0, 1)


VALIDATORS = ("check_choice", "check_int", "knob")


def validators_from_elsewhere(code: str) -> list[str]:
    """Validators a notebook's code imports from anywhere but helpers.checks."""
    imports = re.findall(r"^from (helpers\.\w+) import ([^\n#]+)", code, re.MULTILINE)
    return [f"{name} from {module}" for module, names in imports if module != "helpers.checks"
            for name in re.split(r"[,\s]+", names.strip()) if name in VALIDATORS]


def test_notebooks_take_their_validators_from_helpers_checks():
    found = {}
    for path in all_notebooks():
        code = "\n".join(source(cell) for _, cell in code_cells(json.loads(path.read_text())))
        if validators_from_elsewhere(code):
            found[path.stem] = validators_from_elsewhere(code)
    assert found == {}, "import these from helpers.checks, the one place that offers them"


def test_the_import_check_sees_a_validator_from_profiles():
    code = "from helpers.profiles import check_int, resolve_profile\nfrom helpers.checks import knob\n"
    assert validators_from_elsewhere(code) == ["check_int from helpers.profiles"]
    assert "check_int" not in profiles.__all__ and set(VALIDATORS) <= set(checks.__dict__)
