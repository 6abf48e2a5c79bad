"""Build the course site, build/book/, from the committed notebooks and their outputs (nothing is executed).

    python tools/book/build_book.py            # -> build/book/index.html
    python tools/book/build_book.py --out DIR  # somewhere else

Sphinx with MyST-NB renders the pages (conf.py beside this file). This script first
writes the site's sources into build/book-src/: the front page from the README's
introduction, and a copy of each notebook made ready for the web. Solutions
(cells tagged `solution`) and answers (`answers`) are folded, Plotly figures become
interactive HTML that draws with one local plotly.js, and links that lead out of
the site (to repository files the site does not hold) keep their text only.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools.cells import ANSWERS_TAG, SOLUTION_TAG, fenced_lines, source, tags
from tools.common import BUILD, PROFILES, ROOT, all_notebooks

SOURCE = BUILD / "book-src"
OUT = BUILD / "book"
VENDOR = "_vendor"  # inside SOURCE: files conf.py publishes under _static/ (plotly.js)
FOLD_TAG = "hide-cell"  # MyST-NB folds a cell with this tag behind a "Show" button
PLOTLY_MIME = "application/vnd.plotly.v1+json"
# [text](target) and ![alt](target); a target has no spaces or parentheses in these documents.
LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(([^)\s]+)\)")
WEB = ("http://", "https://", "mailto:")


class BookError(Exception):
    """The site cannot be built; the message names the file and the fix."""


def site_target(target: str, pages: set[str], prefix: str, own_anchors: bool) -> str | None:
    """Where a link of a document points in the site, or None when it leaves the site.

    prefix is the folder the document's links are relative to (`notebooks/` for the README).
    """
    if target.startswith(WEB):
        return target
    path, _, anchor = target.partition("#")
    if not path:
        return target if own_anchors else None
    name = path.removeprefix(prefix)
    if name not in pages:
        return None
    return f"{name}#{anchor}" if anchor else name


def site_links(markdown: str, pages: set[str], prefix: str = "", own_anchors: bool = True) -> tuple[str, list[str]]:
    """The markdown with links that leave the site replaced by their text; also the targets dropped."""
    dropped: list[str] = []

    def rewrite(match: re.Match) -> str:
        bang, text, target = match.groups()
        kept = site_target(target, pages, prefix, own_anchors)
        if kept is not None:
            return f"{bang}[{text}]({kept})"
        dropped.append(target)
        return text

    lines = [line if fenced else LINK.sub(rewrite, line) for fenced, line in fenced_lines(markdown)]
    return "\n".join(lines), dropped


def readme_intro(readme: str) -> str:
    """The README's title and introduction: everything before its first `## ` section."""
    intro = []
    for line in readme.split("\n"):
        if line.startswith("## "):
            break
        intro.append(line)
    return "\n".join(intro).strip() + "\n"


def run_reports(build: Path, site: Path) -> dict[str, str]:
    """Profile -> link from the site's front page to its run report, for the reports that exist."""
    reports = {p: build / p / "index.html" for p in PROFILES}
    return {p: Path(os.path.relpath(page, site)).as_posix() for p, page in reports.items() if page.is_file()}


def front_page(readme: str, notebooks: list[Path], reports: dict[str, str]) -> tuple[str, list[str]]:
    """The site's index.md: the README's introduction, the notebooks in course order, the run reports."""
    pages = {nb.name for nb in notebooks}
    intro, dropped = site_links(readme_intro(readme), pages, prefix="notebooks/", own_anchors=False)
    toc = "\n".join(nb.stem for nb in notebooks)
    text = f"{intro}\n```{{toctree}}\n:caption: Notebooks\n:maxdepth: 1\n\n{toc}\n```\n"
    if reports:
        # Raw HTML: a Markdown link to a file outside the sources would become a download copy.
        links = ", ".join(f'<a class="run-report" href="{href}">{p}</a>' for p, href in reports.items())
        text += f"\n## Run reports\n\nWhat the last headless run of each profile produced: {links}.\n"
    return text, dropped


def plotly_html(figure: dict, div_id: str) -> str:
    """An interactive Plotly figure as HTML that needs plotly.js loaded by the page (not embedded)."""
    import plotly.io as pio

    # No fixed width: the figure takes the page's column, whatever the reader's screen.
    figure = {**figure, "layout": {k: v for k, v in figure.get("layout", {}).items() if k != "width"}}
    return pio.to_html(figure, include_plotlyjs=False, full_html=False, div_id=div_id,
                       config={"responsive": True, "displaylogo": False})


def fold_answers(markdown: str) -> str:
    """An answers cell inside a closed <details> element: folded until the reader opens it."""
    return f'<details class="course-answers">\n<summary>Show the answers</summary>\n\n{markdown}\n\n</details>'


def book_notebook(doc: dict, stem: str, pages: set[str]) -> tuple[dict, list[str]]:
    """A copy of a notebook ready for the site, and the link targets it dropped."""
    doc, dropped, figures = copy.deepcopy(doc), [], 0
    for cell in doc["cells"]:
        text = source(cell)
        if cell["cell_type"] == "markdown":
            text, lost = site_links(text, pages)
            dropped += lost
            cell["source"] = fold_answers(text) if ANSWERS_TAG in tags(cell) else text
        if SOLUTION_TAG in tags(cell) and FOLD_TAG not in tags(cell):
            cell.setdefault("metadata", {}).setdefault("tags", []).append(FOLD_TAG)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if PLOTLY_MIME in data:
                figures += 1
                # The PNG beside it is for viewers without Plotly; the site draws the real figure instead.
                out["data"] = {"text/html": plotly_html(data[PLOTLY_MIME], f"{stem}-figure-{figures}"),
                               "text/plain": data.get("text/plain", "")}
    return doc, dropped


def vendor_files(folder: Path) -> None:
    """Copy plotly.js (shipped by the pinned plotly package) where conf.py publishes it."""
    import plotly

    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(Path(plotly.__file__).parent / "package_data" / "plotly.min.js", folder / "plotly.min.js")


def write_sources(source: Path, readme: Path, notebooks: list[Path], build: Path, site: Path) -> list[str]:
    """Write the site's sources into source (emptied first); return notes on links that were dropped."""
    if not readme.is_file():
        raise BookError(f"{readme} is missing: the front page is made from the README's introduction.")
    if not notebooks:
        raise BookError("No notebooks found in notebooks/ (files named NN_name.ipynb).")
    shutil.rmtree(source, ignore_errors=True)
    source.mkdir(parents=True)
    pages = {nb.name for nb in notebooks}
    index, dropped = front_page(readme.read_text(encoding="utf-8"), notebooks, run_reports(build, site))
    (source / "index.md").write_text(index, encoding="utf-8")
    notes = [f"README.md: the link to {t} leaves the site; its text is kept" for t in dropped]
    for nb in notebooks:
        try:
            doc = json.loads(nb.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise BookError(f"{nb.name} cannot be read as a notebook ({exc}); fix or restore the file.") from exc
        page, dropped = book_notebook(doc, nb.stem, pages)
        (source / nb.name).write_text(json.dumps(page, ensure_ascii=False), encoding="utf-8")
        notes += [f"{nb.name}: the link to {t} leaves the site; its text is kept" for t in dropped]
    vendor_files(source / VENDOR)
    return notes


def build(out: Path = OUT, source: Path = SOURCE, notebooks: list[Path] | None = None) -> Path:
    """Build the site into out; return its front page. Sphinx warnings fail the build."""
    notes = write_sources(source, ROOT / "README.md", all_notebooks() if notebooks is None else notebooks, BUILD, out)
    for note in notes:
        print(f"note: {note}")
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", "-j", "auto",
               "-c", str(Path(__file__).parent), "-d", str(source / ".doctrees"), str(source), str(out)]
    done = subprocess.run(command, cwd=ROOT)
    if done.returncode != 0:
        raise BookError("Sphinx reported the problems above; the pages they name need fixing.")
    return out / "index.html"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write the site to (default build/book)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        index = build(args.out.resolve())
    except BookError as exc:
        print(f"make book: {exc}", file=sys.stderr)
        return 1
    shown = index.relative_to(ROOT) if index.is_relative_to(ROOT) else index
    print(f"The course site is {shown} (built in {time.perf_counter() - start:.0f} s); open it in a browser.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
