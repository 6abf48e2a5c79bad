"""Training curves: loss and metrics per epoch, interactive or as a static image, one run or several."""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import plotly.graph_objects as go
from matplotlib.ticker import MaxNLocator
from plotly.subplots import make_subplots

from helpers.plots.base import _finished


def _history_dict(history) -> Mapping[str, Sequence[float]]:
    """The metrics dict of a Keras History object, or the dict itself."""
    return history.history if hasattr(history, "history") else history


def _metric_pairs(hist: Mapping[str, Sequence[float]]) -> list[str]:
    """The training metrics of a history (loss first), each possibly with a val_ partner."""
    names = [k for k in hist if not k.startswith("val_") and k != "learning_rate"]
    return sorted(names, key=lambda k: (k != "loss", k))


def _axis_label(name: str) -> str:
    """A metric's axis label: what it counts, where a name alone does not say."""
    return f"{name} (fraction right)" if "accuracy" in name or name.startswith("top") else name


def _curve_label(key: str) -> str:
    """Legend text that says how each curve was measured: Keras' training figure is a running mean."""
    if key.startswith("val_"):
        return f"validation {key[4:]} (after each epoch)"
    return f"training {key} (running mean over the epoch)"


def _epoch_step(hist: Mapping[str, Sequence[float]]) -> int:
    """Whole-epoch tick spacing: every epoch up to 10 epochs, then about ten ticks."""
    return max(1, math.ceil(max((len(v) for v in hist.values()), default=1) / 10))


def history_figure(history, title: str = "Training history", mark_epoch: int | None = None,
                   mark_label: str = "checkpoint") -> go.Figure:
    """Interactive loss and metric curves per epoch, training against validation; mark_epoch draws a dotted line."""
    hist = _history_dict(history)
    names = _metric_pairs(hist)
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names)
    for col, name in enumerate(names, start=1):
        for key, dash in ((name, "solid"), (f"val_{name}", "dash")):
            if key in hist:
                epochs = list(range(1, len(hist[key]) + 1))
                fig.add_trace(
                    go.Scatter(
                        x=epochs,
                        y=[float(v) for v in hist[key]],
                        name=_curve_label(key),
                        mode="lines+markers",
                        line={"dash": dash},
                        legendgroup=key.replace("val_", ""),
                    ),
                    row=1,
                    col=col,
                )
        fig.update_xaxes(title_text="epoch", tick0=1, dtick=_epoch_step(hist), row=1, col=col)
        fig.update_yaxes(title_text=_axis_label(name), row=1, col=col)
        if mark_epoch is not None:
            fig.add_vline(x=mark_epoch, line_dash="dot", line_color="grey", annotation_text=mark_label,
                          row=1, col=col)
    fig.update_layout(title=title, height=350, width=350 * len(names) + 150, template="plotly_white")
    return fig


def history_figure_static(history, title: str = "Training history", mark_epoch: int | None = None,
                          mark_label: str = "checkpoint") -> plt.Figure:
    """The same curves as history_figure, drawn with Matplotlib for places without JavaScript."""
    hist = _history_dict(history)
    names = _metric_pairs(hist)
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 4.2), squeeze=False)
    for ax, name in zip(axes[0], names, strict=True):
        for key, style in ((name, "-o"), (f"val_{name}", "--o")):
            if key in hist:
                ax.plot(range(1, len(hist[key]) + 1), hist[key], style, markersize=3, label=_curve_label(key))
        if mark_epoch is not None:
            ax.axvline(mark_epoch, color="grey", linestyle=":", label=f"{mark_label} (epoch {mark_epoch})")
        ax.set(title=name, xlabel="epoch", ylabel=_axis_label(name))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))  # whole epochs, even a run of one
        # Under the panel, not on it: a legend inside covers the first epochs' points and tick labels.
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.42), frameon=False)
    fig.suptitle(title)
    return _finished(fig)


def _png_base64(fig: plt.Figure) -> str:
    """A Matplotlib figure as base64 PNG text, closing the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def show_history(history, title: str = "Training history", mark_epoch: int | None = None,
                 mark_label: str = "checkpoint") -> None:
    """Display curves that are interactive in JupyterLab and a PNG everywhere else.

    One output holds both: JupyterLab renders the Plotly JSON (no plotly.js is
    embedded), while GitHub, nbconvert and other viewers fall back to the PNG.
    """
    from IPython.display import display

    bundle = {
        "application/vnd.plotly.v1+json": history_figure(history, title, mark_epoch, mark_label).to_plotly_json(),
        "image/png": _png_base64(history_figure_static(history, title, mark_epoch, mark_label)),
        "text/plain": f"<{title}: {', '.join(_history_dict(history))}>",
    }
    display(bundle, raw=True)


def compare_histories(
    histories: Mapping[str, object], metrics: Sequence[str] = ("accuracy", "loss"), title: str = "Training histories"
) -> plt.Figure:
    """Several models' curves side by side, one panel per metric: validation solid, training dotted, one colour each."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, metric in zip(axes[0], metrics, strict=True):
        for k, (name, history) in enumerate(histories.items()):
            hist, color = _history_dict(history), colors[k % len(colors)]
            for key, style, label in ((f"val_{metric}", "-", name), (metric, ":", None)):
                if key in hist:
                    ax.plot(range(1, len(hist[key]) + 1), hist[key], style, color=color, label=label)
        ax.set(title=f"{metric} (solid: validation, dotted: training)", xlabel="epoch", ylabel=_axis_label(metric))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers, even after 2 of them
        ax.title.set_fontsize(10)
    axes[0][0].legend(fontsize=8)
    fig.suptitle(title)
    return _finished(fig)
