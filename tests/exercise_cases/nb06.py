"""Notebook 06's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf

from exercise_cases import Case, a_run
from helpers.compare import Comparison
from helpers.exercises import nb06
from helpers.training import momentum_for

NB = "06_deeper_high_resolution"
RUN = a_run(NB, train_size=2_000, batch_size=128)
STEPS = math.ceil(1_000 / 128)  # under smoke, x_short is the first 1,000 training images: 8 steps
MOMENTUM = momentum_for(STEPS)


def four_blocks(side: int = 56, bn_momentum: float = MOMENTUM, steps: int = STEPS) -> keras.Model:
    """Section 4's network as build_model makes it, compiled, its optimizer's step count set to `steps`."""
    layers = [keras.Input(shape=(side, side, 1))]
    for filters in (16, 32, 64, 128):
        layers += [keras.layers.Conv2D(filters, 3, padding="same", use_bias=False),
                   keras.layers.BatchNormalization(momentum=bn_momentum), keras.layers.Activation("relu"),
                   keras.layers.MaxPooling2D(2)]
    layers += [keras.layers.Flatten(), keras.layers.Dense(256, activation="relu"), keras.layers.Dropout(0.5),
               keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")]
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.iterations.assign(steps)
    return model


def predicted(model: keras.Model, x: np.ndarray, method: str = "bilinear") -> np.ndarray:
    side = model.input_shape[1]
    return model.predict(tf.image.resize(x.astype("float32") / 255.0, (side, side), method=method), verbose=0).argmax(1)


def comparison(accuracy_a: float, accuracy_b: float, discordant: int = 20, images: int = 60) -> Comparison:
    """A comparison of two models with these accuracies, as compare returns it."""
    return Comparison("a", "b", images, accuracy_a, accuracy_b, discordant // 2, discordant - discordant // 2, 0.5)


# Exercise 1
MACS_112 = nb06.multiply_adds(112)

# Exercise 2: the labels are what the nearest model predicts on nearest-resized images, so its accuracy there is 1
rng = np.random.default_rng(0)
X_TEST = rng.integers(0, 256, (60, 28, 28, 1), dtype=np.uint8)
keras.utils.set_random_seed(1)
NEAREST = four_blocks()
Y_NEAREST = predicted(NEAREST, X_TEST, "nearest")
on_bilinear = float(np.mean(predicted(NEAREST, X_TEST, "bilinear") == Y_NEAREST))
assert on_bilinear < 0.95, "the case needs a model that the two resizes lead to different answers"
TEST_2 = {"x_test": X_TEST, "y_test": Y_NEAREST}

# Exercise 3: labels that model_28 mostly gets right, then model_56's accuracy on them
keras.utils.set_random_seed(2)
MODEL_28 = four_blocks(28, steps=2 * STEPS)
keras.utils.set_random_seed(3)
MODEL_56 = four_blocks(56, steps=2 * STEPS)
Y_28 = predicted(MODEL_28, X_TEST)
Y_28[:10] = (Y_28[:10] + 1) % 10  # 50 of 60 right
ACC_28 = float(np.mean(predicted(MODEL_28, X_TEST) == Y_28))
ACC_56 = float(np.mean(predicted(MODEL_56, X_TEST) == Y_28))
assert abs(ACC_28 - ACC_56) > 0.05, "the case needs two models whose accuracies differ"
TEST_3 = {"x_test": X_TEST, "y_test": Y_28}

CASES = [
    Case(NB, 1, "the count and the shape", (MACS_112, (7, 7, 128))),
    Case(NB, 1, "the count at 56", (nb06.multiply_adds(56), (7, 7, 128)), wrong="count at 56 x 56"),
    Case(NB, 1, "four times the count at 56", (4 * nb06.multiply_adds(56), (7, 7, 128)), wrong="dense layers"),
    Case(NB, 1, "the convolutions only", (nb06.multiply_adds(112, dense=False), (7, 7, 128)),
         wrong="convolutions only"),
    Case(NB, 1, "three poolings", (MACS_112, (14, 14, 128)), wrong="four 2 x 2 poolings"),
    Case(NB, 1, "the batch axis kept", (MACS_112, (None, 7, 7, 128)), wrong="three"),
    Case(NB, 2, "nearest on nearest test images", (NEAREST, comparison(on_bilinear, 1.0)), context=TEST_2, run=RUN),
    Case(NB, 2, "scored on bilinear test images", (NEAREST, comparison(0.2, on_bilinear)), context=TEST_2, run=RUN,
         wrong="method=\"nearest\""),
    Case(NB, 2, "the default momentum", (four_blocks(bn_momentum=0.99), comparison(0.5, 1.0)), context=TEST_2,
         run=RUN, wrong="momentum"),
    Case(NB, 2, "two epochs", (four_blocks(steps=2 * STEPS), comparison(0.5, 1.0)), context=TEST_2, run=RUN,
         wrong="training steps"),
    Case(NB, 2, "a model against itself", (NEAREST, comparison(1.0, 1.0, discordant=0)), context=TEST_2, run=RUN,
         wrong="with itself"),
    Case(NB, 3, "28 against 56", (MODEL_28, MODEL_56, comparison(ACC_28, ACC_56)), context=TEST_3, run=RUN),
    Case(NB, 3, "both at 56", (four_blocks(56, steps=2 * STEPS), MODEL_56, comparison(ACC_28, ACC_56)),
         context=TEST_3, run=RUN, wrong="build_model(28)"),
    Case(NB, 3, "one epoch each", (four_blocks(28), MODEL_56, comparison(ACC_28, ACC_56)), context=TEST_3, run=RUN,
         wrong="training steps"),
    Case(NB, 3, "the 56 model's accuracy missing", (MODEL_28, MODEL_56, comparison(ACC_28, ACC_28 + 0.5 / 2)),
         context=TEST_3, run=RUN, wrong="model_56's"),
]
