"""Notebook 01's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras
import numpy as np

from exercise_cases import Case, a_run, history
from helpers.compare import compare

NB = "01_dense_baseline"


def dense(*units: int, loss: str | None = None, rate=1e-3) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              *[keras.layers.Dense(u, activation="relu") for u in units[:-1]],
                              keras.layers.Dense(units[-1], activation="softmax")])
    if loss:
        model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)
    return model


def baseline(loss: str = "categorical_crossentropy", rate=1e-3) -> keras.Model:
    """Section 4's architecture, compiled."""
    return dense(256, 128, 10, loss=loss, rate=rate)


RIGHT_COUNT = 535_818
WIDER = dense(512, 256, 10)

# Exercises 2 and 3 train on the first 10,000 images: 79 steps of 128 under full, 16 under smoke (2,000 images).
FULL = a_run(NB, profile="full", epochs=20, train_size=None, test_size=None)
categorical = history(baseline(), [0.776499], 16)
sparse = history(baseline("sparse_categorical_crossentropy"), [0.776499], 16)
raw = history(baseline(), [12.375, 3.413], 16)
scaled = history(baseline(), [0.776, 0.49], 16)

rng = np.random.default_rng(0)
probabilities = rng.dirichlet(np.ones(10) * 0.3, size=200)
y_test = probabilities.argmax(axis=1).copy()
y_test[[5, 17, 40]] = (y_test[[5, 17, 40]] + 1) % 10  # three wrong answers
probabilities[17] = np.eye(10)[probabilities[17].argmax()] * 0.97 + 0.003  # the surest of them
worst_context = {"probabilities": probabilities, "y_test": y_test}
worst_top3 = np.argsort(-probabilities[17])[:3]

# Exercise 5 under smoke: 2,000 training images less a tenth for validation = 1,800, 15 steps of 128.
RUN_2_EPOCHS = a_run(NB, epochs=2)
schedule = keras.optimizers.schedules.CosineDecay(1e-3, 100)
scheduled = history(dense(256, 128, 10), [0.5, 0.4], 15)
scheduled.model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy")
constant = history(baseline(), [0.5, 0.4], 15)
fast = history(baseline(rate=1e-2), [0.5, 0.4], 15)
three_epochs = history(baseline(), [0.5, 0.4, 0.3], 15)
no_validation = history(baseline(), [0.5, 0.4], 16)

# Predictions on the run's 1,000 test images: the constant rate right on 870, the schedule on 890.
truth = np.arange(1_000) % 10
constant_pred, scheduled_pred = truth.copy(), truth.copy()
constant_pred[:130] = (truth[:130] + 1) % 10
scheduled_pred[50:160] = (truth[50:160] + 1) % 10
versus = compare(truth, constant_pred, scheduled_pred, names=("constant rate", "cosine schedule"))
reversed_versus = compare(truth, scheduled_pred, constant_pred, names=("cosine schedule", "constant rate"))
with_itself = compare(truth, constant_pred, constant_pred, names=("constant rate", "constant rate"))
on_fewer_images = compare(truth[:500], constant_pred[:500], scheduled_pred[:500])
against_labels = compare(truth, constant_pred, truth)  # the labels in place of section 6's model
accuracies = {"scheduled_accuracy": np.float64(0.89)}

CASES = [
    Case(NB, 1, "the formula and the model", (RIGHT_COUNT, WIDER)),
    Case(NB, 1, "no biases", (784 * 512 + 512 * 256 + 256 * 10, WIDER), wrong="bias"),
    Case(NB, 1, "no output layer", ((784 + 1) * 512 + (512 + 1) * 256, WIDER), wrong="output layer"),
    Case(NB, 1, "the model of section 3", (RIGHT_COUNT, dense(128, 10)), wrong="512 and 256"),
    Case(NB, 1, "a count as text", ("535818", WIDER), wrong="whole number"),
    Case(NB, 2, "one loss each, same start", (categorical, sparse)),
    Case(NB, 2, "sparse loss on both", (sparse, sparse), wrong="categorical_crossentropy"),
    Case(NB, 2, "different seeds", (categorical, history(sparse.model, [0.80], 16)), wrong="same weights"),
    Case(NB, 2, "another architecture", (categorical, history(dense(128, 10, loss="sparse_categorical_crossentropy"),
                                                               [0.776499], 16)), wrong="clone_model"),
    Case(NB, 2, "all 60,000 images", (history(categorical.model, [0.5], 469), history(sparse.model, [0.5], 469)),
         run=FULL, wrong="x_train[:10_000]"),
    Case(NB, 2, "the first 10,000 images under full", (history(categorical.model, [0.7], 79),
                                                      history(sparse.model, [0.7], 79)), run=FULL),
    Case(NB, 3, "raw and scaled", (raw, scaled, np.float64(0.7464), np.float64(0.8080))),
    Case(NB, 3, "swapped", (scaled, raw, np.float64(0.8080), np.float64(0.7464)), wrong="swapped"),
    Case(NB, 3, "both scaled", (scaled, scaled, np.float64(0.8080), np.float64(0.8080)), wrong="same pixels"),
    Case(NB, 3, "one epoch", (history(raw.model, [12.375], 16), scaled, 0.7, 0.8), wrong="train for 2"),
    Case(NB, 3, "a validation split", (history(raw.model, [12.4, 3.4], 15), history(scaled.model, [0.8, 0.5], 15),
                                       0.7, 0.8), wrong="without a validation split"),
    Case(NB, 4, "the surest mistake", (17, worst_top3), context=worst_context),
    Case(NB, 4, "a right answer", (0, worst_top3), context=worst_context,
         wrong="got test image 0 right" if y_test[0] == probabilities[0].argmax() else "right"),
    Case(NB, 4, "a less sure mistake", (5 if probabilities[5].max() < probabilities[40].max() else 40,
                                        worst_top3), context=worst_context, wrong="sort the wrong answers"),
    Case(NB, 4, "the classes in the wrong order", (17, worst_top3[::-1]), context=worst_context,
         wrong="most to least probable"),
    Case(NB, 5, "a constant rate, as many epochs, compared", (constant, np.float64(0.87), versus),
         context=accuracies, run=RUN_2_EPOCHS),
    Case(NB, 5, "compared the other way round", (constant, np.float64(0.87), reversed_versus),
         context=accuracies, run=RUN_2_EPOCHS),
    Case(NB, 5, "still the schedule", (scheduled, np.float64(0.87), versus), context=accuracies, run=RUN_2_EPOCHS,
         wrong="schedule"),
    Case(NB, 5, "another rate", (fast, np.float64(0.87), versus), context=accuracies, run=RUN_2_EPOCHS,
         wrong="0.001"),
    Case(NB, 5, "more epochs", (three_epochs, np.float64(0.87), versus), context=accuracies, run=RUN_2_EPOCHS,
         wrong="like with like"),
    Case(NB, 5, "no validation split", (no_validation, np.float64(0.87), versus), context=accuracies,
         run=RUN_2_EPOCHS, wrong="validation_split=0.1"),
    Case(NB, 5, "the model compared with itself", (constant, np.float64(0.87), with_itself), context=accuracies,
         run=RUN_2_EPOCHS, wrong="with itself"),
    Case(NB, 5, "on half the test images", (constant, np.float64(0.87), on_fewer_images), context=accuracies,
         run=RUN_2_EPOCHS, wrong="same 1,000 test images"),
    Case(NB, 5, "against the labels", (constant, np.float64(0.87), against_labels), context=accuracies,
         run=RUN_2_EPOCHS, wrong="exactly these two models"),
    Case(NB, 5, "the accuracy as a difference", (constant, "+1.32 points", versus), context=accuracies,
         run=RUN_2_EPOCHS, wrong="between 0 and 1"),
]
