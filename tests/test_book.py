"""The course site: built from the committed notebooks, every page sound in a real browser, and the checks bite."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tools.book import build_book, check_book
from tools.cells import ANSWERS_TAG, SOLUTION_TAG, source, tags
from tools.common import BUILD, all_notebooks
from tools.conventions import jupyterlab_anchor

NOTEBOOKS = all_notebooks()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built from the committed notebooks, in a folder of its own (about 10 s).

    A run report of the quick profile stands beside it, so the front page links one.
    """
    folder = tmp_path_factory.mktemp("book")
    (folder / "quick").mkdir()
    (folder / "quick" / "index.html").write_text("<!DOCTYPE html><title>report</title><p>quick run</p>")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build_book, "BUILD", folder)
        build_book.build(out=folder / "site", source=folder / "source")
    return folder / "site"


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium for the module's pages."""
    with check_book.browser() as opened:
        yield opened


@pytest.mark.slow
def test_every_page_opens_without_a_problem_in_chromium(site, driver):
    screenshot = BUILD / "book-front-page.png"
    screenshot.unlink(missing_ok=True)
    found = check_book.check_pages(driver, site, screenshot=screenshot)
    assert list(found) == ["index.html", *(f"{nb.stem}.html" for nb in NOTEBOOKS)]
    assert {page: problems for page, problems in found.items() if problems} == {}
    assert screenshot.stat().st_size > 10_000  # a picture of the page, not an empty frame


@pytest.mark.slow
def test_the_front_page_is_the_readme_introduction_with_the_notebooks_in_course_order(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    title = (build_book.ROOT / "README.md").read_text(encoding="utf-8").splitlines()[0].removeprefix("# ")
    assert title in page
    order = [page.find(f'href="{nb.stem}.html"') for nb in NOTEBOOKS]
    assert -1 not in order and order == sorted(order)
    assert 'href="../quick/index.html"' in page  # checked in the browser like every other link


@pytest.mark.slow
def test_solutions_and_answers_are_folded_and_plotly_is_shipped_once(site):
    for nb in NOTEBOOKS:
        doc = json.loads(nb.read_text(encoding="utf-8"))
        page = (site / f"{nb.stem}.html").read_text(encoding="utf-8")
        solutions = sum(SOLUTION_TAG in tags(c) for c in doc["cells"])
        answers = sum(ANSWERS_TAG in tags(c) for c in doc["cells"])
        assert page.count('<details class="admonition hide') == solutions, nb.name
        assert page.count('<details class="course-answers">') == answers, nb.name
        assert "cdn.plot.ly" not in page and "cdn.jsdelivr" not in page, nb.name
    assert len(list(site.rglob("plotly*.js"))) == 1
    formulas = (site / "01_dense_baseline.html").read_text(encoding="utf-8")
    assert "<math" in formulas and "\\sum" not in formulas  # LaTeX became MathML at build time


@pytest.mark.slow
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_jupyterlab_anchors_of_sections_and_contents_links_land_on_the_page(site, nb):
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    ids = check_book.ids_of(site / f"{nb.stem}.html")
    headings = [re.sub(r"[`*]", "", h) for h in re.findall(r"^## (.+)$", markdown, re.MULTILINE)]
    assert headings and {jupyterlab_anchor(h) for h in headings} <= ids
    assert set(re.findall(r"\]\(#([^)]+)\)", markdown)) <= ids


# ----- the build's rewriting, without a browser -----


def test_links_that_leave_the_site_keep_only_their_text():
    pages = {"01_a.ipynb", "02_b.ipynb"}
    text = ("[next](02_b.ipynb), [section](#1.-Intro), [there](02_b.ipynb#Setup), [web](https://keras.io/api/), "
            "[data](../docs/data.md), [readme](../README.md#x)\n```\n[code](nowhere.md)\n```")
    out, dropped = build_book.site_links(text, pages)
    assert out.splitlines()[0] == ("[next](02_b.ipynb), [section](#1.-Intro), [there](02_b.ipynb#Setup), "
                                   "[web](https://keras.io/api/), data, readme")
    assert "[code](nowhere.md)" in out and dropped == ["../docs/data.md", "../README.md#x"]
    readme, dropped = build_book.site_links("[01](notebooks/01_a.ipynb) and [see](#profiles)", pages,
                                            prefix="notebooks/", own_anchors=False)
    assert readme == "[01](01_a.ipynb) and see" and dropped == ["#profiles"]


def test_the_notebook_copy_folds_solutions_and_answers_and_draws_plotly():
    doc = {"cells": [
        {"cell_type": "code", "metadata": {"tags": ["solution"]}, "source": "# Hint: h\nx = 1", "outputs": []},
        {"cell_type": "markdown", "metadata": {"tags": ["answers"]}, "source": ["**Answers**\n", "1. Yes."]},
        {"cell_type": "code", "metadata": {}, "source": "show()", "outputs": [{"output_type": "display_data",
         "metadata": {}, "data": {build_book.PLOTLY_MIME: {"data": [{"type": "bar", "y": [1, 2]}], "layout": {}},
                                  "image/png": "iVBOR", "text/plain": "<figure>"}}]},
    ]}
    page, dropped = build_book.book_notebook(doc, "01_a", {"01_a.ipynb"})
    assert page["cells"][0]["metadata"]["tags"] == ["solution", build_book.FOLD_TAG] and dropped == []
    assert page["cells"][1]["source"].startswith('<details class="course-answers">')
    assert "**Answers**\n1. Yes." in page["cells"][1]["source"]
    data = page["cells"][2]["outputs"][0]["data"]
    assert set(data) == {"text/html", "text/plain"} and 'id="01_a-figure-1"' in data["text/html"]
    assert "Plotly.newPlot" in data["text/html"] and "plotly.min.js" not in data["text/html"]
    assert doc["cells"][0]["metadata"]["tags"] == ["solution"]  # the committed notebook is not touched


def test_the_front_page_links_the_run_reports_that_exist(tmp_path):
    (tmp_path / "quick").mkdir()
    (tmp_path / "quick" / "index.html").write_text("<html></html>")
    assert build_book.run_reports(tmp_path, tmp_path / "book") == {"quick": "../quick/index.html"}
    assert build_book.run_reports(tmp_path, tmp_path / "elsewhere" / "site") == {"quick": "../../quick/index.html"}
    nbs = [Path("01_a.ipynb"), Path("02_b.ipynb")]
    text, _ = build_book.front_page("# Title\n\nIntro [01](notebooks/01_a.ipynb).\n\n## Quick start\nmore", nbs,
                                    {"quick": "../quick/index.html"})
    assert text.startswith("# Title\n\nIntro [01](01_a.ipynb).") and "Quick start" not in text
    assert "01_a\n02_b" in text and 'href="../quick/index.html"' in text
    assert "Run reports" not in build_book.front_page("# T\n", nbs, {})[0]


def test_a_missing_readme_is_a_course_error(tmp_path):
    with pytest.raises(build_book.BookError, match="README"):
        build_book.write_sources(tmp_path / "src", tmp_path / "README.md", NOTEBOOKS, tmp_path, tmp_path / "site")


# ----- each browser check bites: a copy of the site broken on purpose fails it -----


def copy_site(site: Path, tmp_path: Path) -> Path:
    """A copy of the site, with the run report its front page links beside it."""
    shutil.copytree(site.parent / "quick", tmp_path / "quick")
    return shutil.copytree(site, tmp_path / "site")


def broken_copy(site: Path, tmp_path: Path, page: str, old: str, new: str) -> Path:
    """A copy of the site whose page has old replaced by new (old must be there)."""
    copy = copy_site(site, tmp_path)
    text = (copy / page).read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {page}: the breakage needs another place"
    (copy / page).write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def plotly_page(site: Path) -> str:
    """The first notebook page that draws a Plotly figure."""
    return next(p.name for p in check_book.site_pages(site) if "plotly-graph-div" in p.read_text(encoding="utf-8"))


def first_image(site: Path, page: str) -> str:
    """The src of the first image of the page's content."""
    return re.search(r'<img[^>]*src="(_images/[^"]+)"', (site / page).read_text(encoding="utf-8")).group(1)


BREAKAGES = {
    "JavaScript error": ("index.html", "</body>", "<script>notAFunction();</script></body>", "JavaScript"),
    "missing script": ("index.html", "</body>", '<script src="_static/gone.js"></script></body>', "loading"),
    "broken link": ("index.html", "</body>", '<a href="no_such_page.html">x</a></body>', "missing file"),
    "broken anchor": ("index.html", "</body>", '<a href="01_dense_baseline.html#No-such-section">x</a></body>',
                      "missing anchor"),
    "open solution": ("01_dense_baseline.html", '<details class="admonition hide',
                      '<details open class="admonition hide', "folded block is open"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", BREAKAGES, ids=list(BREAKAGES))
def test_a_page_broken_on_purpose_fails(site, driver, tmp_path, case):
    page, old, new, expected = BREAKAGES[case]
    copy = broken_copy(site, tmp_path, page, old, new)
    problems = check_book.check_page(driver, copy / page, copy)
    assert problems and all(expected in p for p in problems), problems


@pytest.mark.slow
def test_a_missing_image_fails(site, driver, tmp_path):
    page = "01_dense_baseline.html"
    copy = copy_site(site, tmp_path)
    (copy / first_image(site, page)).unlink()
    problems = check_book.check_page(driver, copy / page, copy)
    assert any("image did not load" in p for p in problems), problems


@pytest.mark.slow
def test_a_plotly_figure_that_did_not_draw_fails(site, driver, tmp_path):
    page = plotly_page(site)
    # No JavaScript error: the figure's call is simply gone, so only the drawing check can see it.
    copy = broken_copy(site, tmp_path, page, "Plotly.newPlot(", "void(")
    problems = check_book.check_page(driver, copy / page, copy, draw_seconds=1.0)
    assert problems and all("Plotly figure did not draw" in p for p in problems), problems


@pytest.mark.slow
def test_a_missing_plotly_js_fails(site, driver, tmp_path):
    page = plotly_page(site)
    copy = copy_site(site, tmp_path)
    (copy / "_static" / "plotly.min.js").unlink()
    problems = check_book.check_page(driver, copy / page, copy, draw_seconds=1.0)
    assert any("Plotly figure did not draw" in p for p in problems), problems
    assert any("plotly.min.js" in p for p in problems), problems
