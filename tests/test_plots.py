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


def test_compare_histories_draws_validation_and_training_per_model():
    other = {k: [v + 0.01 for v in values] for k, values in HISTORY.items()}
    fig = plots.compare_histories({"base": HISTORY, "other": other, "no validation": {"loss": [1.0, 0.5]}})
    accuracy, loss = fig.axes
    assert len(accuracy.lines) == 4 and len(loss.lines) == 5  # 2 per model with both curves, 1 for the loss-only one
    labels = [t.get_text() for t in accuracy.get_legend().get_texts()]
    assert labels == ["base", "other"]
    assert accuracy.lines[0].get_color() == accuracy.lines[1].get_color() != accuracy.lines[2].get_color()
