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
    for ax, name in zip(axes[0], names, strict=True):
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
        f"{class_names[p]} {c:.0%}\n(true: {class_names[t]})"
        for p, c, t in zip(predicted, confidence, y_true, strict=True)
    ]
    colors = [RIGHT if p == t else WRONG for p, t in zip(predicted, y_true, strict=True)]
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


FIELD_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:orange")


def receptive_fields(examples: Sequence[Mapping], size: float = 3.0) -> plt.Figure:
    """Per example, a column: the input with the pixels that feed some output pixels, above the output marking them.

    Each example is a dict with "title", "input" and "output" (2-D arrays), "fields" (one boolean
    mask shaped like the input per marked output pixel), "pixels" (the (row, col) of each marked
    output pixel) and optionally "pad" (width of a zero-padding frame included in the input).
    All panels share one pixel scale, so a smaller output looks smaller.
    """
    extent = max(max(e["input"].shape[0], e["output"].shape[0]) for e in examples)
    fig, axes = plt.subplots(2, len(examples), figsize=(size * len(examples), size * 2.15), squeeze=False)
    for col, example in enumerate(examples):
        if len(example["fields"]) != len(example["pixels"]) or len(example["pixels"]) > len(FIELD_COLORS):
            raise ValueError(f"{example['title']!r}: give one field per marked pixel, at most {len(FIELD_COLORS)}.")
        top, bottom = axes[0, col], axes[1, col]
        top.imshow(example["input"], cmap="gray", vmin=0, vmax=max(1e-9, float(np.max(example["input"]))))
        for mask, color in zip(example["fields"], FIELD_COLORS, strict=False):
            if mask.shape != example["input"].shape:
                raise ValueError(
                    f"{example['title']!r}: a field of shape {mask.shape} on an input of {example['input'].shape}."
                )
            overlay = np.zeros((*mask.shape, 4))
            overlay[mask] = matplotlib.colors.to_rgba(color, alpha=0.65)
            top.imshow(overlay)
        pad = example.get("pad", 0)
        if pad:
            n = example["input"].shape[0] - 2 * pad
            top.add_patch(plt.Rectangle((pad - 0.5, pad - 0.5), n, n, fill=False, ec="gold", ls="--", lw=1.2))
        rows, cols = example["input"].shape
        frame = f" (zero frame {pad})" if pad else ""
        top.set_title(f"{example['title']}\ninput {rows} x {cols}{frame}", fontsize=9)
        bottom.imshow(example["output"], cmap="gray")
        for (r, c), color in zip(example["pixels"], FIELD_COLORS, strict=False):
            bottom.add_patch(plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec=color, lw=2.5))
        rows, cols = example["output"].shape
        bottom.set_title(f"output {rows} x {cols}", fontsize=9)
        for ax in (top, bottom):
            ax.set(xlim=(-0.5, extent - 0.5), ylim=(extent - 0.5, -0.5), xticks=[], yticks=[])
    return _finished(fig)


def labelled_scatter(
    x: Sequence[float],
    y: Sequence[float],
    labels: Sequence[str],
    xlabel: str,
    ylabel: str,
    title: str,
    groups: Sequence[str] | None = None,
    logx: bool = False,
) -> plt.Figure:
    """A scatter plot with each point named, coloured by group when groups are given."""
    if not len(x) == len(y) == len(labels) or (groups is not None and len(groups) != len(x)):
        raise ValueError("x, y, labels (and groups) must have one entry per point.")
    fig, ax = plt.subplots(figsize=(8, 4.8))
    groups = list(groups) if groups is not None else [""] * len(x)
    for group in dict.fromkeys(groups):  # first-seen order
        idx = [i for i, g in enumerate(groups) if g == group]
        ax.scatter([x[i] for i in idx], [y[i] for i in idx], s=40, label=group or None, zorder=3)
    if logx:
        ax.set_xscale("log")
        # Plain numbers at 1, 2 and 5 of each decade: the default minor labels (2x10^4 ...) collide.
        ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.margins(x=0.15, y=0.1)  # room for the labels of the outermost points
    ax.grid(True, alpha=0.3)
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    if any(groups):
        ax.legend(fontsize=8)
    fig.tight_layout()
    _place_labels(ax, x, y, labels)
    return _finished(fig)


# Offsets (points) tried in turn for a point's label: beside it first, then above and below, then further out
# (those with a thin line back to the point).
_LABEL_OFFSETS = [(5, 4), (5, -11), (-5, 4), (-5, -11), (0, 9), (0, -16), (10, 18), (10, -26), (-10, 18), (-10, -26)]


def _distance(box, point: np.ndarray) -> float:
    """Display distance from a point to the nearest edge of a box (0 inside it)."""
    return float(np.hypot(max(box.x0 - point[0], 0, point[0] - box.x1), max(box.y0 - point[1], 0, point[1] - box.y1)))


def _label_cost(box, k: int, points: np.ndarray, placed: list, frame) -> int:
    """How badly a label box sits: overlaps with labels and points, nearer another point than its own, outside."""
    own = _distance(box, points[k])
    others = [_distance(box, p) for j, p in enumerate(points) if j != k]
    cost = 2 * sum(box.overlaps(other) for other in placed) + 2 * sum(d == 0 for d in others)
    cost += sum(d < own for d in others)  # a reader would pair it with that point
    return cost + (0 if frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1) else 2)


def _place_labels(ax: plt.Axes, x: Sequence[float], y: Sequence[float], labels: Sequence[str]) -> None:
    """Annotate each point at the first offset where its label overlaps nothing and sits nearest its own point."""
    renderer = ax.figure.canvas.get_renderer()
    points = ax.transData.transform(np.column_stack([x, y]))
    frame = ax.get_window_extent(renderer)
    placed: list = []
    for k, (xi, yi, label) in enumerate(zip(x, y, labels, strict=True)):
        best, best_cost = None, None
        for dx, dy in _LABEL_OFFSETS:
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            line = {"arrowstyle": "-", "color": "0.5", "lw": 0.6} if abs(dy) > 16 else None
            note = ax.annotate(
                label, (xi, yi), textcoords="offset points", xytext=(dx, dy), fontsize=8, ha=ha, arrowprops=line
            )
            cost = _label_cost(note.get_window_extent(renderer).expanded(1.05, 1.1), k, points, placed, frame)
            if best_cost is None or cost < best_cost:
                if best is not None:
                    best.remove()
                best, best_cost = note, cost
            else:
                note.remove()
            if cost == 0:
                break
        placed.append(best.get_window_extent(renderer))


def signed_grid(
    panels: Sequence[np.ndarray],
    cols: int = 8,
    titles: Sequence[str] | None = None,
    row_labels: Sequence[str] | None = None,
    title: str = "",
    shared_scale: bool = True,
    size: float = 1.1,
) -> plt.Figure:
    """2-D arrays (kernels, feature maps) in a grid: red positive, blue negative, white exactly zero."""
    panels = [np.asarray(p, dtype=float).squeeze() for p in panels]
    rows = max(1, int(np.ceil(len(panels) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size + 1.2, rows * size * 1.1 + 0.4), squeeze=False)
    shared = max((float(np.abs(p).max()) for p in panels), default=0.0) or 1.0
    image = None
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        if i >= len(panels):
            ax.axis("off")
            continue
        limit = shared if shared_scale else (float(np.abs(panels[i]).max()) or 1.0)
        image = ax.imshow(panels[i], cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
        if titles is not None and titles[i]:
            ax.set_title(titles[i], fontsize=8)
    if row_labels is not None:
        for row, label in zip(axes[:, 0], row_labels, strict=False):
            row.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    if shared_scale and image is not None:
        fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, pad=0.02)
    plt.close(fig)
    return fig


def overlay_grid(
    images: np.ndarray,
    heatmaps: np.ndarray,
    titles: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    cols: int = 8,
    alpha: float = 0.5,
    size: float = 1.6,
) -> plt.Figure:
    """Grayscale images with a heatmap (any resolution, stretched over the image) laid on top."""
    rows = max(1, int(np.ceil(len(images) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * 1.25), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        image = np.asarray(images[i]).squeeze()
        height, width = image.shape
        ax.imshow(image, cmap="gray")
        # extent stretches the coarse heatmap over the whole image; bilinear smooths its cells
        ax.imshow(np.asarray(heatmaps[i]).squeeze(), cmap="jet", alpha=alpha, vmin=0, vmax=1,
                  extent=(-0.5, width - 0.5, height - 0.5, -0.5), interpolation="bilinear")
        if titles is not None:
            ax.set_title(titles[i], fontsize=8, color=colors[i] if colors else "black")
    return _finished(fig)


def top_k_predictions(
    images: np.ndarray,
    y_true: np.ndarray,
    probabilities: np.ndarray,
    class_names: Sequence[str],
    k: int = 5,
    cols: int = 4,
) -> plt.Figure:
    """Images with their k most probable classes listed below; the true class's line is blue and bold."""
    y_true = np.asarray(y_true).ravel()
    rows = max(1, int(np.ceil(len(images) / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 2.4, rows * (2.0 + 0.2 * k)), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(images):
            continue
        image = images[i]
        ax.imshow(image.squeeze(), cmap="gray" if image.ndim == 2 or image.shape[-1] == 1 else None)
        ranked = np.argsort(-probabilities[i])[:k]
        ax.set_title(f"true: {class_names[y_true[i]]}", fontsize=8, color=RIGHT if y_true[i] in ranked else WRONG)
        for rank, label in enumerate(ranked):
            right = label == y_true[i]
            # Offsets in points, not axes fractions: the lines keep their spacing however the image is sized.
            ax.annotate(f"{rank + 1}. {class_names[label]} {probabilities[i, label]:.0%}", xy=(0.0, 0.0),
                        xycoords="axes fraction", xytext=(0, -3 - 10 * rank), textcoords="offset points",
                        va="top", fontsize=7.5, color=RIGHT if right else "black",
                        fontweight="bold" if right else "normal")
    # tight_layout leaves the guesses out of its sums: pad each row by their height (10 points a line).
    fig.tight_layout(h_pad=1.0 + 10 * k / plt.rcParams["font.size"])
    plt.close(fig)
    return fig


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
