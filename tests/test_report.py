"""The run report: index page, rendered notebooks, comparison table and CSV, one copy of plotly.js."""

from __future__ import annotations

import json
import os
import re
import time

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.evaluate import metrics_path
from tools import build_report

RESULTS = {
    "01_dense_baseline": {"dense_baseline": {"test_accuracy": 0.8969, "params": 235146, "epochs": 20,
                                             "train_seconds": 46.3}},
    "02_first_convolutions": {
        "cnn_small": {"test_accuracy": 0.904, "params": 225034, "epochs": 10, "train_seconds": 120.5},
        "cnn_wide": {"test_accuracy": 0.911, "params": 421642, "epochs": 10, "train_seconds": 200.0},
    },
    "09_capstone_cifar100_resnet50": {
        "resnet50_frozen": {"test_accuracy": 0.05, "params": 23792612, "epochs": 3, "train_seconds": 9.0,
                            "top5_accuracy": 0.2, "data": "fixture"},
    },
}


def executed_notebook(path, text: str) -> None:
    nb = new_notebook(cells=[new_markdown_cell("# 01 · Test"), new_code_cell("print('hi')", execution_count=1)])
    nb.cells[1].outputs = [new_output("stream", name="stdout", text=text)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def smoke_run(tmp_path):
    """A build folder as `make run PROFILE=smoke` leaves it, with two notebooks (one failed) and results."""
    build = tmp_path / "build"
    (build / "smoke").mkdir(parents=True)
    executed_notebook(build / "smoke" / "01_dense_baseline.ipynb", "marker-of-notebook-01\n")
    executed_notebook(build / "smoke" / "02_first_convolutions.ipynb", "marker-of-notebook-02\n")
    runs = [
        {"notebook": "01_dense_baseline", "status": "ok", "wall_seconds": 27.4},
        {"notebook": "02_first_convolutions", "status": "FAILED in cell 7: ValueError: bad", "wall_seconds": 12.0},
        {"notebook": "03_padding_stride_dilation", "status": "FAILED: DeadKernelError: died", "wall_seconds": 3.0},
    ]
    (build / "smoke" / "summary.json").write_text(json.dumps({"profile": "smoke", "runs": runs}))
    path = metrics_path("smoke")  # under COURSE_RESULTS_DIR, which conftest points at a temporary folder
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(RESULTS))
    return build


def test_index_links_each_notebook_with_status_and_wall_time(smoke_run):
    index = build_report.build("smoke", smoke_run)
    page = index.read_text()
    assert index == smoke_run / "smoke" / "index.html"
    for stem in ("01_dense_baseline", "02_first_convolutions"):
        assert f'href="html/{stem}.html"' in page
        marker = f"marker-of-notebook-{stem[:2]}"
        assert marker in (smoke_run / "smoke" / "html" / f"{stem}.html").read_text()
    row = re.search(r"<tr><td><a[^>]*>01_dense_baseline</a></td><td class='ok'>ok</td><td>27.4</td></tr>", page)
    assert row, page
    assert "class='failed'>FAILED in cell 7: ValueError: bad</td><td>12.0" in page
    assert "03_padding_stride_dilation <span class='note'>(no executed copy)</span>" in page
    assert "3 notebooks: 1 ok, 2 failed" in page


def test_comparison_table_and_csv_hold_every_recorded_model(smoke_run):
    build_report.build("smoke", smoke_run)
    csv = pd.read_csv(metrics_path("smoke").with_name("performance_comparison.csv"))
    assert list(csv.columns) == ["notebook", "model", "params", "epochs", "train_seconds", "test_accuracy",
                                 "top5_accuracy", "data"]
    assert len(csv) == 4
    for _, row in csv.iterrows():
        recorded = RESULTS[row["notebook"]][row["model"]]
        for field, value in recorded.items():
            assert row[field] == value
    assert csv["top5_accuracy"].isna().sum() == 3  # only the capstone has a top-5 accuracy
    page = (smoke_run / "smoke" / "index.html").read_text()
    assert "23,792,612" in page and "89.69%" in page and "20.00%" in page


def test_chart_is_interactive_offline_with_plotly_js_written_once(smoke_run):
    index = build_report.build("smoke", smoke_run)
    page = index.read_text()
    js = smoke_run / "smoke" / "plotly.min.js"
    assert js.stat().st_size > 1_000_000  # the library itself, not a link to a CDN
    assert '<script src="plotly.min.js"></script>' in page
    assert "cdn.plot.ly" not in page and len(page) < 100_000  # the page does not carry the library
    figure = json.loads(re.search(r"Plotly\.newPlot\(\s*\"params-vs-accuracy\",\s*(\[.*?\]),\s*\{", page, re.S)[1])
    assert {trace["name"] for trace in figure} == set(RESULTS)
    models = {model for trace in figure for model in trace["text"]}  # x and y may be binary-encoded arrays
    assert models == {m for models in RESULTS.values() for m in models}
    for rendered in (smoke_run / "smoke" / "html").glob("*.html"):
        assert "plotly" not in rendered.read_text().lower()
    # Building again leaves the library file alone.
    before = js.stat().st_mtime_ns
    time.sleep(0.01)
    build_report.build("smoke", smoke_run)
    assert js.stat().st_mtime_ns == before


def test_without_a_profile_the_most_recent_run_is_reported(smoke_run):
    (smoke_run / "quick").mkdir()
    summary = smoke_run / "quick" / "summary.json"
    summary.write_text(json.dumps({"profile": "quick", "runs": []}))
    os.utime(summary, (time.time() + 5, time.time() + 5))
    assert build_report.last_run(None, smoke_run)[0] == "quick"


def test_no_run_yet_says_what_to_run(tmp_path):
    with pytest.raises(build_report.ReportError, match=r"make run PROFILE=quick"):
        build_report.build("quick", tmp_path)
    with pytest.raises(build_report.ReportError, match=r"No run to report on yet"):
        build_report.build(None, tmp_path)


def test_a_damaged_summary_is_named(smoke_run):
    (smoke_run / "smoke" / "summary.json").write_text('{"profile": "smoke"}')
    with pytest.raises(build_report.ReportError, match=r"summary.json is not a summary written by"):
        build_report.build("smoke", smoke_run)


def test_an_unreadable_executed_notebook_is_reported_not_fatal(smoke_run):
    (smoke_run / "smoke" / "01_dense_baseline.ipynb").write_text("{not json")
    page = build_report.build("smoke", smoke_run).read_text()
    assert "01_dense_baseline <span class='note'>(could not be rendered" in page


def test_no_results_yet_gives_an_empty_table_not_an_error(smoke_run):
    metrics_path("smoke").unlink()
    page = build_report.build("smoke", smoke_run).read_text()
    assert "No results recorded for this profile yet." in page
    csv = pd.read_csv(metrics_path("smoke").with_name("performance_comparison.csv"))
    assert len(csv) == 0 and list(csv.columns)[:2] == ["notebook", "model"]


def test_command_line_reports_a_missing_run_without_a_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(build_report, "BUILD", tmp_path)
    assert build_report.main(["--profile", "full"]) == 1
    assert "make run PROFILE=full" in capsys.readouterr().err


def test_a_half_written_results_file_is_named_not_a_traceback(smoke_run, monkeypatch, capsys):
    metrics_path("smoke").write_text('{"01_dense_baseline": {"dense_baseline": {"test_acc')
    monkeypatch.setattr(build_report, "BUILD", smoke_run)
    assert build_report.main(["--profile", "smoke"]) == 1
    assert "metrics.json cannot be read" in capsys.readouterr().err
