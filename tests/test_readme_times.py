"""The README's and docs/testing.md's times come from the measurements, the ones each setup line prints."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import profiles
from tools import readme_times
from tools.common import ROOT, all_notebooks


@pytest.fixture
def course(tmp_path):
    """A copy of the pages and the measurements to change."""
    for name in ("README.md", "docs/testing.md", "results/bench.json", "results/full/times.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    return tmp_path


def readme_cells() -> dict[str, dict[str, str]]:
    """notebook -> profile -> what the README's table of notebooks shows."""
    lines = (ROOT / "README.md").read_text().split("\n")
    header = next(readme_times.cells(line) for line in lines if line.startswith("| notebook | lesson |"))
    shown = {}
    for line in lines:
        link = readme_times.NOTEBOOK_LINK.search(line)
        if line.startswith("|") and link:
            parts = readme_times.cells(line)
            shown[link.group(1)] = {p: parts[header.index(p)] for p in profiles.PROFILES}
    return shown


def test_the_committed_pages_show_the_measured_times():
    assert readme_times.stale() == []


def test_the_readme_shows_what_each_setup_line_prints():
    shown = readme_cells()
    assert set(shown) == {nb.stem for nb in all_notebooks()}
    for notebook, cells in shown.items():
        for profile, cell in cells.items():
            assert f"expected time under {profile}: about {cell} (" in profiles.expected_time(notebook, profile)


def test_a_figure_typed_into_the_readme_is_found(course):
    readme = course / "README.md"
    text = readme.read_text()
    row = next(line for line in text.split("\n") if line.startswith("| [03_padding_stride_dilation]"))
    full = readme_times.cells(row)[4]  # notebook, lesson, smoke, quick, full
    readme.write_text(text.replace(row, row.replace(f"| {full} |", "| 9 h 59 min |", 1)))
    [problem] = readme_times.stale(course)
    assert problem.startswith("README.md, line ")
    assert f": 03_padding_stride_dilation shows '9 h 59 min' where the measurements give '{full}'." in problem
    assert readme_times.write(course) == [readme] and readme_times.stale(course) == []


def test_a_new_measurement_makes_the_pages_stale_until_they_are_rewritten(course):
    times = course / "results" / "full" / "times.json"
    record = json.loads(times.read_text())
    record["notebooks"]["01_dense_baseline"] |= {"seconds": 3600.0, "measured": "2099-12-05 09:00"}
    times.write_text(json.dumps(record))
    earliest_other = min(row["measured"] for name, row in record["notebooks"].items() if name != "01_dense_baseline")
    bench = course / "results" / "bench.json"
    record = json.loads(bench.read_text())
    record["smoke-least"]["01_dense_baseline"]["seconds"] += 100
    bench.write_text(json.dumps(record))
    assert [p.split(",")[0] for p in readme_times.stale(course)] == ["README.md", "docs/testing.md"]
    readme_times.write(course)
    text = (course / "README.md").read_text()
    assert "| 1 h 00 min |" in next(line for line in text.split("\n") if line.startswith("| [01_dense_baseline]"))
    assert f"(`results/full/times.json`, {earliest_other} to 2099-12-05 09:00)" in text  # the span follows the new row
    assert "and 420 s at its least" in (course / "docs" / "testing.md").read_text()


def test_generated_text_needs_its_markers(course):
    readme = course / "README.md"
    readme.write_text(readme.read_text().replace("<!-- /times -->", ""))
    with pytest.raises(SystemExit, match="README.md needs one `<!-- times -->` line and one `<!-- /times -->` line"):
        readme_times.stale(course)
