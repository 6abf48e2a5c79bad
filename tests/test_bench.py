"""The benchmark script's plumbing (what it measures is a real run of `make bench`, never a timed test)."""

from __future__ import annotations

import fcntl
import json
import threading
import time

import bench
import pytest
from common import ROOT

SAMPLE = {
    "machine": {"cpu": "Some CPU", "cores": 2, "python": "3.11.7", "tensorflow": "2.21.0", "keras": "3.15.1"},
    "note": "A shared machine.",
    "notebooks": {
        "smoke": {"01_dense_baseline": {"seconds": 27.0, "status": "ok", "measured": "2026-01-02 10:00"}},
        "quick": {"01_dense_baseline": {"seconds": 47.0, "status": "ok", "measured": "2026-01-02 10:05"}},
    },
    "floor": {"measured": "2026-01-02 10:10", "repeats": 3, "kernel_start": {"median_seconds": 1.5},
              "kernel_and_tensorflow": {"median_seconds": 9.0}},
    "throughput": {"measured": "2026-01-02 10:20", "model": "classic_cnn", "params": 225034,
                   "course": {"images_per_second": 4500.0, "runs": [
                       {"epoch_seconds": [20.0, 12.0, 10.8], "trained_images_per_epoch": 54000}]},
                   "bare": {"images_per_second": 5000.0, "runs": [
                       {"epoch_seconds": [20.0, 12.0, 14.0], "trained_images_per_epoch": 60000},
                       {"epoch_seconds": [9.0, 13.0, 12.5], "trained_images_per_epoch": 60000}]},
                   "ratio_course_to_bare": 0.9},
    "capstone": {"measured": "2026-01-02 10:30", "images": 512, "size": 128, "epochs": 3,
                 "cached": {"total_seconds": 20.0, "extract_seconds": 18.0, "extract_images_per_second": 28.4,
                            "head_epoch_seconds": [1.0, 0.5, 0.7]},
                 "every_epoch": {"total_seconds": 55.0, "images_per_second": 27.9, "epoch_seconds": [21, 17, 17.4]},
                 "speedup": 2.75},
}


def test_parts_are_chosen_by_name_in_their_own_order():
    assert bench.parse_parts(None) == list(bench.PARTS)
    assert bench.parse_parts("throughput, floor") == ["floor", "throughput"]
    with pytest.raises(bench.BenchError, match="unknown part speed; choose from notebooks, floor"):
        bench.parse_parts("floor,speed")


def test_readme_table_shows_every_part():
    table = bench.readme_table(SAMPLE)
    assert "| 01_dense_baseline | 27 s | 47 s | 3.0x | 2026-01-02 10:05 |" in table
    assert "| (b) floor: kernel start + TensorFlow import | 9.0 s | 2026-01-02 10:10 |" in table
    # Best epochs: course 54,000 / 10.8 s = 5,000; bare 60,000 / 12.0 s = 5,000 (the first epoch never counts).
    assert "classic_cnn (225,034 parameters) trained the course's way, median (best) epoch | 4,500 (5,000)" in table
    assert "| (c) ratio course ÷ bare, median (best) | 0.90 (1.00) |" in table
    assert "| (d) each further epoch: head on cached features, or frozen base + head | 0.60 s or 17.2 s |" in table
    assert "| (d) speed-up of caching at 3 epochs | 2.8x |" in table
    assert "**Note.** A shared machine." in table


def test_readme_table_is_written_between_the_markers_only():
    text = f"# Course\n\nbefore\n{bench.BEGIN}\nold table\n{bench.END}\nafter\n"
    new = bench.update_readme(text, "new table\n")
    assert new == f"# Course\n\nbefore\n{bench.BEGIN}\nnew table\n{bench.END}\nafter\n"
    assert bench.update_readme(new, "new table\n") == new
    with pytest.raises(bench.BenchError, match="lacks the markers"):
        bench.update_readme("# Course\n", "table")


def test_the_course_readme_has_the_markers():
    bench.update_readme((ROOT / "README.md").read_text(), "")


def test_builtin_cnn_is_the_classic_architecture():
    model = bench.classic_cnn()
    by_formula = (3 * 3 * 1 + 1) * 32 + (3 * 3 * 32 + 1) * 64 + (5 * 5 * 64 + 1) * 128 + (128 + 1) * 10
    assert model.count_params() == by_formula == 225_034
    assert [type(layer).__name__ for layer in model.layers] == [
        "Conv2D", "MaxPooling2D", "Conv2D", "MaxPooling2D", "Flatten", "Dense", "Dense"]


def test_a_model_can_be_taken_from_a_notebooks_own_cell():
    model = bench.build_model("01:dense_baseline")
    recorded = json.loads((ROOT / "results" / "full" / "metrics.json").read_text())
    assert model.count_params() == recorded["01_dense_baseline"]["dense_baseline"]["params"]
    with pytest.raises(bench.BenchError, match="no code cell builds a model with that name"):
        bench.build_model("01:no_such_model")
    with pytest.raises(bench.BenchError, match="NOTEBOOK:MODEL_NAME"):
        bench.build_model("01")


def test_cpu_lock_waits_for_whoever_holds_it(tmp_path):
    lock = tmp_path / "cpu.lock"
    entered = threading.Event()

    def measure():
        with bench.cpu_lock(str(lock)):
            entered.set()

    with open(lock, "a") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        thread = threading.Thread(target=measure)
        thread.start()
        time.sleep(0.3)
        assert not entered.is_set()
        fcntl.flock(other, fcntl.LOCK_UN)
    thread.join(timeout=10)
    assert entered.is_set()


def test_bad_arguments_stop_before_measuring(capsys):
    assert bench.main(["--only", "speed"]) == 1
    assert "unknown part speed" in capsys.readouterr().err
    assert bench.main(["--only", "throughput", "--epochs", "1"]) == 1
    assert "at least 2" in capsys.readouterr().err
    assert bench.main(["--only", "notebooks", "--profiles", "fast"]) == 1
    assert "choose from smoke, quick, full" in capsys.readouterr().err
