"""Every plot helper draws a figure without a screen (Agg backend)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import plotly.graph_objects as go  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from helpers import plots  # noqa: E402

HISTORY = {
    "loss": [1.0, 0.6, 0.5],
    "accuracy": [0.6, 0.8, 0.85],
    "val_loss": [0.7, 0.6, 0.62],
    "val_accuracy": [0.75, 0.8, 0.81],
}
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


def a_field_example(**changes):
    field = np.zeros((28, 28), dtype=bool)
    field[0:3, 0:3] = True
    example = {"title": "valid", "input": IMAGES[0] / 255.0, "output": IMAGES[1, :26, :26] / 255.0,
               "fields": [field, np.roll(field, 1, axis=1)], "pixels": [(0, 0), (0, 1)]}
    return {**example, **changes}


def test_receptive_fields_draws_inputs_above_outputs_on_one_scale():
    padded = np.pad(IMAGES[2] / 255.0, 1)
    corner = np.zeros((30, 30), dtype=bool)
    corner[0:3, 0:3] = True
    fig = plots.receptive_fields([a_field_example(), a_field_example(title="same", input=padded, fields=[corner],
                                                                      pixels=[(0, 0)], pad=1)])
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    top, bottom = fig.axes[0], fig.axes[2]  # row-major: first row holds the inputs
    assert "input 28 x 28" in top.get_title() and "output 26 x 26" in bottom.get_title()
    assert len(bottom.patches) == 2  # one frame per marked output pixel
    assert "zero frame 1" in fig.axes[1].get_title() and len(fig.axes[1].patches) == 1  # the padding outline
    assert all(ax.get_xlim() == (-0.5, 29.5) for ax in fig.axes)  # the largest panel sets the common scale


def test_receptive_fields_refuses_fields_that_do_not_fit():
    with pytest.raises(ValueError, match="one field per marked pixel"):
        plots.receptive_fields([a_field_example(pixels=[(0, 0)])])
    with pytest.raises(ValueError, match="a field of shape"):
        plots.receptive_fields([a_field_example(fields=[np.ones((26, 26), bool), np.ones((26, 26), bool)])])


def test_labelled_scatter_names_every_point():
    fig = plots.labelled_scatter([1e3, 1e4, 1e5], [0.8, 0.9, 0.91], ["a", "b", "c"], "parameters", "accuracy",
                                 "t", groups=["x", "x", "y"], logx=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "y"]
    assert plots.labelled_scatter([1], [2], ["only"], "x", "y", "t").axes[0].get_legend() is None


def test_labelled_scatter_refuses_ragged_inputs():
    with pytest.raises(ValueError, match="one entry per point"):
        plots.labelled_scatter([1, 2], [0.5], ["a", "b"], "x", "y", "t")


def test_signed_grid_centres_the_colours_on_zero():
    kernels = [rng.normal(size=(3, 3)) for _ in range(10)]
    fig = plots.signed_grid(kernels, cols=4, titles=[str(i) for i in range(10)], row_labels=["a", "b", "c"])
    shown = [ax.images[0] for ax in fig.axes if ax.images]
    assert len(shown) == 10  # two empty cells of the 3 x 4 grid stay blank
    limit = max(float(np.abs(k).max()) for k in kernels)
    assert all(im.get_clim() == (-limit, limit) for im in shown)  # one scale, white at exactly zero
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)


def test_signed_grid_can_scale_each_panel_and_mix_shapes():
    panels = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.zeros((28, 28)), rng.normal(size=(5, 5))]
    fig = plots.signed_grid(panels, cols=3, shared_scale=False)
    limits = [ax.images[0].get_clim() for ax in fig.axes if ax.images]
    assert limits[0] == (-2.0, 2.0) and limits[1] == (-1.0, 1.0)  # an all-zero panel still gets a valid scale
    assert not any(ax.get_label() == "<colorbar>" for ax in fig.axes)


def test_overlay_grid_stretches_a_coarse_heatmap_over_each_image():
    heat = rng.uniform(size=(5, 7, 7))
    fig = plots.overlay_grid(IMAGES[:5], heat, titles=list("abcde"), colors=["tab:blue"] * 5, cols=3)
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 5
    for ax in drawn:
        image, overlay = ax.images
        assert image.get_array().shape == (28, 28) and overlay.get_array().shape == (7, 7)
        assert overlay.get_extent() == [-0.5, 27.5, 27.5, -0.5]


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


def test_compare_histories_draws_validation_and_training_per_model():
    other = {k: [v + 0.01 for v in values] for k, values in HISTORY.items()}
    fig = plots.compare_histories({"base": HISTORY, "other": other, "no validation": {"loss": [1.0, 0.5]}})
    accuracy, loss = fig.axes
    assert len(accuracy.lines) == 4 and len(loss.lines) == 5  # 2 per model with both curves, 1 for the loss-only one
    labels = [t.get_text() for t in accuracy.get_legend().get_texts()]
    assert labels == ["base", "other"]
    assert accuracy.lines[0].get_color() == accuracy.lines[1].get_color() != accuracy.lines[2].get_color()
