"""The benchmark's plumbing and its page (what it measures is a real run of `make bench`, never a timed test)."""

from __future__ import annotations

import copy
import json
import subprocess

import pytest

from tools import bench, bench_docs
from tools.common import NOTEBOOK_DIR, ROOT

SAMPLE = {
    "machine": {"cpu": "Some CPU", "cores": 2, "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1"},
    "note": "A shared machine.",
    "notebooks": {
        "smoke": {"01_dense_baseline": {"seconds": 27.0, "status": "ok", "measured": "2026-01-02 10:00",
                                        "models": {"dense_baseline": {"epochs": 1, "train_seconds": 2.0}}},
                  "07_regularization": {"seconds": 60.0, "status": "FAILED in cell 9: ValueError: x",
                                        "measured": "2026-01-02 10:01", "models": {}}},
        "quick": {"01_dense_baseline": {"seconds": 47.0, "status": "ok", "measured": "2026-01-02 10:05",
                                        "models": {"dense_baseline": {"epochs": 5, "train_seconds": 20.0}}},
                  "07_regularization": {"seconds": 300.0, "status": "ok", "measured": "2026-01-02 10:10"}},
    },
    "smoke-least": {"01_dense_baseline": {"seconds": 20.0, "status": "ok", "smoke_seconds": 25.0,
                                          "smoke_status": "ok", "measured": "2026-01-02 10:15"},
                    "07_regularization": {"seconds": 40.0, "status": "ok", "smoke_seconds": 80.0,
                                          "smoke_status": "FAILED in cell 3: E", "measured": "2026-01-02 10:16"}},
    "startup": {"measured": "2026-01-02 10:20", "repeats": 3, "kernel_start": {"median_seconds": 1.5},
              "kernel_and_tensorflow": {"median_seconds": 9.0}},
    "side-by-side": {"measured": "2026-01-02 10:30", "fraction": 0.5, "measured_epochs": 3, "ratio": 0.85,
                     "07_best": {"model": "regularized", "params": 500_000, "images": 27_000, "batch_size": 128,
                                 "seconds_per_epoch": 37.0, "epochs": 12, "projected_seconds": 444.0},
                     "seed_deeper_cnn": {"model": "seed_deeper_cnn", "params": 300_000, "images": 24_000,
                                         "batch_size": 64, "seconds_per_epoch": 20.1, "epochs": 26,
                                         "projected_seconds": 522.6}},
}


def test_parts_are_chosen_by_name_in_their_own_order():
    assert bench.parse_parts(None) == list(bench.PARTS)
    assert bench.parse_parts("side-by-side, startup") == ["startup", "side-by-side"]
    with pytest.raises(bench.BenchError,
                       match="unknown part speed; choose from notebooks, smoke-least, startup, side-by-side, "
                             "best-model"):
        bench.parse_parts("startup,speed")


def test_the_page_shows_every_part_and_the_budgets():
    page = bench_docs.page(SAMPLE)
    assert page.startswith("# Benchmarks\n")
    assert "| 01_dense_baseline | 27 s | 47 s | 3.0x | 2026-01-02 10:05, Some CPU |" in page
    assert "| 07_regularization | 60 s | 300 s | 6.7x | 2026-01-02 10:10, Some CPU (failed: smoke) |" in page
    assert "| **all 2** | 87 s | 347 s | | |" in page
    assert "Quick: 347 s for 2 notebooks (budget 1,200 s), the slowest 07_regularization at 300 s" in page
    assert "Smoke: 87 s, 4.8 times the start-up time of 2 notebooks (2 x 9.0 s; reported, without a budget)." in page
    assert "| 01_dense_baseline | dense_baseline | 1 x 2.0 s | 5 x 4.0 s |" in page
    assert "| kernel start + TensorFlow import | 9.0 s | 2026-01-02 10:20, Some CPU |" in page
    assert "### Some CPU" in page and "**0.85**" in page
    assert "| 07's best model (`regularized`) | 500,000 | 54,000 | 128 | float32 | 37.0 s | 12 | 7.4 min | – |" \
        in page
    seed_row = ("| the seed's deeper CNN (`seed_deeper_cnn`) | 300,000 | 48,000 | 64 | float32 | 20.1 s | 26 | "
                "8.7 min | – |")
    assert seed_row in page
    assert "07 ÷ seed: **0.85**" in page and "Measured on 50% of the images" in page
    assert "**Note.** A shared machine." in page
    assert "| 01_dense_baseline | 25 s | 20 s | 0.80 | 2.2x | 2026-01-02 10:15, Some CPU |" in page
    assert ("| 07_regularization | 80 s | 40 s | 0.50 | 4.4x | 2026-01-02 10:16, Some CPU "
            "(failed: as it is: FAILED in cell 3: E) |") in page
    assert "| **all 2** | 105 s | 60 s | 0.57 | | |" in page
    assert ("At its least the smoke series takes 60 s, 3.3 times the start-up time of 2 notebooks (2 x 9.0 s): the "
            "part of the smoke time that smaller data cannot remove") in page


def test_the_least_figure_follows_the_measurements():
    faster = copy.deepcopy(SAMPLE)
    faster["smoke-least"]["07_regularization"]["seconds"] = 30.0
    assert "takes 50 s, 2.8 times the start-up time of 2 notebooks (2 x 9.0 s): the part" in bench_docs.page(faster)


def test_the_page_of_an_empty_bench_is_the_introduction():
    assert bench_docs.page({}) == bench_docs.INTRO.rstrip() + "\n\n## Latest figures\n"


def test_bad_arguments_stop_before_measuring(capsys):
    for argv, words in ((["--only", "speed"], "unknown part speed"), (["--epochs", "1"], "at least 2"),
                        (["--profiles", "fast"], "choose from smoke, quick, full"),
                        (["--fraction", "0"], "above 0 and at most 1")):
        assert bench.main(argv) == 1
        assert words in capsys.readouterr().err
    with pytest.raises(SystemExit, match="No notebook matches 99"):
        bench.main(["--notebooks", "99"])


def all_docs() -> dict:
    return {nb.stem: json.loads(nb.read_text()) for nb in sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))}


def test_least_runs_every_notebook_with_knobs_it_has():
    docs = all_docs()
    assert bench.least_problems(docs) == [] and set(bench.LEAST) == set(docs)


def test_least_names_a_knob_a_notebook_lost_and_a_notebook_it_lacks():
    docs = all_docs()
    for cell in docs["07_regularization"]["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = "".join(cell["source"]).replace("BEST_SIZE = None", "FINAL_SIZE = None")
    docs["10_new_notebook"] = docs.pop("08_kernel_dissection") | {}
    assert bench.least_problems(docs) == [
        "LEAST in tools/bench.py names 08_kernel_dissection, which is not a notebook",
        "LEAST sets BEST_SIZE for 07_regularization, whose parameters cell has no BEST_SIZE",
        "10_new_notebook has no entry in LEAST in tools/bench.py",
    ]


def test_figures_of_the_older_flat_form_become_their_machines_entry():
    bench_json = copy.deepcopy(SAMPLE)
    kept = bench.per_machine(bench_json, "side-by-side")
    assert list(kept) == ["Some CPU"] and kept["Some CPU"]["ratio"] == 0.85
    kept["Other CPU"] = {"ratio": 0.7}
    assert set(bench.per_machine(bench_json, "side-by-side")) == {"Some CPU", "Other CPU"}
    assert bench.per_machine(bench_json, "best-model") == {}


def test_make_bench_holds_the_cpu_lock():
    done = subprocess.run(["make", "-n", "bench", "ONLY=startup"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "flock /tmp/course-cpu.lock .venv/bin/python tools/bench.py --only startup" in done.stdout


def test_a_run_of_every_part_drops_the_last_runs_note_and_a_partial_run_keeps_it():
    old = {"note": "A shared machine.", "startup": {"x": 1}, "notebooks": {}, "machine": {"cpu": "old"}}
    assert bench.carried_over(old, list(bench.PARTS), None) == {"startup": {"x": 1, "machine": {"cpu": "old"}},
                                                                 "notebooks": {}}
    assert bench.carried_over(old, ["startup"], None)["note"] == "A shared machine."
    assert bench.carried_over(old, list(bench.PARTS), "Quiet.")["note"] == "Quiet."


def test_a_partial_run_on_another_machine_keeps_every_figure_with_the_machine_that_measured_it():
    """A run of one part on another kind of machine once relabelled the last run's figures with its own CPU and
    dropped the other machine's side-by-side: each figure now carries its machine, whatever runs next."""
    old = copy.deepcopy(SAMPLE)
    other = {**SAMPLE["machine"], "cpu": "Other CPU"}
    kept = bench.carried_over(old, ["side-by-side"], None) | {"machine": other}
    bench.per_machine(kept, "side-by-side")["Other CPU"] = {**SAMPLE["side-by-side"], "ratio": 0.93}
    bench.label_machines(kept, other)
    assert set(kept["side-by-side"]) == {"Some CPU", "Other CPU"}
    assert kept["side-by-side"]["Some CPU"]["ratio"] == 0.85
    assert kept["notebooks"]["quick"]["01_dense_baseline"]["machine"]["cpu"] == "Some CPU"
    assert kept["smoke-least"]["07_regularization"]["machine"]["cpu"] == "Some CPU"
    assert kept["startup"]["machine"]["cpu"] == "Some CPU"
    page = bench_docs.page(kept)
    assert "### Some CPU" in page and "### Other CPU" in page and "**0.93**" in page
    assert "| 01_dense_baseline | 27 s | 47 s | 3.0x | 2026-01-02 10:05, Some CPU |" in page
    assert "The last run of the bench: 2 cores (Other CPU)" in page
    fresh = bench.label_machines({"notebooks": {"quick": {"01_dense_baseline": {"seconds": 1.0}}}}, other)
    assert fresh["notebooks"]["quick"]["01_dense_baseline"]["machine"]["cpu"] == "Other CPU"


def test_the_page_names_a_cpu_briefly():
    assert bench_docs.short_cpu({"cpu": "Intel(R) Xeon(R) Processor"}) == "Intel Xeon"
    assert bench_docs.short_cpu({"cpu": "AMD EPYC 7B13 64-Core Processor"}) == "AMD EPYC 7B13"
    assert bench_docs.short_cpu({"cpu": "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz"}) == "Intel Core i7-8650U"
    assert bench_docs.short_cpu(None) == "unknown machine"
