"""Checks of notebook 06's exercises (a deeper network at higher resolution)."""

from __future__ import annotations

import math

import numpy as np

from helpers.compare import Comparison
from helpers.exercises import need, register
from helpers.exercises.inspect import dense_units, is_model, layers_of
from helpers.training import momentum_for

NOTEBOOK = "06_deeper_high_resolution"
FILTERS = [16, 32, 64, 128]  # section 4's four blocks
HEAD = [256, 128, 10]


def multiply_adds(side: int, dense: bool = True) -> int:
    """Multiply-adds per image of section 4's network for side x side inputs (3 x 3 convolutions, 'same')."""
    total, c_in = 0, 1
    for filters in FILTERS:
        total += side * side * 3 * 3 * c_in * filters
        side, c_in = side // 2, filters  # the pooling after each convolution
    n_in = side * side * c_in
    for units in HEAD if dense else []:
        total += n_in * units
        n_in = units
    return total


def features(side: int) -> tuple[int, int, int]:
    """The shape after the fourth block's pooling."""
    for _ in FILTERS:
        side //= 2
    return side, side, FILTERS[-1]


@register(NOTEBOOK, 1, "The cost of 112", answers=("macs_at_112", "features_at_112"))
def the_cost_of_112(run, macs_at_112, features_at_112):
    need(isinstance(macs_at_112, int | np.integer | float | np.floating) and not isinstance(macs_at_112, bool),
         f"macs_at_112 should be a number of multiply-adds, not {type(macs_at_112).__name__}.")
    expected = multiply_adds(112)
    if not math.isclose(macs_at_112, expected, rel_tol=1e-6):
        need(not math.isclose(macs_at_112, multiply_adds(56), rel_tol=1e-3),
             "that is the count at 56 x 56: build the model for 112.")
        need(not math.isclose(macs_at_112, 4 * multiply_adds(56), rel_tol=1e-3),
             "4 x the count at 56 holds for the convolutions, not for the dense layers: dense_1 reads the features "
             "after block 4, which grow from 3 x 3 to 7 x 7.")
        need(not math.isclose(macs_at_112, multiply_adds(112, dense=False), rel_tol=1e-3),
             "your count covers the convolutions only: the three dense layers compute n_in x n_out each too.")
        need(False, f"your count is {macs_at_112:,.0f}, {'more' if macs_at_112 > expected else 'less'} than the "
                    "network does at 112 x 112: sum multiply_adds(build_model(112)) over all its layers.")
    need(isinstance(features_at_112, tuple | list),
         f"features_at_112 should be a shape such as (3, 3, 128), not {type(features_at_112).__name__}.")
    need(len(features_at_112) == 3, f"features_at_112 has {len(features_at_112)} entries; a feature map's shape has "
                                    "three: height, width and channels (leave out the batch axis).")
    shape = tuple(int(n) for n in features_at_112)
    need(shape == features(112),
         f"{shape} is not what four 2 x 2 poolings leave of 112 x 112: halve it four times, rounding down; the "
         f"channels are the last block's {FILTERS[-1]} filters.")
    return f"{expected / 1e6:.1f} million multiply-adds, {expected / multiply_adds(56):.1f}x those at 56 x 56."


def _is_four_blocks(model, name: str) -> None:
    need(is_model(model), f"{name} should be your Keras model, not {type(model).__name__}.")
    need([layer.filters for layer in layers_of(model, "Conv2D")] == FILTERS and dense_units(model) == HEAD,
         f"{name} is not section 4's four-block network: build it with build_model(...).")


def _short_epochs(run, model, name: str, epochs: int) -> None:
    """The momentum and the step count of a model trained `epochs` epochs on the exercise's short training set."""
    images = 1_000 if run.profile == "smoke" else 10_000  # x_short: the same 10,000 under quick and full
    steps = math.ceil(images / run.batch_size)
    momentum = momentum_for(steps)
    found = sorted({round(float(layer.momentum), 4) for layer in layers_of(model, "BatchNormalization")})
    need(found == [round(momentum, 4)],
         f"{name}'s batch normalization has momentum {found}; section 4's rule for the {steps} steps of these "
         f"short epochs gives {momentum:.4f} (momentum_for(steps)).")
    optimizer = getattr(model, "optimizer", None)
    taken = int(optimizer.iterations) if optimizer is not None else 0
    need(taken == epochs * steps,
         f"{name} took {taken} training steps; {epochs} epoch{'s' * (epochs != 1)} on the first {images:,} training "
         f"images in batches of {run.batch_size} are {epochs * steps}.")


def _accuracy_on(model, x_test, y_test, method: str = "bilinear") -> float:
    """The model's test accuracy on the test images scaled to [0, 1] and resized to its input size."""
    import tensorflow as tf

    side = model.input_shape[1]
    right = 0
    for start in range(0, len(x_test), 1_000):  # resized in slices: memory holds a few of them only
        images = tf.image.resize(tf.cast(x_test[start:start + 1_000], "float32") / 255.0, (side, side), method=method)
        predicted = np.asarray(model.predict(images, verbose=0)).argmax(axis=1)
        right += int(np.sum(predicted == np.asarray(y_test[start:start + 1_000]).ravel()))
    return right / len(x_test)


def _pairs(comparison, name: str, y_test) -> None:
    need(isinstance(comparison, Comparison), f"{name} should be what compare(...) returns, not "
                                             f"{type(comparison).__name__}.")
    need(comparison.images == len(y_test),
         f"{name} scored {comparison.images:,} images; compare both models on the {len(y_test):,} test images.")
    need(comparison.a_only + comparison.b_only > 0 or not math.isclose(comparison.accuracy_a, comparison.accuracy_b),
         f"the two predictions in {name} agree on every image: you compared a model with itself.")


def _holds(comparison, accuracy: float) -> bool:
    """Whether one of the comparison's accuracies is this one. Predicted in other batches, a model's float sums
    can round differently and flip an image or two: a wrong model or resize is off by far more."""
    tolerance = 0.001 + 1 / comparison.images
    return any(abs(a - accuracy) <= tolerance for a in (comparison.accuracy_a, comparison.accuracy_b))


@register(NOTEBOOK, 2, "Nearest or bilinear?", answers=("nearest_model", "interpolation_comparison"))
def nearest_or_bilinear(run, nearest_model, interpolation_comparison, *, x_test, y_test):
    _is_four_blocks(nearest_model, "nearest_model")
    _short_epochs(run, nearest_model, "nearest_model", epochs=1)
    _pairs(interpolation_comparison, "interpolation_comparison", y_test)
    nearest = _accuracy_on(nearest_model, x_test, y_test, method="nearest")
    if not _holds(interpolation_comparison, nearest):
        need(not _holds(interpolation_comparison, _accuracy_on(nearest_model, x_test, y_test, method="bilinear")),
             "your comparison scored nearest_model on bilinear test images: resize them with method=\"nearest\", "
             "as its training images were.")
        need(False, f"neither accuracy in interpolation_comparison ({interpolation_comparison.accuracy_a:.4f}, "
                    f"{interpolation_comparison.accuracy_b:.4f}) is nearest_model's on the test images resized with "
                    f"nearest ({nearest:.4f}): compare the predictions of the two models you trained.")
    return f"{interpolation_comparison.verdict}, for these two models after one short epoch (one seed each)."


@register(NOTEBOOK, 3, "Depth or pixels?", answers=("model_28", "model_56", "pixels_comparison"))
def depth_or_pixels(run, model_28, model_56, pixels_comparison, *, x_test, y_test):
    for name, model, side in (("model_28", model_28, 28), ("model_56", model_56, 56)):
        _is_four_blocks(model, name)
        need(tuple(model.input_shape[1:]) == (side, side, 1),
             f"{name} takes inputs of shape {tuple(model.input_shape[1:])}; build it with build_model({side}).")
        _short_epochs(run, model, name, epochs=2)
    _pairs(pixels_comparison, "pixels_comparison", y_test)
    for name, model in (("model_28", model_28), ("model_56", model_56)):
        accuracy = _accuracy_on(model, x_test, y_test)
        need(_holds(pixels_comparison, accuracy),
             f"neither accuracy in pixels_comparison ({pixels_comparison.accuracy_a:.4f}, "
             f"{pixels_comparison.accuracy_b:.4f}) is {name}'s on the test images at its own size ({accuracy:.4f}): "
             "compare the predictions of model_28 and model_56, each on test images resized to its input.")
    return (f"{pixels_comparison.verdict}, after two short epochs; 56 x 56 costs "
            f"{multiply_adds(56) / multiply_adds(28):.1f}x the multiply-adds per image of 28 x 28.")
