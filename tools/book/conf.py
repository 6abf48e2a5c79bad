"""Sphinx configuration of the course site; tools/book/build_book.py writes the sources and runs Sphinx with it."""

from __future__ import annotations

from pathlib import Path

from docutils.nodes import SkipNode

from tools.book.build_book import VENDOR
from tools.conventions import jupyterlab_anchor

project = "Convolutional networks for image classification, in Keras 3"
author = "the course's authors"
extensions = ["myst_nb"]
exclude_patterns = [VENDOR, ".doctrees", "**.ipynb_checkpoints"]
root_doc = "index"

# The pages show the committed outputs of the full run; nothing is executed.
nb_execution_mode = "off"
nb_output_stderr = "show"  # the notebook lint keeps stderr out of committed outputs
nb_merge_streams = True
nb_code_prompt_show = "Show the solution"  # only solution cells are folded (tagged hide-cell by the build)
nb_code_prompt_hide = "Hide the solution"
myst_enable_extensions = ["dollarmath"]
# The notebooks' **Contents** links use JupyterLab's anchors; MyST resolves them with the same rule.
myst_heading_anchors = 4
myst_heading_slug_func = "tools.conventions.jupyterlab_anchor"
suppress_warnings = ["myst.header"]  # notebooks start sections at ## under one # title per page

html_theme = "sphinx_book_theme"
html_title = "CNN course"
html_static_path = ["static"]  # and the sources' _vendor folder (plotly.js), added by add_vendor_files
html_css_files = ["course.css"]
html_context = {"default_mode": "light"}  # else the theme logs an error on a first visit
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
}
# Formulas become MathML when the site is built, which browsers draw themselves: no MathJax, no
# fonts to fetch (Chromium refuses web fonts on pages opened from disk), nothing from the network.
html_math_renderer = "mathml"


def add_vendor_files(app, config) -> None:
    """Publish the _vendor folder of the sources being built (build_book.py copies plotly.js there)."""
    config.html_static_path.append(str(Path(app.srcdir) / VENDOR))


def add_jupyterlab_ids(app, doctree) -> None:
    """Give each section JupyterLab's anchor as a second id, so links copied from JupyterLab land too."""
    from docutils import nodes

    for section in doctree.findall(nodes.section):
        anchor = jupyterlab_anchor(section[0].astext()) if section.children else ""
        if anchor and anchor not in section["ids"]:
            section["ids"].append(anchor)


def add_plotly(app, pagename, templatename, context, doctree) -> None:
    """Load the one local plotly.js on the pages that draw Plotly figures."""
    if "plotly-graph-div" in context.get("body", ""):
        app.add_js_file("plotly.min.js")


def mathml(latex: str, display: bool) -> str:
    """A LaTeX formula as MathML."""
    from latex2mathml.converter import convert

    return convert(latex, display="block" if display else "inline")


def visit_math(self, node) -> None:
    """Write an inline formula as MathML."""
    self.body.append(mathml(node.astext(), display=False))
    raise SkipNode


def visit_displaymath(self, node) -> None:
    """Write a display formula as MathML."""
    self.body.append(f'<div class="math">{mathml(node.astext(), display=True)}</div>')
    raise SkipNode


def setup(app) -> None:
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", add_vendor_files)
    app.connect("doctree-read", add_jupyterlab_ids)
    app.connect("html-page-context", add_plotly)
