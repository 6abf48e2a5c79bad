"""Build the run report of one profile: build/<profile>/index.html, from the last run.

    python tools/build_report.py --profile smoke     # after `make run PROFILE=smoke`
    python tools/build_report.py                     # the profile that ran last

The page links every notebook of the last run (rendered to HTML next to it,
with its status and wall time), shows the course's comparison table from
results/<profile>/metrics.json (also written as performance_comparison.csv
beside it) and one interactive chart of parameters against accuracy. plotly.js
is written once, as plotly.min.js beside the page, so it works offline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import sys
from pathlib import Path

import pandas as pd

from helpers.evaluate import ResultsFileError, metrics_path, results_table
from helpers.paths import display_path
from tools.common import BUILD, PROFILES, all_notebooks

PLOTLY_JS = "plotly.min.js"
CSV_NAME = "performance_comparison.csv"
# Columns of the comparison table, in this order; any other recorded field follows them.
LEADING = ("notebook", "model", "params", "epochs", "train_seconds", "test_accuracy", "top5_accuracy")


class ReportError(Exception):
    """The report cannot be built; the message says why and what to run first."""


def last_run(profile: str | None, build: Path = BUILD) -> tuple[str, dict]:
    """The profile to report on and its runner summary (the most recent run when profile is None)."""
    if profile is None:
        summaries = sorted(build.glob("*/summary.json"), key=lambda p: p.stat().st_mtime)
        summaries = [p for p in summaries if p.parent.name in PROFILES]
        if not summaries:
            raise ReportError("No run to report on yet: run `make run PROFILE=smoke` (or quick, or full) first.")
        profile = summaries[-1].parent.name
    path = build / profile / "summary.json"
    if not path.is_file():
        raise ReportError(f"No {profile} run to report on ({display_path(path)} is missing): "
                          f"run `make run PROFILE={profile}` first.")
    try:
        summary = json.loads(path.read_text())
        usable = isinstance(summary["runs"], list) and all(_usable_row(r) for r in summary["runs"])
    except (json.JSONDecodeError, KeyError, TypeError):  # not JSON, no runs, runs not a list of dicts
        usable = False
    if not usable:
        raise ReportError(f"{display_path(path)} is not a summary written by tools/run_notebooks.py; "
                          f"run `make run PROFILE={profile}` again to rewrite it.")
    return profile, summary


def _usable_row(row: object) -> bool:
    """Whether a summary's row is one run_notebooks.py writes: a notebook's name, its status, its wall seconds."""
    return (isinstance(row, dict) and isinstance(row.get("notebook"), str) and isinstance(row.get("status"), str)
            and isinstance(row.get("wall_seconds"), int | float) and not isinstance(row.get("wall_seconds"), bool))


def comparison_table(profile: str) -> pd.DataFrame:
    """helpers.evaluate's table of every recorded model, with the report's columns first."""
    table = results_table(profile)
    columns = [c for c in LEADING if c in table.columns] + [c for c in table.columns if c not in LEADING]
    return table[columns]


def render_notebook(executed: Path, html_dir: Path) -> tuple[str | None, str]:
    """Render one executed notebook to HTML; return (link relative to the page, or None, and a note)."""
    import nbformat
    from nbconvert import HTMLExporter

    if not executed.is_file():
        return None, "no executed copy"
    try:
        body, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.read(executed, as_version=4))
    except Exception as exc:  # nbformat and nbconvert raise many kinds; the page says which
        return None, f"could not be rendered ({type(exc).__name__}: {str(exc)[:120]})"
    html_dir.mkdir(exist_ok=True)
    out = html_dir / f"{executed.stem}.html"
    out.write_text(body, encoding="utf-8")
    return f"{html_dir.name}/{out.name}", ""


def chart(table: pd.DataFrame):
    """Parameters (log scale) against test accuracy, one trace per notebook, details on hover."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for notebook, rows in table.groupby("notebook", sort=True):
        extra = [f"top-5 {v:.1%}" if pd.notna(v) else "" for v in rows.get("top5_accuracy", [None] * len(rows))]
        fig.add_trace(
            go.Scatter(
                x=rows["params"], y=rows["test_accuracy"], mode="markers", name=notebook, marker={"size": 10},
                text=rows["model"], customdata=list(zip(rows["epochs"], rows["train_seconds"], extra, strict=True)),
                hovertemplate="<b>%{text}</b><br>%{x:,} parameters<br>test accuracy %{y:.2%}<br>"
                "%{customdata[0]} epochs, %{customdata[1]} s training<br>%{customdata[2]}"
                "<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        title="Parameters against test accuracy, every model of the course",
        xaxis={"title": "parameters (log scale)", "type": "log"},
        yaxis={"title": "test accuracy", "tickformat": ".0%"},
        template="plotly_white", height=520, legend={"title": "notebook"},
    )
    return fig


def write_plotly_js(folder: Path) -> Path:
    """plotly.js, once per report folder (rewritten only when the installed version differs)."""
    from plotly.offline import get_plotlyjs

    path = folder / PLOTLY_JS
    js = get_plotlyjs()
    if not path.is_file() or path.read_text(encoding="utf-8") != js:
        path.write_text(js, encoding="utf-8")
    return path


def table_html(table: pd.DataFrame) -> str:
    """The comparison table as HTML, with readable numbers."""
    shown = table.copy()
    for column in ("test_accuracy", "top5_accuracy"):
        if column in shown:
            shown[column] = shown[column].map(lambda v: f"{v:.2%}" if pd.notna(v) else "")
    if "params" in shown:
        shown["params"] = shown["params"].map(lambda v: f"{int(v):,}" if pd.notna(v) else "")
    # object columns first: pandas refuses a "" fill in float columns (epochs, seconds)
    return shown.astype(object).fillna("").to_html(index=False, border=0, classes="table", escape=True)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Course run report: {profile}</title>
<script src="{plotly_js}"></script>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ padding: 4px 10px; border-bottom: 1px solid #ddd; text-align: left; }}
td:nth-child(n+3) {{ text-align: right; }}
.ok {{ color: #1a7f37; }} .failed {{ color: #c62828; font-weight: bold; }} .note {{ color: #666; }}
</style></head><body>
<h1>Course run report: profile <code>{profile}</code></h1>
<p class="note">Built {built} from {summary_path} (the last run of this profile) and {metrics}.</p>
<h2>Notebooks of the last run</h2>
<p>{totals}</p>
{runs}
<h2>Every model of the course</h2>
<p class="note">All models recorded for this profile, also in <code>{csv}</code>.
Accuracies of the capstone (CIFAR-100) and the Fashion-MNIST notebooks are on different data sets.</p>
{table}
{chart}
</body></html>
"""


def runs_html(runs: list[dict], links: dict[str, tuple[str | None, str]], not_run: list[str]) -> str:
    """The table of notebooks of the last run: link, status, wall time."""
    rows = []
    for r in runs:
        link, note = links[r["notebook"]]
        name = html.escape(r["notebook"])
        cell = f'<a href="{html.escape(link)}">{name}</a>' if link else f"{name} <span class='note'>({note})</span>"
        css = "ok" if r["status"] == "ok" else "failed"
        rows.append(f"<tr><td>{cell}</td><td class='{css}'>{html.escape(r['status'])}</td>"
                    f"<td>{r['wall_seconds']:.1f}</td></tr>")
    extra = (f"<p class='note'>Not in this run: {html.escape(', '.join(not_run))}.</p>" if not_run else "")
    return ("<table><tr><th>notebook</th><th>status</th><th>wall seconds</th></tr>" + "".join(rows) + "</table>"
            + extra)


def build(profile: str | None = None, build_root: Path = BUILD) -> Path:
    """Build the report of a profile's last run; return the index page's path."""
    profile, summary = last_run(profile, build_root)
    folder = build_root / profile
    runs = summary["runs"]
    links = {r["notebook"]: render_notebook(folder / f"{r['notebook']}.ipynb", folder / "html") for r in runs}
    in_run = {r["notebook"] for r in runs}
    not_run = [p.stem for p in all_notebooks() if p.stem not in in_run]

    table = comparison_table(profile)
    csv = metrics_path(profile).with_name(CSV_NAME)
    csv.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(csv, index=False)

    write_plotly_js(folder)
    if table.empty:
        figure = "<p>No results recorded for this profile yet.</p>"
    else:
        figure = chart(table).to_html(full_html=False, include_plotlyjs=False, div_id="params-vs-accuracy")
    failed = sum(r["status"] != "ok" for r in runs)
    totals = (f"{len(runs)} notebook{'s' * (len(runs) != 1)}: {len(runs) - failed} ok, {failed} failed, "
              f"{sum(r['wall_seconds'] for r in runs):.0f} s in all.")
    page = PAGE.format(
        profile=html.escape(profile),
        plotly_js=PLOTLY_JS,
        built=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        summary_path=html.escape(display_path(folder / "summary.json")),
        metrics=html.escape(display_path(metrics_path(profile))),
        totals=totals,
        runs=runs_html(runs, links, not_run),
        csv=html.escape(display_path(csv)),
        table=table_html(table) if not table.empty else "",
        chart=figure,
    )
    index = folder / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=PROFILES, help="default: the profile of the most recent run")
    args = parser.parse_args(argv)
    try:
        index = build(args.profile, BUILD)
    except (ReportError, ResultsFileError) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Report: {display_path(index)} (open it in a browser; it works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
