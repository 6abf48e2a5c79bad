"""Every link and section reference in the notebooks, the README and docs/ resolves, checked offline.

- A relative link names a file that exists, and its #anchor names a heading of that file: by JupyterLab's
  rule for a notebook (the heading's text, spaces turned into '-'), by GitHub's rule for a .md file.
- An http(s) link is not fetched (the tests run offline) but must be a well-formed address.
- A reference in words resolves too: "README: 'Notebook 09 with the real data'" names a README heading,
  "section 5" and "exercise 3" name a section or exercise of the notebook that says them, and
  "notebook 02's exercise 4" or "section 6 of notebook 09" one of that notebook.
Each kind of problem is proved to be caught on a small course broken on purpose.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tools.cells import prose_lines, source, text

ROOT = Path(__file__).resolve().parents[1]

INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\))?)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)"
)
REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)
HTML_LINK = re.compile(r"""<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
HTML_ID = re.compile(r"""<[a-z]+\b[^>]*?\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::\d+)?")
# "README: 'Notebook 09 with the real data'", 'README, "Notebook 09 with the real data"', "README section 'X'"
README_REFERENCE = re.compile(r"README(?:\.md)?(?:'s)?(?:\s+section)?\s*[,:]?\s*[\"'“‘]([^\"'”’]{3,80})[\"'”’]")
NUMBERED = r"(section|exercise)s? (\d+)(?:(?:,| and) (\d+))?"
OTHER_NOTEBOOK = re.compile(rf"notebook (\d\d)'s {NUMBERED}|{NUMBERED} of notebook (\d\d)", re.IGNORECASE)
THIS_NOTEBOOK = re.compile(rf"\b{NUMBERED}\b", re.IGNORECASE)


def documents(root: Path) -> list[Path]:
    """The files whose links are checked: the notebooks, the README and the pages under docs/."""
    found = sorted((root / "notebooks").glob("*.ipynb")) + sorted((root / "docs").glob("*.md"))
    return found + [root / "README.md"] if (root / "README.md").is_file() else found


def cells(path: Path) -> list[dict]:
    """A notebook's cells."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def unfenced(markdown: str) -> str:
    """Markdown without its fenced code blocks."""
    return "\n".join(prose_lines(markdown))


def markdown_parts(path: Path) -> list[tuple[str, str]]:
    """(where, markdown) of a document: the whole .md file, or each markdown cell of a notebook."""
    if path.suffix == ".md":
        return [(path.name, path.read_text(encoding="utf-8"))]
    return [
        (f"{path.name} cell {i}", source(c))
        for i, c in enumerate(cells(path))
        if c["cell_type"] == "markdown"
    ]


def without_code(markdown: str) -> str:
    """Markdown without fenced code blocks and inline code, whose brackets are not links."""
    return INLINE_CODE.sub(" ", unfenced(markdown))


def links(markdown: str) -> list[str]:
    """Every link target of a markdown text: inline links and images, references, HTML, autolinks."""
    text = without_code(markdown)
    return [m.group(1) for pattern in (LINK, REFERENCE_DEFINITION, HTML_LINK, AUTOLINK) for m in pattern.finditer(text)]


def rendered(heading: str) -> str:
    """The text a heading shows: links by their text, code by its content, no emphasis marks or tags."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"<[^>]+>", "", text)
    parts = re.split(r"(`[^`]*`)", text)  # emphasis marks count outside code only
    return "".join(p.strip("`") if p.startswith("`") else re.sub(r"(?<!\w)[*_]+|[*_]+(?!\w)", "", p) for p in parts)


def headings(markdown: str) -> list[str]:
    """The rendered text of every ATX heading outside fenced code."""
    return [rendered(m.group(1)).strip() for m in HEADING.finditer(unfenced(markdown))]


def github_anchors(markdown: str) -> set[str]:
    """GitHub's anchors of a .md file's headings: lower case, punctuation dropped, spaces to '-', -1 on repeats."""
    anchors, seen = set(HTML_ID.findall(markdown)), {}
    for heading in headings(markdown):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
        seen[slug] = seen.get(slug, 0) + 1
    return anchors


def jupyter_anchors(markdown: str) -> set[str]:
    """The anchors JupyterLab gives a notebook's headings: the heading's text with each space turned into '-'."""
    return set(HTML_ID.findall(markdown)) | {heading.replace(" ", "-") for heading in headings(markdown)}


@cache
def anchors(path: Path) -> frozenset[str]:
    """Every anchor a link into this file may name."""
    if path.suffix == ".ipynb":
        return frozenset(a for _, md in markdown_parts(path) for a in jupyter_anchors(md))
    return frozenset(github_anchors(path.read_text(encoding="utf-8")))


def link_problem(source: Path, target: str) -> str | None:
    """What is wrong with one link of a document, or None."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        if not HOST.fullmatch(parts.netloc) or any(c.isspace() for c in target):
            return f"{target!r} is not a well-formed web address"
        return None
    if parts.scheme == "mailto":
        return None
    if parts.scheme or target.startswith("//"):
        return f"{target!r}: only relative links and http(s) addresses work for every reader"
    path, _, fragment = target.partition("#")
    file = (source.parent / unquote(path)).resolve() if path else source
    if not file.exists():
        return f"{target!r}: there is no {unquote(path)} next to {source.name}"
    if fragment and file.suffix in (".md", ".ipynb") and unquote(fragment) not in anchors(file):
        rule = "JupyterLab's rule: the heading text, spaces as '-'" if file.suffix == ".ipynb" else "GitHub's rule"
        return f"{target!r}: {file.name} has no heading with the anchor #{unquote(fragment)} ({rule})"
    return None


def link_problems(root: Path) -> list[str]:
    """Every broken link of the course's documents."""
    anchors.cache_clear()
    return [
        f"{where}: {problem}"
        for doc in documents(root)
        for where, md in markdown_parts(doc)
        for target in links(md)
        if (problem := link_problem(doc, target))
    ]


def numbered(path: Path) -> dict[str, set[str]]:
    """The numbers of a notebook's sections (`## 3. ...`) and exercises (`**3. ...` under `## Exercises`)."""
    found: dict[str, set[str]] = {"section": set(), "exercise": set()}
    in_exercises = False
    for _, md in markdown_parts(path):
        for line in unfenced(md).splitlines():
            if line.startswith("## "):
                in_exercises = line.strip() == "## Exercises"
                if m := re.match(r"## (\d+)\. ", line):
                    found["section"].add(m.group(1))
            elif in_exercises and (m := re.match(r"\*\*(\d+)\. ", line)):
                found["exercise"].add(m.group(1))
    return found


def all_text(path: Path) -> list[tuple[str, str]]:
    """(where, text) of every cell of a notebook: markdown, code and the code's textual outputs."""
    found = []
    for i, c in enumerate(cells(path)):
        texts = [source(c)]
        for out in c.get("outputs", []):
            texts += [text(out.get("text", ""))] + [
                text(v) for k, v in out.get("data", {}).items() if k.startswith("text/")
            ]
        found.append((f"{path.name} cell {i}", "\n".join(texts)))
    return found


def reference_problems(root: Path) -> list[str]:
    """Every section reference in words that names no section: README headings, sections, exercises."""
    readme = root / "README.md"
    readme_anchors = github_anchors(readme.read_text(encoding="utf-8")) if readme.is_file() else set()
    notebooks = {p.name[:2]: p for p in (root / "notebooks").glob("*.ipynb")}
    problems = []
    for doc in documents(root):
        parts = all_text(doc) if doc.suffix == ".ipynb" else markdown_parts(doc)
        for where, said in parts:
            said = " ".join(said.split())  # a name may be broken over two lines
            for name in README_REFERENCE.findall(said):
                if github_anchors(f"# {name}") - readme_anchors:
                    problems.append(f"{where}: the README has no section {name!r}")
            if doc.suffix == ".ipynb":
                problems += [f"{where}: {p}" for p in numbered_problems(said, doc.name[:2], notebooks)]
    return problems


def numbered_problems(text: str, own: str, notebooks: dict[str, Path]) -> list[str]:
    """References such as "section 5", "exercise 3" or "notebook 02's exercise 4" that name nothing."""
    problems, elsewhere = [], []
    for m in OTHER_NOTEBOOK.finditer(text):
        number, kind, first, second = (m.group(1), *m.group(2, 3, 4)) if m.group(1) else (m.group(8), *m.group(5, 6, 7))
        elsewhere.append(m.span())
        problems += check_numbers(notebooks.get(number), f"notebook {number}", kind.lower(), (first, second))
    for m in THIS_NOTEBOOK.finditer(text):
        if not any(start <= m.start() < end for start, end in elsewhere):
            problems += check_numbers(notebooks.get(own), "this notebook", m.group(1).lower(), m.group(2, 3))
    return problems


def check_numbers(path: Path | None, name: str, kind: str, numbers: tuple[str | None, ...]) -> list[str]:
    """Problems with references to sections or exercises of one notebook."""
    if path is None:
        return [f"it refers to {name}, which does not exist"]
    have = numbered(path)[kind]
    return [
        f"it refers to {kind} {n} of {name}, which has {kind}s {sorted(have, key=int)}"
        for n in numbers
        if n and n not in have
    ]


# ----- the course as it is -----


def test_every_link_resolves():
    problems = link_problems(ROOT)
    assert not problems, "\n".join(problems)


def test_every_section_reference_resolves():
    problems = reference_problems(ROOT)
    assert not problems, "\n".join(problems)


def test_the_checks_see_the_course():
    # A check that finds nothing to check proves nothing: the course has links, anchors and references.
    targets = [t for doc in documents(ROOT) for _, md in markdown_parts(doc) for t in links(md)]
    assert any("#" in t for t in targets) and any(t.startswith("https://") for t in targets)
    assert any(t.endswith(".ipynb") for t in targets) and len(documents(ROOT)) >= 10


# ----- a small course, and ways to break it -----


def notebook(*markdown: str) -> str:
    """A notebook of markdown cells."""
    return json.dumps(
        {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": m} for m in markdown],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def small_course(root: Path) -> Path:
    """A course of two notebooks, a README and one page under docs/, all of whose links resolve."""
    (root / "notebooks").mkdir(parents=True)
    (root / "docs").mkdir()
    (root / "README.md").write_text(
        "# The course\n\n## Quick start\n\nOpen [the first notebook](notebooks/01_a.ipynb#1.-Load-the-data) "
        "and read [the data page](docs/data.md#where-the-data-comes-from-helpersdata).\n\n"
        "## Notebook 09 with the real data\n\n## Quick start\n\nSee [above](#quick-start-1) and "
        "[the site](https://keras.io/api/layers/).\n"
    )
    (root / "docs" / "data.md").write_text(
        "# Data\n\n## Where the data comes from (`helpers.data`)\n\nBack to the [README](../README.md#quick-start).\n"
    )
    (root / "notebooks" / "01_a.ipynb").write_text(
        notebook(
            "# 01 · A\n\n**Contents**\n1. [Load the data](#1.-Load-the-data)\n2. [Train: *fast*](#2.-Train:-fast)",
            "## 1. Load the data\n\nAs section 2 shows, and exercise 1 asks.",
            "## 2. Train: *fast*\n\n```\n[not a link](nowhere.md)\n```",
            "## Exercises\n\n**1. Try.** Compare with notebook 02's section 1.",
            "**Next:** [02](02_b.ipynb), and the README section 'Notebook 09 with the real data'.",
        )
    )
    (root / "notebooks" / "02_b.ipynb").write_text(
        notebook(
            "# 02 · B\n\n## 1. More\n\nSee section 1 of notebook 01 and "
            "[the README](../README.md#notebook-09-with-the-real-data)."
        )
    )
    return root


def test_the_small_course_passes(tmp_path):
    root = small_course(tmp_path)
    assert link_problems(root) == [] and reference_problems(root) == []


def break_text(relative: str, old: str, new: str):
    def breakage(root: Path) -> None:
        path = root / relative
        text = path.read_text()
        assert old in text, (old, relative)
        path.write_text(text.replace(old, new, 1))

    return breakage


LINK_BREAKAGES = {
    "a missing file": break_text("README.md", "docs/data.md#", "docs/date.md#"),
    "a notebook anchor in GitHub's style": break_text("README.md", "#1.-Load-the-data", "#1-load-the-data"),
    "a heading renamed under its anchor": break_text(
        "notebooks/01_a.ipynb", "## 2. Train: *fast*", "## 2. Train: *quickly*"
    ),
    "a .md anchor in JupyterLab's style": break_text("docs/data.md", "#quick-start", "#Quick-start"),
    "a repeated heading without its -1": break_text("README.md", "#quick-start-1", "#quick-start-2"),
    "a missing README section": break_text("notebooks/02_b.ipynb", "#notebook-09-with", "#notebook-9-with"),
    "a malformed address": break_text("README.md", "https://keras.io/api/layers/", "https//keras.io/api/layers/"),
    "an address with no host": break_text("README.md", "https://keras.io/api/layers/", "https:///api/layers/"),
    "a machine path": break_text("docs/data.md", "../README.md#quick-start", "file:///home/me/README.md"),
}

REFERENCE_BREAKAGES = {
    "a README section named in words": break_text(
        "notebooks/01_a.ipynb", "'Notebook 09 with the real data'", "'Notebook 09 on real data'"
    ),
    "a section of this notebook": break_text("notebooks/01_a.ipynb", "As section 2 shows", "As section 3 shows"),
    "an exercise of this notebook": break_text("notebooks/01_a.ipynb", "exercise 1 asks", "exercise 2 asks"),
    "a section of another notebook": break_text(
        "notebooks/01_a.ipynb", "notebook 02's section 1", "notebook 02's section 4"
    ),
    "a notebook that does not exist": break_text("notebooks/02_b.ipynb", "of notebook 01", "of notebook 07"),
}


@pytest.mark.parametrize("case", LINK_BREAKAGES, ids=list(LINK_BREAKAGES))
def test_a_broken_link_is_caught(tmp_path, case):
    root = small_course(tmp_path)
    LINK_BREAKAGES[case](root)
    assert len(link_problems(root)) == 1, link_problems(root)


@pytest.mark.parametrize("case", REFERENCE_BREAKAGES, ids=list(REFERENCE_BREAKAGES))
def test_a_broken_reference_is_caught(tmp_path, case):
    root = small_course(tmp_path)
    REFERENCE_BREAKAGES[case](root)
    assert len(reference_problems(root)) == 1, reference_problems(root)


def test_a_copy_of_the_course_fails_when_a_real_heading_changes(tmp_path):
    for part in ("notebooks", "docs"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, tmp_path / part)
    shutil.copy(ROOT / "README.md", tmp_path / "README.md")
    before = link_problems(tmp_path)
    path = tmp_path / "notebooks" / "07_regularization.ipynb"
    text = path.read_text(encoding="utf-8")
    assert "## 3. Reading the curves: the baseline" in text
    path.write_text(text.replace("## 3. Reading the curves: the baseline", "## 3. Reading curves"), encoding="utf-8")
    after = link_problems(tmp_path)
    assert len(after) > len(before) and any("#3.-Reading-the-curves:-the-baseline" in p for p in after)
