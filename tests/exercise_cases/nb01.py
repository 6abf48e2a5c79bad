"""Notebook 01's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras
import numpy as np

from exercise_cases import Case, a_run, history

NB = "01_dense_baseline"


def dense(*units: int, loss: str | None = None, rate=1e-3) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=(28, 28)), keras.layers.Flatten(),
                              *[keras.layers.Dense(u, activation="relu") for u in units[:-1]],
                              keras.layers.Dense(units[-1], activation="softmax")])
    if loss:
        model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss)
    return model


RIGHT_COUNT = 535_818
WIDER = dense(512, 256, 10)
categorical = history(dense(128, 10, loss="categorical_crossentropy"), [0.776499], 79)
sparse = history(dense(128, 10, loss="sparse_categorical_crossentropy"), [0.776499], 79)
raw = history(dense(128, 10, loss="categorical_crossentropy"), [12.375, 3.413], 79)
scaled = history(dense(128, 10, loss="categorical_crossentropy"), [0.776, 0.49], 79)

rng = np.random.default_rng(0)
probabilities = rng.dirichlet(np.ones(10) * 0.3, size=200)
y_test = probabilities.argmax(axis=1).copy()
y_test[[5, 17, 40]] = (y_test[[5, 17, 40]] + 1) % 10  # three wrong answers
probabilities[17] = np.eye(10)[probabilities[17].argmax()] * 0.97 + 0.003  # the surest of them
worst_context = {"probabilities": probabilities, "y_test": y_test}
worst_top3 = np.argsort(-probabilities[17])[:3]

schedule = keras.optimizers.schedules.CosineDecay(1e-3, 100)
scheduled = history(dense(128, 10), [0.5, 0.4], 422)
scheduled.model.compile(optimizer=keras.optimizers.Adam(schedule), loss="categorical_crossentropy")
constant = history(dense(128, 10, loss="categorical_crossentropy"), [0.5, 0.4], 422)
fast = history(dense(128, 10, loss="categorical_crossentropy", rate=1e-2), [0.5, 0.4], 422)
three_epochs = history(dense(128, 10, loss="categorical_crossentropy"), [0.5, 0.4, 0.3], 422)
RUN_2_EPOCHS = a_run(NB, epochs=2)

CASES = [
    Case(NB, 1, "the formula and the model", (RIGHT_COUNT, WIDER)),
    Case(NB, 1, "no biases", (784 * 512 + 512 * 256 + 256 * 10, WIDER), wrong="bias"),
    Case(NB, 1, "no output layer", ((784 + 1) * 512 + (512 + 1) * 256, WIDER), wrong="output layer"),
    Case(NB, 1, "the model of section 3", (RIGHT_COUNT, dense(128, 10)), wrong="512 and 256"),
    Case(NB, 1, "a count as text", ("535818", WIDER), wrong="whole number"),
    Case(NB, 2, "one loss each, same start", (categorical, sparse)),
    Case(NB, 2, "sparse loss on both", (sparse, sparse), wrong="categorical_crossentropy"),
    Case(NB, 2, "different seeds", (categorical, history(sparse.model, [0.80], 79)), wrong="same weights"),
    Case(NB, 2, "different images", (categorical, history(sparse.model, [0.776499], 469)), wrong="same images"),
    Case(NB, 3, "raw and scaled", (raw, scaled, np.float64(0.7464), np.float64(0.8080))),
    Case(NB, 3, "swapped", (scaled, raw, np.float64(0.8080), np.float64(0.7464)), wrong="swapped"),
    Case(NB, 3, "both scaled", (scaled, scaled, np.float64(0.8080), np.float64(0.8080)), wrong="same pixels"),
    Case(NB, 3, "one epoch", (history(raw.model, [12.375], 79), scaled, 0.7, 0.8), wrong="train for 2"),
    Case(NB, 4, "the surest mistake", (17, worst_top3), context=worst_context),
    Case(NB, 4, "a right answer", (0, worst_top3), context=worst_context,
         wrong="got test image 0 right" if y_test[0] == probabilities[0].argmax() else "right"),
    Case(NB, 4, "a less sure mistake", (5 if probabilities[5].max() < probabilities[40].max() else 40,
                                        worst_top3), context=worst_context, wrong="sort the wrong answers"),
    Case(NB, 4, "the classes in the wrong order", (17, worst_top3[::-1]), context=worst_context,
         wrong="most to least probable"),
    Case(NB, 5, "a constant rate, as many epochs", (constant, np.float64(0.8837)), run=RUN_2_EPOCHS),
    Case(NB, 5, "still the schedule", (scheduled, np.float64(0.89)), run=RUN_2_EPOCHS, wrong="schedule"),
    Case(NB, 5, "another rate", (fast, np.float64(0.85)), run=RUN_2_EPOCHS, wrong="0.001"),
    Case(NB, 5, "more epochs", (three_epochs, np.float64(0.89)), run=RUN_2_EPOCHS, wrong="like with like"),
]
