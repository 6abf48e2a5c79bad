"""Checks of notebook 07's exercises (regularization: batch normalization, seeds, shifts)."""

from __future__ import annotations

import math

import numpy as np

from helpers.compare import Comparison
from helpers.exercises import need, register
from helpers.exercises.inspect import dense_units, epochs_and_steps, is_history, is_model, layers_of

NOTEBOOK = "07_regularization"
SIDE = 28  # Fashion-MNIST's images are 28 x 28


def _architecture(model) -> tuple[list[int], list[int]]:
    """The filters of a model's convolutions and the units of its dense layers."""
    return [layer.filters for layer in layers_of(model, "Conv2D")], dense_units(model)


@register(NOTEBOOK, 1, "Count the extra numbers", answers=("by_formula", "plain", "normalized"))
def count_the_extra_numbers(run, by_formula, plain, normalized):
    need(isinstance(by_formula, int | np.integer) and not isinstance(by_formula, bool),
         f"by_formula should be a whole number of parameters, not {type(by_formula).__name__}.")
    for name, model in (("plain", plain), ("normalized", normalized)):
        need(is_model(model), f"{name} should be a Keras model, not {type(model).__name__}.")
    need(not layers_of(plain, "BatchNormalization"),
         "plain has BatchNormalization layers: build it with build_model() and no switches.")
    norms = layers_of(normalized, "BatchNormalization")
    need(norms, "normalized has no BatchNormalization layer: build it with build_model(batch_norm=True).")
    need(_architecture(plain) == _architecture(normalized),
         f"the two models differ in more than batch normalization (convolutions and dense layers "
         f"{_architecture(plain)} against {_architecture(normalized)}): build both with build_model, the second "
         "with batch_norm=True only.")
    channels = sum(int(layer.moving_mean.shape[-1]) for layer in norms)
    keras_says = normalized.count_params() - plain.count_params()
    need(by_formula != 4 * channels,
         f"{by_formula:,} counts the four numbers per channel, but the layers before batch normalization lose their "
         "bias: one number per channel less.")
    need(by_formula != 2 * channels and by_formula != channels,
         f"{by_formula:,} leaves out the moving mean and variance: they are parameters too, though not trained.")
    need(by_formula == keras_says,
         f"your formula gives {by_formula:+,} and Keras {keras_says:+,}: count the channels of the "
         f"{len(norms)} BatchNormalization layers, four numbers each, less one bias each.")
    return f"{len(norms)} layers with {channels:,} channels: the formula and Keras agree on {by_formula:+,}."


def _accuracy(predictions, labels) -> float:
    predictions = np.asarray(predictions)
    if predictions.ndim == 2:
        predictions = predictions.argmax(axis=1)
    return float(np.mean(predictions == np.asarray(labels)))


@register(NOTEBOOK, 2, "Noise or effect, for batch norm too?", answers=("again_history", "versus_baseline"))
def noise_or_effect(run, again_history, versus_baseline, *, first_history, seed_predictions, y_check, momentum):
    need(is_history(again_history),
         f"again_history should be what train(...) returned first (fit's History), not {type(again_history).__name__}.")
    model = again_history.model
    norms = layers_of(model, "BatchNormalization")
    need(norms, "again_history's model has no batch normalization: build it with build_model(batch_norm=True, ...).")
    need(_architecture(model) == _architecture(first_history.model),
         "again_history's model is not section 5's `+ batch norm` model: build it with "
         "build_model(batch_norm=True, bn_momentum=momentum).")
    used = {round(float(layer.momentum), 6) for layer in norms}
    need(used == {round(float(momentum), 6)},
         f"its batch-normalization layers use momentum {', '.join(f'{m:g}' for m in sorted(used))}; section 5's "
         f"models use {momentum:.3f}, chosen for their steps per epoch: pass bn_momentum=momentum.")
    epochs, steps = epochs_and_steps(again_history)
    first_epochs, first_steps = epochs_and_steps(first_history)
    need(epochs == first_epochs, f"your run trained {epochs} epochs and section 5's {first_epochs}: train as many, "
                                 "or the two runs differ in more than the seed.")
    need(steps == first_steps, f"your run took {steps} steps per epoch and section 5's {first_steps}: train on the "
                               "experiment's images, x_small and y_small.")
    need(not math.isclose(again_history.history["loss"][0], first_history.history["loss"][0], rel_tol=1e-7),
         "your run's first loss is exactly section 5's: it trained from the same seed. Set seed SEED + 1 before "
         "building the model and pass seed=SEED + 1 to train.")
    need(isinstance(versus_baseline, Comparison),
         f"versus_baseline should be what compare(...) returned, not {type(versus_baseline).__name__}.")
    y_check = np.asarray(y_check)
    need(versus_baseline.images == len(y_check),
         f"versus_baseline compares the models on {versus_baseline.images:,} images; pair them on the experiment's "
         f"{len(y_check):,} validation images (y_check), where seed_predictions were made.")
    one_image = 0.5 / len(y_check) + 1e-9
    own = again_history.history["val_accuracy"][-1]
    same_seed, first_seed = (_accuracy(seed_predictions[run.seed + offset], y_check) for offset in (1, 0))
    sides = (versus_baseline.accuracy_a, versus_baseline.accuracy_b)
    need(any(abs(side - own) <= one_image for side in sides),
         f"neither side of versus_baseline ({sides[0]:.4f}, {sides[1]:.4f}) is your model's validation accuracy "
         f"({own:.4f}): pass the classes your new model predicts for x_check.")
    other = sides[1] if abs(sides[0] - own) <= one_image else sides[0]
    need(not (abs(other - first_seed) <= one_image < abs(other - same_seed)),
         f"the other side is the baseline of seed {run.seed}; the question is about another seed, so pair your "
         f"model with the baseline of seed {run.seed + 1}: seed_predictions[SEED + 1].")
    need(abs(other - same_seed) <= one_image,
         f"the other side scores {other:.4f}, the baseline of seed {run.seed + 1} {same_seed:.4f}: pair your model "
         "with seed_predictions[SEED + 1].")
    return (f"with seed {run.seed + 1} the paired test says: {versus_baseline.verdict} "
            f"(p = {versus_baseline.p_value:.2g}).")


def _centre(images: np.ndarray) -> np.ndarray:
    """Each image's centre of brightness (row, column), in pixels."""
    rows, cols = np.indices((SIDE, SIDE))
    weight = images.reshape(len(images), SIDE, SIDE)
    total = weight.sum(axis=(1, 2)) + 1e-12
    return np.stack([(weight * rows).sum(axis=(1, 2)) / total, (weight * cols).sum(axis=(1, 2)) / total], axis=1)


def _largest_move(shifted: np.ndarray, originals: np.ndarray) -> float:
    """How far the centre of brightness moved, along either axis, in the image where it moved most."""
    return float(np.abs(_centre(shifted) - _centre(originals)).max())


@register(NOTEBOOK, 3, "How far to shift?", answers=("small", "large", "lost_small", "lost_large"))
def how_far_to_shift(run, small, large, lost_small, lost_large, *, originals):
    originals = np.asarray(originals, dtype="float64")
    batches = {}
    for name, batch in (("small", small), ("large", large)):
        batch = np.asarray(batch, dtype="float64")
        need(batch.shape == originals.shape,
             f"{name} has shape {batch.shape}; the first 8 training images have {originals.shape}: pass x_train[:8] "
             "through the layer.")
        need(not np.allclose(batch, originals),
             f"{name} is the original images unchanged: a random layer only acts when called with training=True.")
        batches[name] = batch
    small_move, large_move = (_largest_move(batches[n], originals) for n in ("small", "large"))
    limit = 0.07 * SIDE + 0.5  # a factor of 0.07 moves at most 2 pixels; half a pixel for interpolation
    need(not (small_move > limit >= large_move),
         "small moves the garments further than large: the two are swapped (0.07 for small, 0.25 for large).")
    need(small_move <= limit,
         f"small moves a garment by {small_move:.1f} pixels; a factor of 0.07 moves it at most 2: "
         "RandomTranslation(0.07, 0.07, ...).")
    need(large_move > limit,
         f"large moves no garment more than {large_move:.1f} pixels; a factor of 0.25 moves them up to 7: "
         "RandomTranslation(0.25, 0.25, ...).")
    brightness = originals.sum(axis=(1, 2, 3))
    for name, lost in (("lost_small", lost_small), ("lost_large", lost_large)):
        lost = np.asarray(lost, dtype="float64")
        need(lost.shape == (len(originals),),
             f"{name} has shape {lost.shape}: give one share per image ({len(originals)} values), summing each "
             "image over axes 1, 2 and 3.")
        expected = 1 - batches[name[5:]].sum(axis=(1, 2, 3)) / brightness
        need(not np.allclose(lost, 1 - expected, atol=1e-3) or np.allclose(lost, expected, atol=1e-3),
             f"{name} is the share of the brightness each image kept; the exercise asks for the share lost: "
             "1 minus it.")
        need(np.allclose(lost, expected, atol=1e-3),
             f"{name} is not 1 - (sum of the shifted image) / (sum of the original) for each image of {name[5:]}.")
    return (f"the largest move was {small_move:.1f} pixels with 0.07 and {large_move:.1f} with 0.25; the large shifts "
            f"pushed up to {float(np.max(lost_large)):.0%} of a garment's brightness out of the frame.")
