"""Notebook 05's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import math
import tempfile
import zipfile
from pathlib import Path

import keras
import numpy as np
import pandas as pd

from exercise_cases import Case, a_run
from helpers.compare import compare
from helpers.training import momentum_for

NB = "05_pooling_and_checkpoints"
RUN = a_run(NB, train_size=2_000, batch_size=128)  # exercise 3 then trains on half of them: 8 steps an epoch


def three_blocks(input_size: int = 28, bn_momentum: float = 0.99, pooling=keras.layers.MaxPooling2D) -> keras.Model:
    """Section 3's model, as build_model makes it."""
    layers = [keras.Input(shape=(input_size, input_size, 1))]
    for filters in (32, 64, 128):
        layers += [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
                   keras.layers.BatchNormalization(momentum=bn_momentum), keras.layers.Activation("relu"),
                   pooling(2)]
    layers += [keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"), keras.layers.Dropout(0.5),
               keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(layers)


def trained(model: keras.Model, steps: int) -> keras.Model:
    """A model compiled as the solution does, its optimizer's step count set as if it had trained `steps` steps."""
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.iterations.assign(steps)
    return model


# Exercise 1
BIGGER = three_blocks(32)
RIGHT_COUNT = (4 * 4 * 128 + 1) * 128

# Exercise 2: lowest val_loss at epoch 3, highest val_accuracy at epoch 5
LOG = pd.DataFrame({"epoch": [1, 2, 3, 4, 5], "loss": [0.6, 0.4, 0.3, 0.25, 0.2],
                    "val_loss": [0.5, 0.35, 0.30, 0.31, 0.33], "val_accuracy": [0.80, 0.86, 0.88, 0.885, 0.89]})

# Exercise 3
STEPS = math.ceil(1_000 / 128)
MOMENTUM = momentum_for(STEPS)
rng = np.random.default_rng(0)
X_TEST = rng.random((60, 28, 28, 1), dtype=np.float32)
Y_TEST = rng.integers(0, 10, 60)
keras.utils.set_random_seed(1)
MAX_MODEL = trained(three_blocks(bn_momentum=MOMENTUM), 2 * STEPS)
keras.utils.set_random_seed(2)
AVERAGE = trained(three_blocks(bn_momentum=MOMENTUM, pooling=keras.layers.AveragePooling2D), 2 * STEPS)
keras.utils.set_random_seed(3)
OTHER_MAX = trained(three_blocks(bn_momentum=MOMENTUM), 2 * STEPS)
max_pred, average_pred = MAX_MODEL.predict(X_TEST, verbose=0), AVERAGE.predict(X_TEST, verbose=0)
Y_TEST[:50] = average_pred[:50].argmax(axis=1)  # labels the average model mostly gets right: its accuracy stands out
COMPARISON = compare(Y_TEST, max_pred, average_pred, names=("max pooling", "average pooling"))
SELF = compare(Y_TEST, average_pred, average_pred, names=("average pooling", "average pooling"))
MAX_ONLY = compare(Y_TEST, max_pred, OTHER_MAX.predict(X_TEST, verbose=0), names=("max pooling", "max pooling 2"))
TEST = {"x_test": X_TEST, "y_test": Y_TEST}

# Exercise 4: .keras files are zip archives
FOLDER = Path(tempfile.mkdtemp(prefix="nb05_every_epoch_"))


def keras_file(name: str) -> Path:
    path = FOLDER / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
    return path


EPOCH_FILES = [keras_file("epoch_01.keras"), keras_file("epoch_02.keras")]

CASES = [
    Case(NB, 1, "the formula and the model", (RIGHT_COUNT, BIGGER)),
    Case(NB, 1, "no biases", (4 * 4 * 128 * 128, BIGGER), wrong="bias"),
    Case(NB, 1, "the 28 x 28 model's dense layer", ((3 * 3 * 128 + 1) * 128, BIGGER), wrong="three poolings"),
    Case(NB, 1, "the model still for 28 x 28", (RIGHT_COUNT, three_blocks(28)), wrong="32 x 32 x 1"),
    Case(NB, 2, "the lowest val_loss", (3,), context={"log": LOG}),
    Case(NB, 2, "the row index", (2,), context={"log": LOG}, wrong="counts from 1"),
    Case(NB, 2, "the checkpoint's own epoch", (5,), context={"log": LOG}, wrong="highest validation accuracy"),
    Case(NB, 2, "a float", (3.0,), context={"log": LOG}, wrong="whole number"),
    Case(NB, 3, "average pooling against max pooling", (AVERAGE, COMPARISON), context=TEST, run=RUN),
    Case(NB, 3, "cloned without a clone_function", (MAX_MODEL, COMPARISON), context=TEST, run=RUN,
         wrong="MaxPooling2D"),
    Case(NB, 3, "the default momentum",
         (trained(three_blocks(pooling=keras.layers.AveragePooling2D), 2 * STEPS), COMPARISON),
         context=TEST, run=RUN, wrong="momentum"),
    Case(NB, 3, "one epoch", (trained(three_blocks(bn_momentum=MOMENTUM, pooling=keras.layers.AveragePooling2D),
                                      STEPS), COMPARISON), context=TEST, run=RUN, wrong="training steps"),
    Case(NB, 3, "a model against itself", (AVERAGE, SELF), context=TEST, run=RUN, wrong="with itself"),
    Case(NB, 3, "two max-pooling models compared", (AVERAGE, MAX_ONLY), context=TEST, run=RUN,
         wrong="neither accuracy"),
    Case(NB, 4, "two files, two digits", (EPOCH_FILES,)),
    Case(NB, 4, "no placeholder", ([keras_file("epoch.keras")],), wrong="placeholder"),
    Case(NB, 4, "one digit", ([keras_file("epoch_1.keras"), keras_file("epoch_2.keras")],), wrong="two digits"),
    Case(NB, 4, "three epochs", ([*EPOCH_FILES, keras_file("epoch_03.keras")],), wrong="2 epochs"),
]
