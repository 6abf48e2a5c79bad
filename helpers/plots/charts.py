"""Charts of numbers: confusion matrices, bars, receptive fields and labelled scatter plots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from helpers.plots.base import _finished


def confusion_matrix(
    matrix: np.ndarray,
    class_names: Sequence[str],
    normalize: bool = True,
    title: str = "Confusion matrix",
    what: str = "class",
) -> plt.Figure:
    """A heatmap of a confusion matrix (rows: true class, columns: predicted), in % of each row if normalized.

    what names the labels on the axes and the colour bar, e.g. "superclass" for a coarse matrix.
    """
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
        cbar_kws={"label": f"% of true {what}" if normalize else "images"},
        ax=ax,
    )
    ax.set(xlabel=f"predicted {what}", ylabel=f"true {what}", title=title)
    return _finished(fig)


def bar(
    values: Mapping[str, float], title: str, xlabel: str = "", fmt: str = "{:.1%}", start: float = 0.0
) -> plt.Figure:
    """A horizontal bar chart of named values, each bar labelled with its value.

    start > 0 begins the value axis there, so that small differences show; say so in the label.
    """
    names, numbers = list(values), [float(v) for v in values.values()]
    if start and start >= min(numbers):
        raise ValueError(f"start={start} would hide a bar: the smallest value is {min(numbers)}.")
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(names) + 1))
    bars = ax.barh(names, numbers, color="tab:blue")
    ax.bar_label(bars, labels=[fmt.format(v) for v in numbers], padding=2, fontsize=8)
    if start:
        ax.set_xlim(start, max(numbers) + 0.15 * (max(numbers) - start))  # room for the value labels
    elif min(numbers) < 0:  # a negative bar's label sits left of its end: keep it clear of the names
        low, high = min(numbers), max(max(numbers), 0.0)
        ax.set_xlim(low - 0.15 * (high - low), high + 0.15 * (high - low))
    ax.invert_yaxis()
    ax.set(title=title, xlabel=xlabel)
    return _finished(fig)


FIELD_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:orange")


def receptive_fields(
    examples: Sequence[Mapping], size: float = 3.0, zoom: int | None = None, title: str | None = None
) -> plt.Figure:
    """Per example, a column: the input with the pixels that feed some output pixels, above the output marking them.

    Each example is a dict with "title", "input" and "output" (2-D arrays), "fields" (one boolean
    mask shaped like the input per marked output pixel), "pixels" (the (row, col) of each marked
    output pixel) and optionally "pad" (width of a zero-padding frame included in the input).
    All panels share one pixel scale, so a smaller output looks smaller. zoom=n shows only the
    top-left n x n pixels of every panel, with a line between pixels so that each can be counted.
    """
    if zoom is not None and (isinstance(zoom, bool) or not isinstance(zoom, int) or zoom < 1):
        raise ValueError(f"zoom must be a whole number of pixels of at least 1, got {zoom!r}.")
    extent = zoom or max(max(e["input"].shape[0], e["output"].shape[0]) for e in examples)
    fig, axes = plt.subplots(2, len(examples), figsize=(size * len(examples), size * 2.4), squeeze=False)
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
            box = plt.Rectangle((c - 0.5, r - 0.5), 1, 1, fill=False, ec=color, lw=2.5, clip_on=False, zorder=3)
            bottom.add_patch(box)  # drawn whole, above the panel's edge
        rows, cols = example["output"].shape
        bottom.set_title(f"output {rows} x {cols}", fontsize=9)
        for ax in (top, bottom):
            ax.set(xlim=(-0.5, extent - 0.5), ylim=(extent - 0.5, -0.5), xticks=[], yticks=[])
            if zoom:  # a grid between pixels, so that a field of a few pixels can be counted
                ax.set_xticks(np.arange(extent + 1) - 0.5, minor=True)
                ax.set_yticks(np.arange(extent + 1) - 0.5, minor=True)
                ax.grid(which="minor", color="0.6", lw=0.4)
                ax.tick_params(which="minor", length=0)
    if title:
        fig.suptitle(title, fontsize=11)
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
    height: float = 4.8,
) -> plt.Figure:
    """A scatter plot with each point named, coloured by group when groups are given; 8 inches wide, height tall."""
    if not len(x) == len(y) == len(labels) or (groups is not None and len(groups) != len(x)):
        raise ValueError("x, y, labels (and groups) must have one entry per point.")
    if not height > 0:
        raise ValueError(f"height is the figure's height in inches, more than 0; got {height!r}.")
    fig, ax = plt.subplots(figsize=(8, height))
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
    # Text over text is unreadable: it outweighs every other fault; text over a point comes next.
    cost = 10 * sum(box.overlaps(other) for other in placed) + 3 * sum(d == 0 for d in others)
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
            note.set_in_layout(False)  # a later tight_layout must not move the points the labels were placed for
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
