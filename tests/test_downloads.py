"""Keras' downloader as the course wraps it: a failed try is reported under Keras' own "Downloading" line."""

from __future__ import annotations

import pytest

from helpers import downloads


def test_a_failed_download_says_so_right_under_keras_download_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    with pytest.raises(downloads.DownloadError, match="URL fetch failure"):
        downloads.keras_download("nothing.bin", "http://127.0.0.1:9/nothing.bin")  # the discard port refuses
    printed = capsys.readouterr().out.splitlines()
    tried = [i for i, line in enumerate(printed) if line.startswith("Downloading data from http://127.0.0.1:9/")]
    assert tried, printed
    assert printed[tried[0] + 1].startswith("  ... download of nothing.bin FAILED: URL fetch failure")
    assert not [p for p in (tmp_path / "keras").rglob("*.bin")]  # nothing half-written left behind
