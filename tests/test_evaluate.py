"""Evaluation tables and the results file."""

from __future__ import annotations

import json
import multiprocessing

import numpy as np
import pytest

from helpers import evaluate, profiles

NAMES = ["a", "b", "c"]


def a_run(profile="smoke", notebook="01_test"):
    return profiles.Run(notebook, profile, 1, None, None, 128, 42, "test data")


def test_record_result_replaces_its_row_and_keeps_the_others():
    run = a_run()
    evaluate.record_result(run, "dense", 0.81, 1000, 2, 10.0)
    evaluate.record_result(run, "cnn", 0.90, 5000, 2, 20.0)
    evaluate.record_result(a_run(notebook="02_other"), "cnn", 0.91, 5000, 2, 20.0)
    evaluate.record_result(run, "dense", 0.8345678, 1000, 3, 12.34)  # a re-run
    saved = json.loads(evaluate.metrics_path("smoke").read_text())
    assert list(saved) == ["01_test", "02_other"]
    assert list(saved["01_test"]) == ["dense", "cnn"]
    assert saved["01_test"]["dense"] == {"test_accuracy": 0.8346, "params": 1000, "epochs": 3, "train_seconds": 12.3}
    assert saved["02_other"]["cnn"]["test_accuracy"] == 0.91


def test_record_result_keeps_profiles_apart_and_takes_extra_fields():
    evaluate.record_result(a_run("quick"), "resnet", 0.5, 10, 1, 1.0, top5_accuracy=0.8, data="fixture")
    assert evaluate.load_results("quick")["01_test"]["resnet"]["top5_accuracy"] == 0.8
    assert evaluate.load_results("smoke") == {}


def test_record_result_refuses_a_percentage():
    with pytest.raises(ValueError, match="fraction"):
        evaluate.record_result(a_run(), "dense", 88.5, 1000, 2, 10.0)


def test_per_class_accuracy_and_report():
    y_true = np.array([0, 0, 1, 1, 2, 2])
    y_pred = np.array([0, 1, 1, 1, 0, 2])
    acc = evaluate.per_class_accuracy(y_true, y_pred, NAMES)
    assert acc.to_dict() == {"a": 0.5, "b": 1.0, "c": 0.5}
    report = evaluate.classification_report(y_true, y_pred, NAMES)
    assert report.loc["b", "precision"] == pytest.approx(2 / 3, abs=1e-3)
    assert report.loc["a", "support"] == 2


def test_most_confused_counts_both_directions():
    matrix = np.array([[50, 7, 1], [3, 40, 0], [0, 9, 30]])
    table = evaluate.most_confused(matrix, NAMES, top=2)
    assert table.iloc[0][["class A", "class B", "total"]].tolist() == ["a", "b", 10]
    assert table.iloc[1][["class A", "class B", "A taken for B", "B taken for A"]].tolist() == ["b", "c", 0, 9]


def test_results_table_lists_every_model_in_lesson_order_and_can_filter():
    evaluate.record_result(a_run(notebook="05_late"), "best", 0.92, 2000, 15, 300.0)
    evaluate.record_result(a_run(notebook="01_early"), "dense", 0.89, 1000, 20, 40.0, top5_accuracy=0.99)
    evaluate.record_result(a_run(notebook="01_early"), "wide", 0.90, 3000, 20, 60.0)
    table = evaluate.results_table("smoke")
    rows = table[["notebook", "model"]].values.tolist()
    assert rows == [["01_early", "dense"], ["01_early", "wide"], ["05_late", "best"]]
    assert list(table.columns) == ["notebook", "model", *evaluate.RESULT_FIELDS, "top5_accuracy"]
    assert table.loc[2, "train_seconds"] == 300.0
    only = evaluate.results_table("smoke", notebooks=["05_late"])
    assert only["model"].tolist() == ["best"]
    assert evaluate.results_table("quick").empty  # nothing recorded in that profile yet


def test_a_half_written_results_file_is_a_course_error_that_keeps_everything():
    run = a_run()
    evaluate.record_result(run, "dense", 0.81, 1000, 2, 10.0)
    path = evaluate.metrics_path("smoke")
    half = path.read_text()[:40]  # as if a run had been killed while writing it
    path.write_text(half)
    with pytest.raises(evaluate.ResultsFileError) as info:
        evaluate.record_result(a_run(notebook="02_other"), "cnn", 0.9, 5000, 2, 20.0)
    message = str(info.value)
    assert "metrics.json cannot be read (invalid JSON at line" in message  # names the file and the cause
    assert "left as it is" in message and "metrics.json.broken" in message  # how to recover
    assert '"02_other" -> "cnn": {"test_accuracy": 0.9' in message  # the new row is not lost either
    assert path.read_text() == half  # nothing overwritten or deleted
    with pytest.raises(evaluate.ResultsFileError):
        evaluate.results_table("smoke")


def test_a_results_file_of_another_shape_is_refused():
    path = evaluate.metrics_path("smoke")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[1, 2]")
    with pytest.raises(evaluate.ResultsFileError, match="not notebook -> model -> figures"):
        evaluate.load_results("smoke")


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(monkeypatch):
    evaluate.record_result(a_run(), "dense", 0.81, 1000, 2, 10.0)
    path = evaluate.metrics_path("smoke")
    before = path.read_text()

    def dies_halfway(obj, fh, **kwargs):
        fh.write('{"01_test": {"dense"')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(evaluate.json, "dump", dies_halfway)
    with pytest.raises(OSError, match="No space left"):
        evaluate.record_result(a_run(), "cnn", 0.9, 5000, 2, 20.0)
    assert path.read_text() == before
    assert sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".lock")) == ["metrics.json"]


def record_many(notebook: str, rows: int) -> None:
    """One of two processes that record into the same results file at once (test below)."""
    for i in range(rows):
        evaluate.record_result(a_run(notebook=notebook), f"model_{i}", 0.5, 10, 1, 1.0)


def test_two_processes_recording_at_once_lose_no_row():
    # make test runs two nbval processes that record into one file; so can two open notebooks.
    # Without the lock, each process reads the file, adds its row and writes it back over the other's.
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=record_many, args=(name, 60)) for name in ("01_first", "02_second")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    results = evaluate.load_results("smoke")
    assert {name: len(rows) for name, rows in results.items()} == {"01_first": 60, "02_second": 60}
