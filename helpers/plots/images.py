"""Grids of images: samples per class, predictions with their confidence, kernels, maps and top-k guesses."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from helpers.plots.base import RIGHT, WRONG, _finished


def _blank_grid(n: int, cols: int, size: float) -> tuple[plt.Figure, list[plt.Axes]]:
    """A grid with room for n panels, cols per row, every axis hidden; the panels in reading order."""
    rows = max(1, int(np.ceil(n / cols)))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * size, rows * size * 1.25), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    return fig, list(axes.flat)


def image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    colors: Sequence[str] | None = None,
    cols: int = 10,
    size: float = 1.3,
    title: str = "",
) -> plt.Figure:
    """Images in a grid, each with an optional coloured title; title, if given, heads the whole grid."""
    fig, axes = _blank_grid(len(images), cols, size)
    for i, ax in enumerate(axes):
        if i < len(images):
            image = images[i]
            ax.imshow(image.squeeze(), cmap="gray" if image.ndim == 2 or image.shape[-1] == 1 else None)
            if titles is not None:
                ax.set_title(titles[i], fontsize=8, color=colors[i] if colors else "black")
    if title:
        fig.suptitle(title, fontsize=10)
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
    title: str = "",
) -> plt.Figure:
    """Images titled with predicted class and confidence over the true class; blue right, red wrong; title heads
    the grid."""
    y_true = np.asarray(y_true).ravel()
    predicted = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    titles = [
        f"{class_names[p]} {c:.0%}\n(true: {class_names[t]})"
        for p, c, t in zip(predicted, confidence, y_true, strict=True)
    ]
    colors = [RIGHT if p == t else WRONG for p, t in zip(predicted, y_true, strict=True)]
    return image_grid(images, titles, colors, cols=cols, size=1.8, title=title)


def signed_grid(
    panels: Sequence[np.ndarray],
    cols: int = 8,
    titles: Sequence[str] | None = None,
    row_labels: Sequence[str] | None = None,
    title: str = "",
    shared_scale: bool = True,
    size: float = 1.1,
    label: str = "",
    positive: bool = False,
    each_colorbar: bool = False,
) -> plt.Figure:
    """2-D arrays (kernels, feature maps) in a grid: red positive, blue negative, white exactly zero.

    each_colorbar=True (with shared_scale=False) draws every panel's own scale as a bar beside it; a
    panel without negative values then runs from white at 0 to red at its largest value.

    positive=True is for arrays without negative values (maps after a ReLU): white at 0, red at the
    largest value. label names the colour bar (drawn when the panels share one scale).
    """
    panels = [np.asarray(p, dtype=float).squeeze() for p in panels]
    if positive and any(float(p.min()) < 0 for p in panels if p.size):
        raise ValueError("positive=True needs panels without negative values; these have some: leave it False.")
    if each_colorbar and shared_scale:
        raise ValueError("each_colorbar=True gives every panel its own scale: pass shared_scale=False with it.")
    rows = max(1, int(np.ceil(len(panels) / cols)))
    width = cols * size * (1.25 if each_colorbar else 1.0) + 1.2  # room for a bar beside every panel
    fig, axes = plt.subplots(rows, cols, figsize=(width, rows * size * 1.1 + 0.4), squeeze=False)
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
        one_sided = positive or (each_colorbar and float(panels[i].min()) >= 0)
        image = ax.imshow(panels[i], cmap="Reds" if one_sided else "RdBu_r", vmin=0 if one_sided else -limit,
                          vmax=limit, interpolation="nearest")
        if titles is not None and titles[i]:
            ax.set_title(titles[i], fontsize=8)
        if each_colorbar:  # inside the panel's own box, so that tight_layout makes room for it
            own = fig.colorbar(image, cax=ax.inset_axes((1.04, 0.0, 0.06, 1.0)), format="%.2g")
            own.ax.tick_params(labelsize=7)
    if row_labels is not None:
        for row, row_label in zip(axes[:, 0], row_labels, strict=False):
            row.set_ylabel(row_label, rotation=0, ha="right", va="center", fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    if shared_scale and image is not None:
        # each tick carries its own exponent: a shared "1e-8" above the bar would run into the titles
        bar = fig.colorbar(image, ax=axes.ravel().tolist(), shrink=0.8, pad=0.02, format="%.2g")
        bar.set_label(label, fontsize=8)
        bar.ax.tick_params(labelsize=7)
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
    label: str = "",
    title: str = "",
    interpolation: str = "bilinear",
) -> plt.Figure:
    """Grayscale images with a heatmap (any resolution, stretched over the image, 0 to 1) laid on top.

    label, if given, names a colour bar for the heatmap's scale beside the grid; title, if given, heads the grid.
    interpolation: "bilinear" smooths a coarse heatmap's cells; "nearest" draws one value per pixel as it is.
    """
    fig, axes = _blank_grid(len(images), cols, size)
    heat = None
    for i, ax in enumerate(axes):
        if i >= len(images):
            continue
        image = np.asarray(images[i]).squeeze()
        height, width = image.shape
        ax.imshow(image, cmap="gray")
        # extent stretches the coarse heatmap over the whole image
        heat = ax.imshow(np.asarray(heatmaps[i]).squeeze(), cmap="jet", alpha=alpha, vmin=0, vmax=1,
                         extent=(-0.5, width - 0.5, height - 0.5, -0.5), interpolation=interpolation)
        if titles is not None:
            ax.set_title(titles[i], fontsize=8, color=colors[i] if colors else "black")
    if title:
        fig.suptitle(title, fontsize=10)
    if not label or heat is None:
        return _finished(fig)
    fig.tight_layout()
    bar = fig.colorbar(heat, ax=axes, shrink=0.8, pad=0.02)
    bar.set_label(label, fontsize=8)
    bar.ax.tick_params(labelsize=7)
    plt.close(fig)
    return fig


def top_k_predictions(
    images: np.ndarray,
    y_true: np.ndarray,
    probabilities: np.ndarray,
    class_names: Sequence[str],
    k: int = 5,
    cols: int = 4,
    title: str = "",
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
    if title:
        fig.suptitle(title, fontsize=10)
    # tight_layout leaves the guesses out of its sums: pad each row by their height (10 points a line).
    fig.tight_layout(h_pad=1.0 + 10 * k / plt.rcParams["font.size"])
    plt.close(fig)
    return fig
