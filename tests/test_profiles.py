"""Profiles and parameter validation: bad values fail at once, with the value and the allowed range."""

from __future__ import annotations

import json

import pytest

from helpers import checks, profiles

EPOCHS = {"smoke": 1, "quick": 3, "full": 20}


def settle(profile="full", **knobs):
    return profiles.settle("01_test", profile, EPOCHS, **knobs)[0]


def test_each_profile_fills_in_its_defaults():
    smoke, quick, full = settle("smoke"), settle("quick"), settle("full")
    assert (smoke.epochs, smoke.train_size, smoke.test_size) == (1, 2_000, 1_000)
    assert (quick.epochs, quick.train_size, quick.test_size) == (3, None, None)
    assert (full.epochs, full.train_size, full.test_size) == (20, None, None)


def test_explicit_knobs_win_over_the_profile():
    run = settle("smoke", epochs=4, train_size=500)
    assert (run.epochs, run.train_size) == (4, 500)


def test_course_profile_overrides_the_parameters_cell(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    run, origin = profiles.settle("01_test", "full", EPOCHS)
    assert run.profile == "smoke" and origin == "COURSE_PROFILE"


@pytest.mark.parametrize("bad", ["fast", "Full", "", None])
def test_unknown_profile_names_the_value_and_the_choices(bad):
    with pytest.raises(ValueError) as info:
        settle(bad)
    assert repr(bad) in str(info.value) and "'smoke', 'quick', 'full'" in str(info.value)


def test_bad_course_profile_says_where_it_came_from(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "slow")
    with pytest.raises(ValueError, match="'slow' \\(from the COURSE_PROFILE\\)"):
        settle("full")


@pytest.mark.parametrize(
    "knob, value, words",
    [
        ("epochs", 0, "EPOCHS = 0 is out of range: EPOCHS must be an integer from 1 to 1,000"),
        ("epochs", -3, "EPOCHS = -3 is out of range"),
        ("epochs", 2.5, "EPOCHS = 2.5 is not allowed"),
        ("epochs", True, "EPOCHS = True is not allowed"),
        ("epochs", "10", "EPOCHS = '10' is not allowed"),
        ("train_size", 60_001, "TRAIN_SIZE = 60,001 is out of range: TRAIN_SIZE must be an integer from 100 to 60,000"),
        ("train_size", 0, "TRAIN_SIZE = 0 is out of range"),
        ("batch_size", 0, "BATCH_SIZE = 0 is out of range"),
        ("seed", -1, "SEED = -1 is out of range"),
        ("test_size", 10_001, "TEST_SIZE = 10,001 is out of range: TEST_SIZE must be an integer from 1 to 10,000"),
        ("test_size", 0, "TEST_SIZE = 0 is out of range"),
    ],
)
def test_nonsensical_knobs_are_refused(knob, value, words):
    with pytest.raises(ValueError) as info:
        settle("full", **{knob: value})
    assert words in str(info.value)


def test_a_chosen_test_size_holds_under_every_profile():
    for profile in ("smoke", "quick", "full"):
        assert settle(profile, test_size=3_000).test_size == 3_000


def test_setup_prints_a_chosen_test_size(capsys):
    profiles.setup("07_test", "quick", EPOCHS, test_size=3_000)
    line = capsys.readouterr().out.splitlines()[0]
    assert "3 epochs, all training images, 3,000 test images, batch 128" in line, line


def test_cifar_sizes_bound_the_subset():
    with pytest.raises(ValueError, match="from 100 to 50,000"):
        profiles.settle("09_test", "full", EPOCHS, train_size=50_001, dataset="cifar100")


def test_check_choice_lists_the_choices():
    with pytest.raises(ValueError, match="PADDING = 'full' is not allowed: choose one of 'valid', 'same'"):
        checks.check_choice("PADDING", "full", ("valid", "same"))


def test_setup_seeds_and_prints_its_line_and_the_expected_time(capsys):
    run = profiles.setup("01_test", "smoke", EPOCHS, seed=7)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("expected time under smoke: not measured yet | to switch: PROFILE")
    line = lines[0]
    for part in ("01_test", "profile smoke", "1 epoch,", "2,000 training images", "seed 7", "TensorFlow 2.", "data: "):
        assert part in line, line
    assert run.data_source in line
    import numpy as np

    first = np.random.rand()
    profiles.setup("01_test", "smoke", EPOCHS, seed=7)
    capsys.readouterr()
    assert np.random.rand() == first  # the seed really was set


def write_times(root, bench=None, full=None):
    machine = {"cpu": "Test CPU", "cores": 2}
    if bench is not None:
        bench = {p: {nb: {"measured": "2026-12-02 14:25", **entry} for nb, entry in rows.items()}
                 for p, rows in bench.items()}
        (root / "results").mkdir(parents=True, exist_ok=True)
        (root / "results" / "bench.json").write_text(json.dumps({"machine": machine, "notebooks": bench}))
    if full is not None:  # as make reference writes it: the machine in each entry
        full = {nb: {"measured": "2026-12-01 10:40", **entry, "machine": machine} for nb, entry in full.items()}
        (root / "results" / "full").mkdir(parents=True, exist_ok=True)
        (root / "results" / "full" / "times.json").write_text(json.dumps({"notebooks": full}))


def test_the_expected_time_comes_from_the_bench_and_the_reference_run(tmp_path):
    write_times(tmp_path, bench={"smoke": {"07_x": {"seconds": 78.0, "status": "ok"}},
                                 "quick": {"07_x": {"seconds": 243.0, "status": "ok"}}},
                full={"07_x": {"seconds": 1930.5}})
    line = profiles.expected_time("07_x", "full", tmp_path)
    assert line.startswith("expected time under full: about 32 min (make reference of 2026-12-01 10:40 on a 2-core "
                           "Test CPU); smoke 78 s and quick 4 min (make bench, 2026-12-02) |")
    assert "COURSE_PROFILE=smoke|quick|full" in line
    assert profiles.expected_time("07_x", "smoke", tmp_path).startswith(
        "expected time under smoke: about 78 s (make bench of 2026-12-02 14:25 on a 2-core Test CPU); quick 4 min "
        "(make bench, 2026-12-02); full 32 min (make reference, 2026-12-01) |")
    assert profiles.measured_times("07_y", tmp_path) == {}
    assert "about 1 h 05 min" in profiles.expected_time(
        "07_x", "full", (write_times(tmp_path, full={"07_x": {"seconds": 3900}}), tmp_path)[1])


def test_a_failed_missing_or_corrupt_time_record_is_left_out(tmp_path):
    write_times(tmp_path, bench={"smoke": {"07_x": {"seconds": 78.0, "status": "FAILED in cell 3"}},
                                 "quick": {"07_x": {"seconds": "soon"}}})
    assert profiles.measured_times("07_x", tmp_path) == {}
    assert profiles.expected_time("07_x", "quick", tmp_path).startswith("expected time under quick: not measured yet")
    (tmp_path / "results" / "bench.json").write_text('{"machine": ')  # half-written
    write_times(tmp_path, full={"07_x": {"seconds": 120}})
    assert profiles.measured_times("07_x", tmp_path) == {
        "full": profiles.Measurement(120.0, "make reference", "2026-12-01 10:40", "a 2-core Test CPU")}


def test_each_time_names_the_machine_that_measured_it(tmp_path):
    write_times(tmp_path, bench={"quick": {"07_x": {"seconds": 243.0, "status": "ok"}}},
                full={"07_x": {"seconds": 1930.5}})
    times = json.loads((tmp_path / "results" / "full" / "times.json").read_text())
    times["notebooks"]["07_x"]["machine"] = {"cpu": "Other CPU", "cores": 4}
    (tmp_path / "results" / "full" / "times.json").write_text(json.dumps(times))
    assert profiles.expected_time("07_x", "full", tmp_path).startswith(
        "expected time under full: about 32 min (make reference of 2026-12-01 10:40 on a 4-core Other CPU); "
        "quick 4 min (make bench, 2026-12-02 on a 2-core Test CPU) |")


def test_a_run_of_a_notebook_starts_by_dropping_its_old_rows_and_keeps_the_others():
    import dataclasses

    from helpers import evaluate

    old = profiles.Run("05_test", "smoke", 1, None, None, 128, 42, "test data")
    evaluate.record_result(old, "wide_head_long", 0.9, 10, 1, 1.0)  # a model this notebook no longer trains
    evaluate.record_result(dataclasses.replace(old, notebook="04_other"), "kept", 0.8, 10, 1, 1.0)
    profiles.setup("05_test", "smoke", EPOCHS)
    results = evaluate.load_results("smoke")
    assert "05_test" not in results and results["04_other"]["kept"]["test_accuracy"] == 0.8
