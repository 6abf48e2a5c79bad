"""Notebook 07's best model on the bench: composed from 07's own cells, timed, and its throughput counted."""

from __future__ import annotations

import copy
import json

import nbformat
import numpy as np
import pytest

from tools import bench_best, bench_docs, throughput
from tools.common import NOTEBOOK_DIR, ROOT


def test_the_seed_cnn_is_two_conv_blocks_with_batch_norm_and_dropout():
    model = bench_best.seed_deeper_cnn()
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "BatchNormalization"] * 2 + ["MaxPooling2D", "Dropout"] + \
        ["Conv2D", "BatchNormalization"] * 2 + ["MaxPooling2D", "Dropout", "Flatten", "Dense", "BatchNormalization",
                                                 "Dropout", "Dense"]
    convs = (9 * 1 + 1) * 32 + (9 * 32 + 1) * 32 + (9 * 32 + 1) * 64 + (9 * 64 + 1) * 64
    norms = 4 * (32 + 32 + 64 + 64 + 128)
    assert model.count_params() == convs + norms + (7 * 7 * 64 + 1) * 128 + (128 + 1) * 10


def notebook_07() -> dict:
    return json.loads((NOTEBOOK_DIR / f"{bench_best.SIDE_NOTEBOOK}.ipynb").read_text())


def test_the_side_by_side_runs_07s_tagged_cells_as_they_are(tmp_path):
    doc = notebook_07()
    assert bench_best.best_model_drift(doc) is None
    composed = bench_best.side_by_side_notebook(doc, 3, tmp_path / "t.json")
    tagged = [c for c in doc["cells"] if {"parameters", "bench-model"} & set(c["metadata"].get("tags", []))]
    assert [c["source"] for c in composed["cells"][:-1]] == [c["source"] for c in tagged]
    assert "parameters" in composed["cells"][0]["metadata"]["tags"] and len(tagged) >= 4
    assert any("def build_model(" in "".join(c["source"]) for c in tagged)
    assert all(c["outputs"] == [] for c in composed["cells"])
    nbformat.validate(nbformat.from_dict(composed))  # ids and all: papermill runs it as it is
    assert bench_best.BEST_07 in composed["cells"][-1]["source"] and ", 3, " in composed["cells"][-1]["source"]


def test_the_bench_refuses_when_07_no_longer_trains_what_it_measures():
    doc = notebook_07()
    renamed = copy.deepcopy(doc)
    for cell in renamed["cells"]:
        cell["source"] = "".join(cell["source"]).replace("build_best_model(", "make_best(")
    assert "defines build_best_model(); change BEST_07 in tools/bench_best.py" in bench_best.best_model_drift(renamed)
    trained_otherwise = copy.deepcopy(doc)
    for cell in trained_otherwise["cells"]:
        cell["source"] = "".join(cell["source"]).replace("final = build_best_model(len(x_best))",
                                                         "final = build_model(**everything)")
    problem = bench_best.best_model_drift(trained_otherwise)
    assert "trains its best model built as `build_best_model(len(x_best))`" in problem
    untagged = copy.deepcopy(doc)
    for cell in untagged["cells"]:
        cell["metadata"]["tags"] = [t for t in cell["metadata"].get("tags", []) if t != "bench-model"]
    with pytest.raises(bench_best.BenchError, match="no cell of 07_regularization is tagged 'bench-model'"):
        bench_best.side_by_side_notebook(untagged, 3, ROOT / "build" / "unused.json")


@pytest.mark.slow
def test_side_by_side_times_both_models_on_alternating_epochs(tmp_path):
    import keras

    rng = np.random.default_rng(0)
    x, y = rng.random((200, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, 200)
    tiny = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)], name="tiny")
    out = tmp_path / "timings.json"
    twin = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)], name="twin")
    bench_best.side_by_side(tiny, (x[:150], y[:150]), (x[150:], y[150:]), x, y, 32, 2, str(out), float32_twin=twin)
    timings = json.loads(out.read_text())
    assert timings[bench_best.TWIN]["model"] == "twin" and timings[bench_best.TWIN]["images"] == 150
    assert timings["07_best"] | {"epoch_seconds": None, "epoch_cpu_seconds": None} == {
        "model": "tiny", "params": 7_850, "images": 150, "batch_size": 32, "epoch_seconds": None,
        "epoch_cpu_seconds": None, "val_images": 50,
        "forward_flops": 2 * 28 * 28 * 10, "dtype_policy": "float32"}
    assert timings["seed_deeper_cnn"]["images"] == 160 and timings["seed_deeper_cnn"]["batch_size"] == 64
    assert all(len(t["epoch_seconds"]) == 2 and min(t["epoch_seconds"]) > 0 for t in timings.values())
    assert all(len(t["epoch_cpu_seconds"]) == 2 and min(t["epoch_cpu_seconds"]) > 0 for t in timings.values())


def test_projection_skips_the_first_epoch_and_scales_to_all_images():
    timings = {"07_best": {"epoch_seconds": [30.0, 10.0, 12.0, 11.0]},
               "seed_deeper_cnn": {"epoch_seconds": [20.0, 5.0, 6.0, 5.5]}}
    result = bench_best.project(timings, 0.5, 12)
    assert result["07_best"]["seconds_per_epoch"] == 22.0 and result["07_best"]["projected_seconds"] == 264.0
    assert result["seed_deeper_cnn"]["seconds_per_epoch"] == 11.0
    assert result["seed_deeper_cnn"]["projected_seconds"] == 11.0 * bench_best.SEED_COURSE_CNN["epochs"]
    assert result["ratio"] == round(264.0 / (11.0 * 26), 3)


def test_the_projection_gives_a_second_ratio_from_cpu_time_when_it_was_measured():
    timings = {"07_best": {"epoch_seconds": [30.0, 10.0, 12.0, 11.0], "epoch_cpu_seconds": [50.0, 18.0, 16.0, 20.0]},
               "seed_deeper_cnn": {"epoch_seconds": [20.0, 5.0, 6.0, 5.5], "epoch_cpu_seconds": [30.0, 9.0, 10.0, 8.0]}}
    result = bench_best.project(timings, 0.5, 13)
    assert result["07_best"]["cpu_seconds_per_epoch"] == 36.0 and result["07_best"]["projected_cpu_seconds"] == 468.0
    assert result["seed_deeper_cnn"]["cpu_seconds_per_epoch"] == 18.0
    assert result["cpu_ratio"] == round(468.0 / (18.0 * 26), 3) == 1.0
    assert result["ratio"] == round(22.0 * 13 / (11.0 * 26), 3)  # the wall-clock ratio stays what it was
    older = {name: {"epoch_seconds": t["epoch_seconds"]} for name, t in timings.items()}
    assert "cpu_ratio" not in bench_best.project(older, 0.5, 13)  # runs from before CPU time was kept


def test_the_best_model_part_runs_07s_tagged_cells_then_records(tmp_path):
    doc = notebook_07()
    if not any("bench-best" in c["metadata"].get("tags", []) for c in doc["cells"]):
        pytest.skip("notebook 07 has no cell tagged bench-best yet")
    composed = bench_best.best_model_notebook(doc, tmp_path / "r.json")
    tagged = {"parameters", "bench-model", "bench-best"}
    wanted = [c for c in doc["cells"] if tagged & set(c["metadata"].get("tags", []))]
    assert [c["source"] for c in composed["cells"][:-1]] == [c["source"] for c in wanted]
    record = composed["cells"][-1]["source"]
    assert "test_accuracy" in record and str(tmp_path / "r.json") in record
    nbformat.validate(nbformat.from_dict(composed))
    untagged = copy.deepcopy(doc)
    for cell in untagged["cells"]:
        cell["metadata"]["tags"] = [t for t in cell["metadata"].get("tags", []) if t != "bench-best"]
    with pytest.raises(bench_best.BenchError, match="tagged 'bench-best'"):
        bench_best.best_model_notebook(untagged, tmp_path / "r.json")


def test_operations_are_counted_from_the_layers():
    import keras

    model = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(8, 3, padding="same"),
                              keras.layers.MaxPooling2D(2), keras.layers.Conv2D(16, 3), keras.layers.Flatten(),
                              keras.layers.Dense(10)])
    conv1 = 2 * 3 * 3 * 1 * 8 * 28 * 28
    conv2 = 2 * 3 * 3 * 8 * 16 * 12 * 12
    dense = 2 * 12 * 12 * 16 * 10
    assert throughput.forward_flops(model) == conv1 + conv2 + dense
    assert bench_best.training_flops_of({"forward_flops": 100, "images": 10, "val_images": 4}) == 100 * (30 + 4)


CPUINFO = """processor : 0
model name : Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz
cpu MHz : 2600.000
flags : fpu sse2 avx avx2 fma avx512f avx512_bf16 amx_bf16 amx_tile
"""


def test_the_peak_is_what_the_machine_reports_times_the_assumed_fma_units():
    peak = throughput.cpu_peak(CPUINFO, cores=2)
    assert peak | {"cpu": None} == {"cpu": None, "cores": 2, "mhz": 2600, "vector_bits": 512, "fp32_lanes": 16,
                                    "fma_units_assumed": 2, "bf16": True, "amx": True, "peak_gflops": 332.8}
    plain = CPUINFO.replace("avx512f ", "").replace(" avx512_bf16 amx_bf16 amx_tile", "")
    avx2 = throughput.cpu_peak(plain, cores=4)
    assert avx2["vector_bits"] == 256 and avx2["peak_gflops"] == 4 * 2.6 * 8 * 2 * 2 and avx2["bf16"] is False
    assert throughput.achieved(166.4e9, 1.0, peak) == {"gflops": 166.4, "share_of_peak": 0.5}


def test_the_projection_reports_throughput_per_model():
    peak = throughput.cpu_peak(CPUINFO, cores=2)
    timings = {name: {"model": name, "params": 1, "images": 1_000, "val_images": 200, "batch_size": 64,
                      "forward_flops": 10**6, "epoch_seconds": [9.0, 2.0, 3.0, 4.0]}
               for name in ("07_best", "seed_deeper_cnn")}
    result = bench_best.project(timings, 1.0, 18, peak)
    assert result["07_best"]["gflops"] == round(10**6 * 3_200 / 3.0 / 1e9, 1)
    assert result["ratio"] == round(18 / 26, 3) and result["peak"] == peak


def test_the_page_shows_each_machines_figures_under_its_name():
    side = {"measured": "2026-12-04 18:00", "fraction": 1.0, "measured_epochs": 4, "ratio": 0.8,
            "peak": throughput.cpu_peak(CPUINFO, cores=2)}
    for key in ("07_best", "seed_deeper_cnn"):
        side[key] = {"model": key, "params": 10, "images": 1000, "batch_size": 64, "seconds_per_epoch": 10.0,
                     "epochs": 18, "projected_seconds": 180.0, "gflops": 150.0, "share_of_peak": 0.45}
    best = {"test_accuracy": 0.9413, "test_images": 10_000, "best_epoch": 17, "epochs": 18,
            "dtype_policy": "float32", "train_seconds": 1372.0, "gflops": 151.0, "share_of_peak": 0.454,
            "measured": "2026-12-04 19:00", "peak": side["peak"]}
    page = bench_docs.page({"side-by-side": {"Intel Xeon": side, "AMD EPYC": side},
                            "best-model": {"Intel Xeon": best}})
    assert "### AMD EPYC" in page and "### Intel Xeon" in page and "150 (45%)" in page
    assert "| Intel Xeon | 0.9413 on 10,000 images | 17 of 18 | float32 | 22.9 min | 151 (45%) |" in page
    assert "CPU time" not in page  # neither machine's run measured it
    mixed = {**side, "07_best": {**side["07_best"], "dtype_policy": "mixed_bfloat16", "share_of_peak": 0.904}}
    assert "| mixed_bfloat16 | 10.0 s | 18 | 3.0 min | 150 (90% of fp32; bfloat16 peaks at twice that) |" in (
        bench_docs.page({"side-by-side": {"Intel Xeon": mixed}}))
    timed = {**side, "cpu_ratio": 0.72, "07_best": {**side["07_best"], "cpu_seconds_per_epoch": 130.0},
             "seed_deeper_cnn": {**side["seed_deeper_cnn"], "cpu_seconds_per_epoch": 120.0}}
    page = bench_docs.page({"side-by-side": {"Intel Xeon": timed, "AMD EPYC": side}})
    assert page.count("CPU time per epoch") == 1 and "130.0 against 120.0 s, ratio **0.72**" in page
    assert "2 FMA units per core (assumed" in page


def test_a_mixed_policy_best_model_is_timed_beside_its_float32_twin():
    composed = bench_best.side_by_side_notebook(notebook_07(), 3, ROOT / "build" / "unused.json")
    measure = composed["cells"][-1]["source"]
    assert 'if chosen_policy != "float32":' in measure and "float32_twin=twin" in measure
    timings = {"07_best": {"epoch_seconds": [30.0, 10.0, 12.0, 11.0], "epoch_cpu_seconds": [50.0, 16.0, 16.0, 18.0]},
               bench_best.TWIN: {"epoch_seconds": [30.0, 14.0, 16.0, 15.0],
                                 "epoch_cpu_seconds": [50.0, 25.0, 24.0, 26.0]},
               "seed_deeper_cnn": {"epoch_seconds": [20.0, 5.0, 6.0, 5.5]}}
    result = bench_best.project(timings, 1.0, 20)
    assert result[bench_best.TWIN]["projected_seconds"] == 15.0 * 20
    assert result["policy_ratio"] == round(11.0 / 15.0, 3) and result["policy_cpu_ratio"] == round(16.0 / 25.0, 3)
    assert result["ratio"] == round(11.0 * 20 / (5.5 * 26), 3)  # the course's ratio is still the chosen policy's
    without = {k: v for k, v in timings.items() if k != bench_best.TWIN}
    assert "policy_ratio" not in bench_best.project(without, 1.0, 20)  # a float32 run times no twin


def test_the_page_shows_the_float32_twin_and_the_policys_ratio():
    row = {"model": "regularized", "params": 10, "images": 1000, "batch_size": 128, "seconds_per_epoch": 10.0,
           "epochs": 20, "projected_seconds": 200.0}
    side = {"measured": "2026-12-05 22:00", "fraction": 1.0, "measured_epochs": 4, "ratio": 0.8, "policy_ratio": 0.7,
            "policy_cpu_ratio": 0.66, "07_best": {**row, "dtype_policy": "mixed_bfloat16"},
            bench_best.TWIN: {**row, "seconds_per_epoch": 14.3, "dtype_policy": "float32"},
            "seed_deeper_cnn": {**row, "model": "seed_deeper_cnn"}}
    page = bench_docs.page({"side-by-side": {"Intel Xeon": side}})
    assert "| 07's best model in float32 (`regularized`) | 10 | 1,000 | 128 | float32 | 14.3 s |" in page
    assert ("07's best model in mixed_bfloat16 against the same model in float32, timed beside it: ratio **0.70** "
            "by the wall clock, **0.66** by CPU time.") in page
