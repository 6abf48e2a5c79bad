"""Checks of notebook 01's exercises (a dense baseline)."""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises import need, register
from helpers.exercises.inspect import dense_units, epochs_and_steps, is_history, is_model, learning_rate_is_constant

NOTEBOOK = "01_dense_baseline"


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


@register(NOTEBOOK, 2, "Sparse labels", answers=("categorical_history", "sparse_history"))
def sparse_labels(run, categorical_history, sparse_history):
    for name, h in (("categorical_history", categorical_history), ("sparse_history", sparse_history)):
        need(is_history(h), f"{name} should be what model.fit(...) returned, not {type(h).__name__}.")
        need(epochs_and_steps(h)[0] == 1, f"{name} comes from {epochs_and_steps(h)[0]} epochs; train for one.")
    need("sparse" not in _loss_name(categorical_history) and "categorical" in _loss_name(categorical_history),
         f"categorical_history's model was compiled with {_loss_name(categorical_history)!r}; that run needs "
         "categorical_crossentropy on the one-hot labels.")
    need("sparse" in _loss_name(sparse_history),
         f"sparse_history's model was compiled with {_loss_name(sparse_history)!r}; that run needs "
         "sparse_categorical_crossentropy on the integer labels.")
    need(epochs_and_steps(categorical_history)[1] == epochs_and_steps(sparse_history)[1],
         f"the two runs took {epochs_and_steps(categorical_history)[1]} and {epochs_and_steps(sparse_history)[1]} "
         "steps: train both on the same images, or the comparison is not like with like.")
    a, b = categorical_history.history["loss"][0], sparse_history.history["loss"][0]
    need(math.isclose(a, b, rel_tol=1e-4),
         f"the losses differ ({a:.6f} against {b:.6f}): the two runs did not start from the same weights or see "
         "the same batches. Call keras.utils.set_random_seed(SEED) before building each copy.")
    return f"both runs ended their epoch at a loss of {a:.6f}."


@register(NOTEBOOK, 3, "Forget to scale", answers=("raw_history", "scaled_history", "raw_accuracy",
                                                   "scaled_accuracy"))
def forget_to_scale(run, raw_history, scaled_history, raw_accuracy, scaled_accuracy):
    for name, h in (("raw_history", raw_history), ("scaled_history", scaled_history)):
        need(is_history(h), f"{name} should be what model.fit(...) returned, not {type(h).__name__}.")
        need(epochs_and_steps(h)[0] == 2, f"{name} comes from {epochs_and_steps(h)[0]} epochs; train for 2.")
    need(epochs_and_steps(raw_history)[1] == epochs_and_steps(scaled_history)[1],
         "the two runs took different numbers of steps: train both on the same images.")
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


@register(NOTEBOOK, 5, "Is the schedule worth it?", answers=("constant_history", "constant_accuracy"))
def is_the_schedule_worth_it(run, constant_history, constant_accuracy):
    need(is_history(constant_history),
         f"constant_history should be what fit(...) returned, not {type(constant_history).__name__}.")
    epochs, _ = epochs_and_steps(constant_history)
    need(epochs == run.epochs, f"your run trained {epochs} epochs and section 5's model {run.epochs}: train as many, "
         "or the comparison is not like with like.")
    optimizer = constant_history.model.optimizer
    need(learning_rate_is_constant(optimizer),
         "your optimizer still follows a learning-rate schedule; give Adam a plain number, 1e-3.")
    rate = float(np.asarray(optimizer.learning_rate))
    need(math.isclose(rate, 1e-3, rel_tol=1e-6), f"your learning rate is {rate:g}; the exercise asks for 0.001.")
    need(isinstance(constant_accuracy, float | np.floating) and 0 <= constant_accuracy <= 1,
         f"constant_accuracy should be a test accuracy between 0 and 1, got {constant_accuracy!r}.")
    return None
