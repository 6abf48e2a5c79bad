"""Every plot helper draws what it promises (which images, in which order, with which titles), without a screen."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import textwrap
import types

import numpy as np
import plotly.graph_objects as go
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from helpers import plots

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
# Image i is filled with the value i: what a panel shows says which image it is.
NUMBERED = np.repeat(np.arange(30, dtype=np.uint8), 28 * 28).reshape(30, 28, 28)


def shown(ax) -> int | None:
    """Which NUMBERED image an axis shows, or None for an empty panel."""
    if not ax.images:
        return None
    values = np.unique(np.asarray(ax.images[0].get_array()))
    assert len(values) == 1, "a panel shows a mix of images"
    return int(values[0])


# --- Headless --------------------------------------------------------------------------------

HEADLESS = {"agg", "pdf", "ps", "svg", "cairo", "pgf", "template", "module://matplotlib_inline.backend_inline"}


def backend_problem(**env: str) -> str | None:
    """Why plotting through helpers.plots in a fresh Python with these settings is not headless, or None."""
    code = "from helpers import plots\nimport matplotlib\nplots.bar({'a': 1.0}, 't')\nprint(matplotlib.get_backend())"
    clean = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        return f"plotting failed: {done.stderr.strip().splitlines()[-1]}"
    backend = done.stdout.strip().splitlines()[-1]
    return None if backend.lower() in HEADLESS else f"the backend is {backend}, which is interactive"


def test_matplotlib_is_headless():
    # Nothing here sets the backend: a machine without a screen must get a headless one on its own.
    assert backend_problem() is None


def test_the_headless_check_bites_on_an_interactive_backend():
    # As on a machine whose settings ask for an interactive backend (WebAgg opens a browser window on show):
    # matplotlib keeps it even without a screen, and the same check must report it.
    assert backend_problem(MPLBACKEND="WebAgg") == "the backend is WebAgg, which is interactive"


# --- Image grids: which images, in which order, with which titles ----------------------------


def check_samples_per_class(module: types.ModuleType) -> None:
    """samples_per_class shows, row by row, the first images of that row's class, labelled with its name."""
    labels = np.array([3, 1, 3, 0, 2, 1, 0, 3, 2, 1, 0, 2])  # image i has label labels[i]
    fig = module.samples_per_class(NUMBERED[:12], labels, ["zero", "one", "two", "three"], per_class=2)
    rows = np.array(fig.axes).reshape(4, 2)
    assert [row[0].get_ylabel() for row in rows] == ["zero", "one", "two", "three"]
    assert [[shown(ax) for ax in row] for row in rows] == [[3, 6], [1, 5], [4, 8], [0, 2]]


def test_samples_per_class_shows_each_classs_first_images_in_its_row():
    check_samples_per_class(plots)


def test_the_samples_check_bites_when_each_row_shows_the_next_class():
    source = textwrap.dedent(inspect.getsource(plots.samples_per_class))
    assert "labels == row)" in source
    broken = types.ModuleType("broken_plots")
    home = sys.modules[plots.samples_per_class.__module__]  # the module whose names the function uses
    broken.__dict__.update({k: v for k, v in vars(home).items() if not k.startswith("__")})
    exec(source.replace("labels == row)", "labels == (row + 1) % n)"), broken.__dict__)
    with pytest.raises(AssertionError):
        check_samples_per_class(broken)


def test_image_grid_keeps_order_titles_and_colours():
    fig = plots.image_grid(NUMBERED[[7, 2, 9]], titles=["a", "b", "c"], colors=["red", "blue", "green"], cols=2)
    assert [shown(ax) for ax in fig.axes] == [7, 2, 9, None]
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]
    assert [ax.title.get_color() for ax in fig.axes[:3]] == ["red", "blue", "green"]
    assert fig.get_suptitle() == "" and plots.image_grid(NUMBERED[:2], title="FIXTURE").get_suptitle() == "FIXTURE"


def test_prediction_grid_titles_prediction_confidence_and_truth_in_blue_or_red():
    probs = np.full((3, 10), 0.02)
    probs[[0, 1, 2], [0, 1, 2]] = [0.82, 0.6, 0.7]
    fig = plots.prediction_grid(NUMBERED[[4, 5, 6]], np.array([0, 1, 5]), probs, NAMES, cols=3)
    assert [shown(ax) for ax in fig.axes] == [4, 5, 6]
    assert [ax.get_title() for ax in fig.axes] == [
        "class 0 82%\n(true: class 0)", "class 1 60%\n(true: class 1)", "class 2 70%\n(true: class 5)"
    ]
    assert [ax.title.get_color() for ax in fig.axes] == [plots.RIGHT, plots.RIGHT, plots.WRONG]
    titled = plots.prediction_grid(NUMBERED[[4, 5, 6]], np.array([0, 1, 5]), probs, NAMES, cols=3, title="Mistakes")
    assert fig.get_suptitle() == "" and titled.get_suptitle() == "Mistakes"


def test_confusion_matrix_shows_row_percentages_with_names_on_both_axes():
    matrix = np.array([[8, 2, 0], [1, 1, 2], [0, 0, 5]])
    fig = plots.confusion_matrix(matrix, ["a", "b", "c"])
    ax = fig.axes[0]
    cells = np.asarray(ax.collections[0].get_array()).reshape(3, 3)
    np.testing.assert_allclose(cells, [[80, 20, 0], [25, 25, 50], [0, 0, 100]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted class", "true class")
    counts = plots.confusion_matrix(matrix, ["a", "b", "c"], normalize=False).axes[0]
    np.testing.assert_array_equal(np.asarray(counts.collections[0].get_array()).reshape(3, 3), matrix)
    coarse = plots.confusion_matrix(matrix, ["a", "b", "c"], what="superclass")
    assert (coarse.axes[0].get_xlabel(), coarse.axes[0].get_ylabel()) == ("predicted superclass", "true superclass")
    assert coarse.axes[1].get_ylabel() == "% of true superclass"  # the colour bar


def test_bar_draws_each_value_in_order_with_its_label():
    fig = plots.bar({"dense": 0.885, "cnn": 0.912}, "accuracy")
    ax = fig.axes[0]
    assert [p.get_width() for p in ax.patches] == [0.885, 0.912]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["dense", "cnn"]
    assert [t.get_text() for t in ax.texts] == ["88.5%", "91.2%"] and ax.get_title() == "accuracy"


def test_bar_can_start_its_axis_above_zero_and_refuses_to_hide_a_bar():
    ax = plots.bar({"dense": 0.885, "cnn": 0.912}, "accuracy", start=0.85).axes[0]
    left, right = ax.get_xlim()
    assert left == 0.85 and right > 0.912  # both bars show, with room for their labels
    assert plots.bar({"a": 0.5}, "t").axes[0].get_xlim()[0] == 0  # the default still starts at 0
    with pytest.raises(ValueError, match="start=0.9 would hide a bar: the smallest value is 0.885"):
        plots.bar({"dense": 0.885, "cnn": 0.912}, "accuracy", start=0.9)


def test_bar_keeps_a_negative_bars_label_clear_of_the_names():
    # notebook 02's full run: Sneaker's -0.5 ran into its own tick label
    changes = {"Coat": 4.4, "Pullover": 3.8, "Trouser": 0.6, "Ankle boot": 0.4, "Sneaker": -0.5}
    fig = plots.bar(changes, "CNN minus dense", fmt="{:+.1f}")
    canvas = FigureCanvasAgg(fig)  # the helper closed the figure: draw it on a fresh canvas
    canvas.draw()
    ax, renderer = fig.axes[0], canvas.get_renderer()
    axis_left = ax.get_window_extent(renderer).x0
    labels = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts}
    assert labels["-0.5"].x0 >= axis_left  # inside the axes, right of the names
    assert all(box.x1 <= ax.get_window_extent(renderer).x1 for box in labels.values())


def test_history_figures_draw_each_curve_with_its_values():
    fig = plots.history_figure(HISTORY)
    assert isinstance(fig, go.Figure)
    assert [list(t.y) for t in fig.data] == [
        HISTORY["loss"], HISTORY["val_loss"], HISTORY["accuracy"], HISTORY["val_accuracy"]
    ]  # fmt: skip
    static = plots.history_figure_static(HISTORY)
    assert isinstance(static, Figure) and [ax.get_title() for ax in static.axes] == ["loss", "accuracy"]
    assert [list(line.get_ydata()) for line in static.axes[0].lines] == [HISTORY["loss"], HISTORY["val_loss"]]


def test_history_figures_mark_an_epoch_on_whole_epoch_ticks():
    long = {k: [v[0]] * 15 for k, v in HISTORY.items()}  # 15 epochs: Matplotlib's default ticks fall on 2.5, 7.5
    static = plots.history_figure_static(long, mark_epoch=6, mark_label="checkpoint")
    for ax in static.axes:
        FigureCanvasAgg(static).draw()
        assert all(float(t).is_integer() for t in ax.get_xticks())
        marks = [line for line in ax.lines if list(line.get_xdata()) == [6, 6]]
        assert len(marks) == 1 and "checkpoint (epoch 6)" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert static.axes[1].get_ylabel() == "accuracy (fraction right)"
    top5 = plots.history_figure_static({**long, "top5": long["accuracy"], "val_top5": long["val_accuracy"]})
    assert top5.axes[2].get_ylabel() == "top5 (fraction right)"  # top-k accuracies are fractions too
    fig = plots.history_figure(long, mark_epoch=6)
    assert [shape.x0 for shape in fig.layout.shapes] == [6, 6]  # one dotted line per panel
    assert fig.layout.xaxis.dtick == 2 and fig.layout.xaxis2.dtick == 2  # whole epochs, about ten ticks
    assert len(plots.history_figure(long).layout.shapes) == 0  # no mark unless asked


def test_history_legends_sit_under_their_panels_not_on_the_curves():
    static = plots.history_figure_static(HISTORY, mark_epoch=1)
    renderer = FigureCanvasAgg(static).get_renderer()
    static.draw(renderer)
    for ax in static.axes:
        legend, panel = ax.get_legend().get_window_extent(renderer), ax.get_window_extent(renderer)
        assert legend.y1 < panel.y0  # wholly below the panel: no point or tick label hidden under it


def test_show_history_sends_interactive_and_static_views(monkeypatch):
    sent = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: sent.append(obj))
    plots.show_history(HISTORY)
    bundle = sent[0]
    assert {"application/vnd.plotly.v1+json", "image/png", "text/plain"} <= set(bundle)
    assert bundle["image/png"].startswith("iVBOR")  # base64 of the PNG signature
    assert [t["name"] for t in bundle["application/vnd.plotly.v1+json"]["data"]] == [
        "training loss (running mean over the epoch)", "validation loss (after each epoch)",
        "training accuracy (running mean over the epoch)", "validation accuracy (after each epoch)",
    ]  # the legend says that Keras' training figure is a running mean, not a score like validation's


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


def test_receptive_fields_zoom_shows_the_top_left_corner_with_a_line_between_pixels():
    fig = plots.receptive_fields([a_field_example()] * 4, zoom=8, title="The corner")  # four columns, as in 03
    assert all(ax.get_xlim() == (-0.5, 7.5) and ax.get_ylim() == (7.5, -0.5) for ax in fig.axes)
    assert list(fig.axes[0].get_xticks(minor=True)) == [k - 0.5 for k in range(9)]  # a line between pixels
    assert fig.get_suptitle() == "The corner"
    canvas = FigureCanvasAgg(fig)  # the helper closed the figure: draw it on a fresh canvas
    canvas.draw()
    top, bottom = fig.axes[0].get_window_extent(), fig.axes[4].title.get_window_extent(canvas.get_renderer())
    assert bottom.y1 < top.y0  # the output's title sits below the input panel, not over it
    unzoomed = plots.receptive_fields([a_field_example()])
    assert unzoomed.axes[0].get_xlim() == (-0.5, 27.5) and unzoomed.get_suptitle() == ""
    with pytest.raises(ValueError, match="zoom must be a whole number"):
        plots.receptive_fields([a_field_example()], zoom=0)


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


def test_labelled_scatter_is_as_tall_as_asked():
    assert plots.labelled_scatter([1], [2], ["only"], "x", "y", "t").get_size_inches()[1] == pytest.approx(4.8)
    assert plots.labelled_scatter([1], [2], ["only"], "x", "y", "t", height=6.5).get_size_inches()[1] == \
        pytest.approx(6.5)
    with pytest.raises(ValueError, match="height"):
        plots.labelled_scatter([1], [2], ["only"], "x", "y", "t", height=0)


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


def test_signed_grid_can_give_each_panel_its_own_colour_bar():
    photo, edges = rng.uniform(size=(6, 6)), np.array([[1.0, -3.0], [0.5, 0.0]])
    fig = plots.signed_grid([photo, edges], cols=2, shared_scale=False, each_colorbar=True)
    panels = [ax for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]
    assert [ax.images[0].get_clim() for ax in panels] == [(0.0, photo.max()), (-3.0, 3.0)]  # white at 0 in both
    assert [ax.images[0].get_cmap().name for ax in panels] == ["Reds", "RdBu_r"]
    bars = [child for ax in panels for child in ax.child_axes]  # one bar inside each panel's box
    assert len(bars) == 2 and [bar.get_ylim() for bar in bars] == [(0.0, photo.max()), (-3.0, 3.0)]
    with pytest.raises(ValueError, match="pass shared_scale=False"):
        plots.signed_grid([photo], each_colorbar=True)


def test_overlay_grid_stretches_a_coarse_heatmap_over_each_image():
    heat = rng.uniform(size=(5, 7, 7))
    fig = plots.overlay_grid(IMAGES[:5], heat, titles=list("abcde"), colors=["tab:blue"] * 5, cols=3)
    drawn = [ax for ax in fig.axes if ax.images]
    assert len(drawn) == 5
    for ax in drawn:
        image, overlay = ax.images
        assert image.get_array().shape == (28, 28) and overlay.get_array().shape == (7, 7)
        assert overlay.get_extent() == [-0.5, 27.5, 27.5, -0.5]
        assert overlay.get_interpolation() == "bilinear"  # a coarse heatmap is smoothed by default


def test_overlay_grid_draws_a_pixel_heatmap_as_it_is_when_asked():
    fig = plots.overlay_grid(IMAGES[:2], rng.uniform(size=(2, 28, 28)), interpolation="nearest")
    assert [ax.images[1].get_interpolation() for ax in fig.axes if ax.images] == ["nearest", "nearest"]


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
    assert fig.get_suptitle() == ""
    titled = plots.top_k_predictions(colour_images, np.array([0, 1, 2]), probs, NAMES, title="FIXTURE: guesses")
    assert titled.get_suptitle() == "FIXTURE: guesses"


def test_compare_histories_draws_validation_and_training_per_model():
    other = {k: [v + 0.01 for v in values] for k, values in HISTORY.items()}
    fig = plots.compare_histories({"base": HISTORY, "other": other, "no validation": {"loss": [1.0, 0.5]}})
    accuracy, loss = fig.axes
    assert len(accuracy.lines) == 4 and len(loss.lines) == 5  # 2 per model with both curves, 1 for the loss-only one
    labels = [t.get_text() for t in accuracy.get_legend().get_texts()]
    assert labels == ["base", "other"]
    assert accuracy.lines[0].get_color() == accuracy.lines[1].get_color() != accuracy.lines[2].get_color()
    assert (accuracy.get_ylabel(), loss.get_ylabel()) == ("accuracy (fraction right)", "loss")


def test_a_history_of_one_epoch_gets_a_whole_epoch_tick():
    one = {k: v[:1] for k, v in HISTORY.items()}  # a smoke run: one epoch, where Matplotlib would tick 0.95, 0.96, ...
    static = plots.history_figure_static(one, mark_epoch=1)
    FigureCanvasAgg(static).draw()
    for ax in static.axes:
        low, high = ax.get_xlim()
        assert [t for t in ax.get_xticks() if low <= t <= high] == [1.0]


def test_compare_histories_marks_only_whole_epochs():
    fig = plots.compare_histories({"two epochs": {"accuracy": [0.5, 0.6], "val_accuracy": [0.4, 0.55]}})
    FigureCanvasAgg(fig).draw()  # the helper closed the figure: draw it so that the ticks are placed
    ticks = [t for t in fig.axes[0].get_xticks() if 1 <= t <= 2]
    assert ticks == [1.0, 2.0]  # no 1.2, 1.4, ... between them


def overlapping_labels(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of texts (point labels and x tick labels) whose drawn boxes overlap."""
    ax = fig.axes[0]
    renderer = FigureCanvasAgg(fig).get_renderer()  # the helper closed the figure: draw it on a fresh canvas
    fig.draw(renderer)
    texts = [t for t in ax.texts if t.get_text()] + [t for t in ax.get_xticklabels() if t.get_text()]
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [(a, b) for i, (a, box_a) in enumerate(boxes) for b, box_b in boxes[i + 1:] if box_a.overlaps(box_b)]


# Notebook 04's full-run figures: thirteen networks, most within two points of accuracy and a factor 2 in size.
CROWDED = (
    [108_330, 94_650, 82_250, 71_130, 31_530, 20_490, 29_066, 98_442, 426_122, 98_442, 155_786, 208_010, 32_906,
     426_122],
    [0.8781, 0.8896, 0.8835, 0.884, 0.865, 0.8652, 0.869, 0.8718, 0.8879, 0.8804, 0.8777, 0.8753, 0.751, 0.921],
    ["plain_1", "plain_2", "plain_3", "plain_4", "pooled_1", "pooled_2", "pooled_3", "pooled_4", "wide_head",
     "pooling", "strides", "fewer_filters", "global_average", "wide_head_long"],
)


def test_labelled_scatter_labels_and_ticks_do_not_overlap_in_a_crowded_plot():
    fig = plots.labelled_scatter(*CROWDED, "parameters", "accuracy", "t", logx=True)
    assert overlapping_labels(fig) == []


def test_the_overlap_check_bites_on_labels_placed_on_their_points():
    fig = plots.labelled_scatter(*CROWDED, "parameters", "accuracy", "t", logx=True)
    ax = fig.axes[0]
    for text in ax.texts:
        text.set_position((0, 0))  # every label back on its own point, as a plain annotate would put it
    assert overlapping_labels(fig)


def test_signed_grid_labels_its_colour_bar_and_writes_each_tick_with_its_exponent():
    tiny = [rng.normal(size=(4, 4)) * 1e-8 for _ in range(3)]
    fig = plots.signed_grid(tiny, cols=3, row_labels=["first row"], label="hand - Keras")
    bar = next(ax for ax in fig.axes if ax.get_label() == "<colorbar>")
    assert bar.get_ylabel() == "hand - Keras"
    fig.canvas.draw()
    ticks = [tick.get_text() for tick in bar.get_yticklabels()]
    # every tick with its own exponent: no shared "1e-8" drawn above the bar, where the titles sit
    assert len(ticks) > 2 and all(t == "0" or "e-0" in t for t in ticks), ticks


def test_signed_grid_positive_runs_from_white_at_zero_to_red_and_refuses_negative_values():
    maps = [rng.uniform(0, 3, size=(6, 6)) for _ in range(4)]
    fig = plots.signed_grid(maps, cols=4, positive=True, label="activation")
    shown = [ax.images[0] for ax in fig.axes if ax.images and ax.get_label() != "<colorbar>"]
    top = max(float(m.max()) for m in maps)
    assert all(im.get_clim() == (0, top) and im.get_cmap().name == "Reds" for im in shown)
    with pytest.raises(ValueError, match="without negative values"):
        plots.signed_grid([np.array([[-1.0, 2.0]])], positive=True)


def test_overlay_grid_takes_a_title_that_heads_the_grid():
    heat = np.ones((2, 3, 3))
    assert plots.overlay_grid(IMAGES[:2], heat, title="Saliency").get_suptitle() == "Saliency"
    assert plots.overlay_grid(IMAGES[:2], heat, label="heat", title="With a bar").get_suptitle() == "With a bar"
    assert plots.overlay_grid(IMAGES[:2], heat).get_suptitle() == ""


def test_overlay_grid_draws_a_labelled_colour_bar_for_the_heat_when_asked():
    heat = rng.uniform(size=(3, 7, 7))
    with_bar = plots.overlay_grid(IMAGES[:3], heat, cols=3, label="evidence (largest = 1)")
    bars = [ax for ax in with_bar.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 1 and bars[0].get_ylabel() == "evidence (largest = 1)"
    assert not any(ax.get_label() == "<colorbar>" for ax in plots.overlay_grid(IMAGES[:3], heat, cols=3).axes)


def test_gradients_and_losses_draws_a_line_per_seed_and_a_dot_per_seed_beside_chance():
    gradients = {"plain": [[8.0, 1.0, 0.2], [9.0, 2.0, 0.1]], "residual": [[0.9, 0.5, 0.4], [0.8, 0.4, 0.3]]}
    losses = {"plain": [2.2, 2.25], "residual": [1.4, 1.6]}
    fig = plots.gradients_and_losses(gradients, losses, chance=2.302585, title="REAL data")
    left, right = fig.axes
    assert len(left.lines) == 4 and left.get_yscale() == "log"
    np.testing.assert_allclose(left.lines[0].get_ydata(), [8.0, 1.0, 0.2])
    assert list(left.lines[0].get_xdata()) == [1, 2, 3]  # layer 1 is the one next to the input
    dots = [line for line in right.lines if line.get_linestyle() == "None"]
    np.testing.assert_allclose(dots[1].get_ydata(), [1.4, 1.6])
    assert [t.get_text() for t in right.get_xticklabels()] == ["plain", "residual"]
    assert any(line.get_ydata()[0] == 2.302585 for line in right.lines if line.get_linestyle() == "--")
    assert fig.get_suptitle() == "REAL data"
    with pytest.raises(ValueError, match="same networks"):
        plots.gradients_and_losses(gradients, {"plain": [2.2, 2.25]}, chance=2.3)
