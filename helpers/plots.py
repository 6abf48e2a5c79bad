"""Figures the notebooks share. Each function returns its figure; notebooks display it."""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

RIGHT, WRONG = "tab:blue", "tab:red"


def _finished(fig: plt.Figure) -> plt.Figure:
    """Lay out and close a figure, so Jupyter shows it once: as the value a cell returns."""
    fig.tight_layout()
    plt.close(fig)
    return fig


def set_defaults() -> None:
    """Plot defaults of the course: readable sizes, no clutter, sharp PNGs that stay small."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib.rcParams.update(
        {"figure.figsize": (7, 4), "figure.dpi": 80, "savefig.dpi": 80, "image.cmap": "gray", "axes.grid": False}
    )


def _history_dict(history) -> Mapping[str, Sequence[float]]:
    """The metrics dict of a Keras History object, or the dict itself."""
    return history.history if hasattr(history, "history") else history


def _metric_pairs(hist: Mapping[str, Sequence[float]]) -> list[str]:
    """The training metrics of a history (loss first), each possibly with a val_ partner."""
    names = [k for k in hist if not k.startswith("val_") and k != "learning_rate"]
    return sorted(names, key=lambda k: (k != "loss", k))


def history_figure(history, title: str = "Training history") -> go.Figure:
    """Interactive loss and metric curves per epoch, training against validation."""
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
                        name=key,
                        mode="lines+markers",
                        line={"dash": dash},
                        legendgroup=key.replace("val_", ""),
                    ),
                    row=1,
                    col=col,
                )
        fig.update_xaxes(title_text="epoch", row=1, col=col)
    fig.update_layout(title=title, height=350, width=350 * len(names) + 150, template="plotly_white")
    return fig


def history_figure_static(history, title: str = "Training history") -> plt.Figure:
    """The same curves as history_figure, drawn with Matplotlib for places without JavaScript."""
    hist = _history_dict(history)
    names = _metric_pairs(hist)
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), squeeze=False)
    for ax, name in zip(axes[0], names):
        for key, style in ((name, "-o"), (f"val_{name}", "--o")):
            if key in hist:
                ax.plot(range(1, len(hist[key]) + 1), hist[key], style, markersize=3, label=key)
        ax.set(title=name, xlabel="epoch")
        ax.legend()
    fig.suptitle(title)
    return _finished(fig)


def _png_base64(fig: plt.Figure) -> str:
    """A Matplotlib figure as base64 PNG text, closing the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def show_history(history, title: str = "Training history") -> None:
    """Display curves that are interactive in JupyterLab and a PNG everywhere else.

    One output holds both: JupyterLab renders the Plotly JSON (no plotly.js is
    embedded), while GitHub, nbconvert and other viewers fall back to the PNG.
    """
    from IPython.display import display

    bundle = {
        "application/vnd.plotly.v1+json": history_figure(history, title).to_plotly_json(),
        "image/png": _png_base64(history_figure_static(history, title)),
        "text/plain": f"<{title}: {', '.join(_history_dict(history))}>",
    }
    display(bundle, raw=True)


def image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    cols: int = 10,
    size: float = 1.3,
) -> plt.Figure:
    """Images in a grid, each with an optional coloured title."""
    rows = max(1, int(np.ceil(len(images) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * 1.25), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(images):
            image = images[i]
            ax.imshow(image.squeeze(), cmap="gray" if image.ndim == 2 or image.shape[-1] == 1 else None)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8, color=colors[i] if colors else "black")
    return _finished(fig)


def samples_per_class(
    images: np.ndarray, labels: np.ndarray, class_names: Sequence[str], per_class: int = 8
) -> plt.Figure:
    """The first few images of every class, one row per class, labelled on the left."""
    labels = np.asarray(labels).ravel()
    n = len(class_names)
    fig, axes = plt.subplots(n, per_class, figsize=(per_class * 0.7 + 1.4, n * 0.75), squeeze=False)
    for row, name in enumerate(class_names):
        picks = np.flatnonzero(labels == row)[:per_class]
        for col, ax in enumerate(axes[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            ax.grid(False)
            for spine in ax.spines.values():
                spine.set_visible(False)
            if col < len(picks):
                ax.imshow(images[picks[col]].squeeze(), cmap="gray")
        axes[row, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
    return _finished(fig)


def prediction_grid(
    images: np.ndarray,
    y_true: np.ndarray,
    probabilities: np.ndarray,
    class_names: Sequence[str],
    cols: int = 6,
) -> plt.Figure:
    """Images titled with predicted class and confidence over the true class; blue right, red wrong."""
    y_true = np.asarray(y_true).ravel()
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    titles = [
        f"{class_names[p]} {c:.0%}\n(true: {class_names[t]})" for p, c, t in zip(predicted, confidence, y_true)
    ]
    colors = [RIGHT if p == t else WRONG for p, t in zip(predicted, y_true)]
    return image_grid(images, titles, colors, cols=cols, size=1.8)


def confusion_matrix(
    matrix: np.ndarray, class_names: Sequence[str], normalize: bool = True, title: str = "Confusion matrix"
) -> plt.Figure:
    """A heatmap of a confusion matrix (rows: true class, columns: predicted), in % of each row if normalized."""
    import seaborn as sns

    matrix = np.asarray(matrix)
    values = matrix / matrix.sum(axis=1, keepdims=True).clip(min=1) * 100 if normalize else matrix
    size = max(5.0, 0.55 * len(class_names) + 1.5)
    fig, ax = plt.subplots(figsize=(size + 1.2, size))
    sns.heatmap(
        values,
        annot=len(class_names) <= 20,
        fmt=".0f" if normalize else "d",
        cmap="Blues",
        xticklabels=class_names,
        yticklabels=class_names,
        cbar_kws={"label": "% of true class" if normalize else "images"},
        ax=ax,
    )
    ax.set(xlabel="predicted class", ylabel="true class", title=title)
    return _finished(fig)


def bar(values: Mapping[str, float], title: str, xlabel: str = "", fmt: str = "{:.1%}") -> plt.Figure:
    """A horizontal bar chart of named values, each bar labelled with its value."""
    names, numbers = list(values), [float(v) for v in values.values()]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(names) + 1))
    bars = ax.barh(names, numbers, color="tab:blue")
    ax.bar_label(bars, labels=[fmt.format(v) for v in numbers], padding=2, fontsize=8)
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel)
    return _finished(fig)


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
        ax.set(title=f"{metric} (solid: validation, dotted: training)", xlabel="epoch")
        ax.title.set_fontsize(10)
    axes[0][0].legend(fontsize=8)
    fig.suptitle(title)
    return _finished(fig)
