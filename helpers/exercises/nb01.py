"""Checks of notebook 01's exercises (a dense baseline)."""

from __future__ import annotations

import math

import numpy as np

from helpers.compare import Comparison
from helpers.data import DATASET_SIZES
from helpers.exercises import need, register
from helpers.exercises.inspect import dense_units, epochs_and_steps, is_history, is_model, learning_rate_is_constant
from helpers.training import steps_per_epoch

NOTEBOOK = "01_dense_baseline"
BASELINE_UNITS = [256, 128, 10]  # section 4's architecture, which exercises 2, 3 and 5 train again
SUBSET = 10_000  # exercises 2 and 3 train on the first 10,000 training images


def _training_images(run) -> int:
    """How many training images the learner's run holds (the profile may cut them)."""
    return run.train_size or DATASET_SIZES[run.dataset][0]


def _test_images(run) -> int:
    return run.test_size or DATASET_SIZES[run.dataset][1]


def _subset_steps(run) -> int:
    """The steps of one epoch on the first 10,000 training images (fewer where the profile has fewer)."""
    return steps_per_epoch(min(SUBSET, _training_images(run)), run.batch_size)


@register(NOTEBOOK, 1, "Count before you build", answers=("by_formula", "wider"))
def count_before_you_build(run, by_formula, wider):
    import keras

    need(isinstance(by_formula, int | np.integer) and not isinstance(by_formula, bool),
         f"by_formula should be a whole number of parameters, not {type(by_formula).__name__}.")
    layers = [keras.Input(shape=(28, 28)), keras.layers.Flatten()]
    layers += [keras.layers.Dense(units) for units in (512, 256, 10)]
    expected = keras.Sequential(layers).count_params()  # Keras counts the architecture the exercise names
    weights_only = 784 * 512 + 512 * 256 + 256 * 10
    need(by_formula != weights_only,
         "your count is exactly the weights between the layers: every unit also has a bias, one per unit.")
    need(by_formula != expected - (256 + 1) * 10,
         "your count leaves out the output layer: its 10 units read the 256 of the second hidden layer.")
    need(by_formula == expected,
         f"your formula gives {by_formula:,}, which is {'more' if by_formula > expected else 'less'} than "
         "the architecture holds: recount (inputs + 1) x units for each of the three Dense layers.")
    need(is_model(wider), f"wider should be the Keras model you built, not {type(wider).__name__}.")
    need(dense_units(wider) == [512, 256, 10],
         f"your model's Dense layers have {dense_units(wider)} units; the exercise asks for 512 and 256 "
         "hidden units, then the 10-unit output.")
    need(wider.count_params() == by_formula,
         f"your model has {wider.count_params():,} parameters, your formula {by_formula:,}: they must agree.")
    return f"the formula and Keras agree on {by_formula:,} parameters."


def _loss_name(history) -> str:
    """The loss a history's model was compiled with, as a lower-case name."""
    loss = getattr(history.model, "loss", None)
    name = loss if isinstance(loss, str) else getattr(loss, "name", None) or getattr(loss, "__name__", "")
    return str(name).lower()


def _baseline_runs(run, epochs: int, **histories) -> None:
    """Each history is fit's answer for section 4's architecture, trained `epochs` on the first 10,000 images."""
    for name, h in histories.items():
        need(is_history(h), f"{name} should be what model.fit(...) returned, not {type(h).__name__}.")
        need(dense_units(h.model) == BASELINE_UNITS,
             f"{name}'s model has Dense layers of {dense_units(h.model)} units; the exercise trains section 4's "
             f"architecture again ({', '.join(map(str, BASELINE_UNITS))}): keras.models.clone_model(model).")
        need(epochs_and_steps(h)[0] == epochs,
             f"{name} comes from {epochs_and_steps(h)[0]} epochs; train for {epochs}.")
        need(epochs_and_steps(h)[1] == _subset_steps(run),
             f"{name} took {epochs_and_steps(h)[1]} steps per epoch, not the {_subset_steps(run)} of the first "
             f"{min(SUBSET, _training_images(run)):,} training images in batches of {run.batch_size}: train on "
             "x_train[:10_000], without a validation split.")


@register(NOTEBOOK, 2, "Sparse labels", answers=("categorical_history", "sparse_history"))
def sparse_labels(run, categorical_history, sparse_history):
    _baseline_runs(run, 1, categorical_history=categorical_history, sparse_history=sparse_history)
    need("sparse" not in _loss_name(categorical_history) and "categorical" in _loss_name(categorical_history),
         f"categorical_history's model was compiled with {_loss_name(categorical_history)!r}; that run needs "
         "categorical_crossentropy on the one-hot labels.")
    need("sparse" in _loss_name(sparse_history),
         f"sparse_history's model was compiled with {_loss_name(sparse_history)!r}; that run needs "
         "sparse_categorical_crossentropy on the integer labels.")
    a, b = categorical_history.history["loss"][0], sparse_history.history["loss"][0]
    need(math.isclose(a, b, rel_tol=1e-4),
         f"the losses differ ({a:.6f} against {b:.6f}): the two runs did not start from the same weights or see "
         "the same batches. Call keras.utils.set_random_seed(SEED) before building each copy.")
    return f"both runs ended their epoch at a loss of {a:.6f}."


@register(NOTEBOOK, 3, "Forget to scale", answers=("raw_history", "scaled_history", "raw_accuracy",
                                                   "scaled_accuracy"))
def forget_to_scale(run, raw_history, scaled_history, raw_accuracy, scaled_accuracy):
    _baseline_runs(run, 2, raw_history=raw_history, scaled_history=scaled_history)
    for name, value in (("raw_accuracy", raw_accuracy), ("scaled_accuracy", scaled_accuracy)):
        need(isinstance(value, float | np.floating) and 0 <= value <= 1,
             f"{name} should be a test accuracy between 0 and 1 (what evaluate returns), got {value!r}.")
    raw_loss, scaled_loss = raw_history.history["loss"][0], scaled_history.history["loss"][0]
    need(raw_loss != scaled_loss,
         "both runs have the same loss: they trained on the same pixels. Multiply one copy's images by 255.")
    need(raw_loss > scaled_loss,
         f"the run called raw started with the smaller loss ({raw_loss:.3f} against {scaled_loss:.3f}): the two "
         "are swapped, or the raw copy was scaled after all.")
    return (f"the first epoch's loss was {raw_loss / scaled_loss:.1f} times larger on raw pixels; test accuracy "
            f"{raw_accuracy:.4f} raw against {scaled_accuracy:.4f} scaled.")


@register(NOTEBOOK, 4, "The worst mistake", answers=("worst", "top3"))
def the_worst_mistake(run, worst, top3, *, probabilities, y_test):
    probabilities, y_test = np.asarray(probabilities), np.asarray(y_test)
    need(isinstance(worst, int | np.integer) and not isinstance(worst, bool) and 0 <= worst < len(y_test),
         f"worst should be the index of a test image (0 to {len(y_test) - 1:,}), got {worst!r}.")
    predicted = probabilities.argmax(axis=1)
    need(predicted[worst] != y_test[worst], f"the model got test image {worst} right; look among the wrong answers.")
    wrong = np.flatnonzero(predicted != y_test)
    confidence = probabilities.max(axis=1)
    need(confidence[worst] >= confidence[wrong].max(),
         f"the model was wrong about test image {worst} with {confidence[worst]:.1%} confidence, but it was wrong "
         "about others with more: sort the wrong answers by their confidence.")
    top3 = np.asarray(top3).ravel()
    need(len(top3) == 3, f"top3 should hold three class numbers, it holds {len(top3)}.")
    ranked = np.argsort(-probabilities[worst])
    need(set(top3.tolist()) == set(ranked[:3].tolist()),
         "top3 are not the three classes with the highest probabilities for that image.")
    need(top3.tolist() == ranked[:3].tolist(), "top3 holds the right classes, but not from most to least probable.")
    return None


@register(NOTEBOOK, 5, "Is the schedule worth it?", answers=("constant_history", "constant_accuracy",
                                                            "versus_schedule"))
def is_the_schedule_worth_it(run, constant_history, constant_accuracy, versus_schedule, *, scheduled_accuracy):
    need(is_history(constant_history),
         f"constant_history should be what fit(...) returned, not {type(constant_history).__name__}.")
    epochs, steps = epochs_and_steps(constant_history)
    need(epochs == run.epochs, f"your run trained {epochs} epochs and section 5's model {run.epochs}: train as many, "
         "or the comparison is not like with like.")
    held_in = math.floor(_training_images(run) * (1.0 - 0.1))  # what fit keeps after validation_split=0.1
    need(steps == steps_per_epoch(held_in, run.batch_size),
         f"your run took {steps} steps per epoch, section 5's {steps_per_epoch(held_in, run.batch_size)}: train on "
         "the same images, holding out the same 10% for validation (validation_split=0.1), or the comparison is "
         "not like with like.")
    optimizer = constant_history.model.optimizer
    need(learning_rate_is_constant(optimizer),
         "your optimizer still follows a learning-rate schedule; give Adam a plain number, 1e-3.")
    rate = float(np.asarray(optimizer.learning_rate))
    need(math.isclose(rate, 1e-3, rel_tol=1e-6), f"your learning rate is {rate:g}; the exercise asks for 0.001.")
    need(isinstance(constant_accuracy, float | np.floating) and 0 <= constant_accuracy <= 1,
         f"constant_accuracy should be a test accuracy between 0 and 1, got {constant_accuracy!r}.")
    need(isinstance(versus_schedule, Comparison),
         f"versus_schedule should be what compare(...) returned, not {type(versus_schedule).__name__}.")
    images = _test_images(run)
    need(versus_schedule.images == images,
         f"versus_schedule compares the models on {versus_schedule.images:,} images; score both on the same "
         f"{images:,} test images that section 6 used.")
    one_image = 0.5 / images + 1e-6  # accuracies that agree to within half an image
    need(versus_schedule.a_only + versus_schedule.b_only > 0
         or abs(float(constant_accuracy) - float(scheduled_accuracy)) <= one_image,
         "versus_schedule tells no image apart, though the two models' accuracies differ: it compares one model "
         "with itself. Pass the constant-rate model's predictions and section 7's `probabilities`.")
    sides = sorted([versus_schedule.accuracy_a, versus_schedule.accuracy_b])
    wanted = sorted([float(constant_accuracy), float(scheduled_accuracy)])
    need(all(abs(s - w) <= one_image for s, w in zip(sides, wanted, strict=True)),
         f"versus_schedule's two accuracies are {sides[0]:.4f} and {sides[1]:.4f}, but the constant-rate model "
         f"scores {float(constant_accuracy):.4f} and section 6's model {float(scheduled_accuracy):.4f}: compare "
         "the predictions of exactly these two models on the test images.")
    return f"the paired test says: {versus_schedule.verdict}."
