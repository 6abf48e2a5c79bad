"""Every plot helper draws a figure without a screen (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import plots  # noqa: E402

HISTORY = {"loss": [1.0, 0.6, 0.5], "accuracy": [0.6, 0.8, 0.85], "val_loss": [0.7, 0.6, 0.62], "val_accuracy": [0.75, 0.8, 0.81]}
NAMES = [f"class {i}" for i in range(10)]
rng = np.random.default_rng(0)
IMAGES = rng.integers(0, 255, size=(30, 28, 28), dtype=np.uint8)
LABELS = np.arange(30) % 10


def test_matplotlib_is_headless():
    assert matplotlib.get_backend().lower() == "agg"


def test_history_figures():
    fig = plots.history_figure(HISTORY)
    assert isinstance(fig, go.Figure) and len(fig.data) == 4
    assert isinstance(plots.history_figure_static(HISTORY), Figure)


def test_show_history_sends_interactive_and_static_views(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append(obj))
    plots.show_history(HISTORY)
    bundle = shown[0]
    assert {"application/vnd.plotly.v1+json", "image/png", "text/plain"} <= set(bundle)
    assert bundle["image/png"].startswith("iVBOR")  # base64 of the PNG signature


def test_image_figures():
    probs = rng.dirichlet(np.ones(10), size=12)
    for fig in (
        plots.samples_per_class(IMAGES, LABELS, NAMES, per_class=3),
        plots.prediction_grid(IMAGES[:12], LABELS[:12], probs, NAMES),
        plots.image_grid(IMAGES[:5], titles=list("abcde")),
        plots.confusion_matrix(rng.integers(0, 50, size=(10, 10)), NAMES),
        plots.bar({"a": 0.5, "b": 0.9}, "accuracy"),
    ):
        assert isinstance(fig, Figure) and fig.axes


def test_prediction_grid_colours_right_blue_and_wrong_red():
    probs = np.eye(10)[[0, 1, 2]] * 0.9 + 0.01
    fig = plots.prediction_grid(IMAGES[:3], np.array([0, 1, 5]), probs, NAMES, cols=3)
    colors = [ax.title.get_color() for ax in fig.axes[:3]]
    assert colors == [plots.RIGHT, plots.RIGHT, plots.WRONG]


def test_top_k_predictions_lists_k_guesses_and_marks_the_true_class():
    probs = np.full((3, 10), 0.01)
    probs[0, [4, 0, 1, 2, 3]] = [0.5, 0.2, 0.1, 0.08, 0.05]  # true class 0 ranked second
    probs[1, [5, 6, 7, 8, 9]] = [0.5, 0.2, 0.1, 0.08, 0.05]  # true class 1 not among the top five
    probs[2, 2] = 0.9  # true class 2 ranked first
    colour_images = rng.integers(0, 255, size=(3, 32, 32, 3), dtype=np.uint8)
    fig = plots.top_k_predictions(colour_images, np.array([0, 1, 2]), probs, NAMES, k=5, cols=4)
    first = fig.axes[0]
    lines = [t.get_text() for t in first.texts]
    assert lines[:2] == ["1. class 4 50%", "2. class 0 20%"] and len(lines) == 5
    assert [t.get_color() for t in first.texts][:2] == ["black", plots.RIGHT]
    assert first.title.get_color() == plots.RIGHT and fig.axes[1].title.get_color() == plots.WRONG
    assert len(fig.axes) == 4 and not fig.axes[3].texts  # the spare panel stays empty
