"""Notebook 07's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras
import numpy as np

from exercise_cases import Case, history
from helpers.compare import compare

NB = "07_regularization"


def cnn(batch_norm: bool = False, momentum: float = 0.99, filters=(32, 64, 128), units: int = 256) -> keras.Model:
    """Section 2's network as build_model makes it (no training needed to count or inspect it)."""
    stack = [keras.Input(shape=(28, 28, 1))]
    for f in filters:
        stack.append(keras.layers.Conv2D(f, 3, padding="same", use_bias=not batch_norm))
        if batch_norm:
            stack.append(keras.layers.BatchNormalization(momentum=momentum))
        stack += [keras.layers.Activation("relu"), keras.layers.MaxPooling2D(2)]
    stack += [keras.layers.Flatten(), keras.layers.Dense(units, use_bias=not batch_norm)]
    if batch_norm:
        stack.append(keras.layers.BatchNormalization(momentum=momentum))
    stack += [keras.layers.Activation("relu"), keras.layers.Dense(10, activation="softmax")]
    return keras.Sequential(stack)


# Exercise 1: 32 + 64 + 128 + 256 = 480 channels get batch normalization.
PLAIN, NORMALIZED = cnn(), cnn(batch_norm=True)
RIGHT_EXTRA = 3 * 480

# Exercise 2 under smoke: section 5's momentum for 8 steps per epoch, 500 validation images.
MOMENTUM = 0.01 ** (1 / 8)
truth = np.arange(500) % 10


def classes(wrong: range) -> np.ndarray:
    """Predicted classes that are right except on the images of `wrong`."""
    predicted = truth.copy()
    predicted[list(wrong)] = (truth[list(wrong)] + 1) % 10
    return predicted


seed_predictions = {42: classes(range(0, 60)), 43: classes(range(30, 100)), 44: classes(range(100, 150))}
again_classes = classes(range(450, 500))  # 0.90 on the validation images
first = history(cnn(batch_norm=True, momentum=MOMENTUM), [0.61, 0.35], 8, val_accuracy=[0.80, 0.905])
again = history(cnn(batch_norm=True, momentum=MOMENTUM), [0.63, 0.36], 8, val_accuracy=[0.79, 0.90])
same_seed = history(cnn(batch_norm=True, momentum=MOMENTUM), [0.61, 0.35], 8, val_accuracy=[0.80, 0.905])
default_momentum = history(cnn(batch_norm=True), [0.63, 0.36], 8, val_accuracy=[0.79, 0.90])
no_batch_norm = history(cnn(), [0.63, 0.36], 8, val_accuracy=[0.79, 0.90])
versus = compare(truth, again_classes, seed_predictions[43], names=("+ batch norm", "baseline"))
versus_first_seed = compare(truth, again_classes, seed_predictions[42], names=("+ batch norm", "baseline"))
on_fewer_images = compare(truth[:200], again_classes[:200], seed_predictions[43][:200])
seeds_context = {"first_history": first, "seed_predictions": seed_predictions, "y_check": truth, "momentum": MOMENTUM}

# Exercise 3: eight garments of different widths, two of them filling the frame from side to side.
originals = np.zeros((8, 28, 28, 1), dtype="float32")
for i, half_width in enumerate((4, 6, 8, 10, 12, 14, 14, 9)):
    originals[i, 4:24, 14 - half_width : 14 + half_width, 0] = 0.5 + 0.05 * i


def shifted(factor: float, seed: int = 7) -> np.ndarray:
    layer = keras.layers.RandomTranslation(factor, factor, fill_mode="constant", seed=seed)
    return np.asarray(layer(originals, training=True))


SMALL, LARGE = shifted(0.07), shifted(0.25)
brightness = originals.sum(axis=(1, 2, 3))
LOST_SMALL, LOST_LARGE = (1 - s.sum(axis=(1, 2, 3)) / brightness for s in (SMALL, LARGE))
shift_context = {"originals": originals}

CASES = [
    Case(NB, 1, "the formula and the two models", (RIGHT_EXTRA, PLAIN, NORMALIZED)),
    Case(NB, 1, "the biases kept", (4 * 480, PLAIN, NORMALIZED), wrong="lose their bias"),
    Case(NB, 1, "the trained numbers only", (2 * 480, PLAIN, NORMALIZED), wrong="moving mean and variance"),
    Case(NB, 1, "batch norm on neither model", (RIGHT_EXTRA, PLAIN, cnn()), wrong="batch_norm=True"),
    Case(NB, 1, "another architecture", (RIGHT_EXTRA, cnn(units=128), NORMALIZED), wrong="differ in more than"),
    Case(NB, 2, "another seed, paired with its own baseline", (again, versus), context=seeds_context),
    Case(NB, 2, "the same seed again", (same_seed, versus), context=seeds_context, wrong="same seed"),
    Case(NB, 2, "Keras' default momentum", (default_momentum, versus), context=seeds_context, wrong="bn_momentum"),
    Case(NB, 2, "no batch normalization", (no_batch_norm, versus), context=seeds_context,
         wrong="no batch normalization"),
    Case(NB, 2, "paired with the first seed's baseline", (again, versus_first_seed), context=seeds_context,
         wrong="seed_predictions[SEED + 1]"),
    Case(NB, 2, "on other images", (again, on_fewer_images), context=seeds_context, wrong="validation images"),
    Case(NB, 2, "the accuracy in place of the test", (again, 0.9), context=seeds_context, wrong="compare(...)"),
    Case(NB, 3, "both shifts and their losses", (SMALL, LARGE, LOST_SMALL, LOST_LARGE), context=shift_context),
    Case(NB, 3, "without training=True", (originals.copy(), LARGE, LOST_SMALL, LOST_LARGE), context=shift_context,
         wrong="training=True"),
    Case(NB, 3, "the two swapped", (LARGE, SMALL, LOST_LARGE, LOST_SMALL), context=shift_context, wrong="swapped"),
    Case(NB, 3, "the share kept", (SMALL, LARGE, 1 - LOST_SMALL, 1 - LOST_LARGE), context=shift_context,
         wrong="share lost"),
    Case(NB, 3, "one share for all eight", (SMALL, LARGE, np.float32(LOST_SMALL.mean()), LOST_LARGE),
         context=shift_context, wrong="one share per image"),
    Case(NB, 3, "large shifts of 2 pixels too", (SMALL, shifted(0.07, seed=8), LOST_SMALL, LOST_LARGE),
         context=shift_context, wrong="0.25"),
]
