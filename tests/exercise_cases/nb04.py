"""Notebook 04's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras

from exercise_cases import Case

NB = "04_stacked_convolutions"


def three_block(filters=(16, 32, 64), units=128, side=28, head="flatten"):
    """Notebook 04's three-block design (same layer names), as its three_block builds it."""
    layers = [keras.Input(shape=(side, side, 1))]
    for i, f in enumerate(filters, start=1):
        layers.append(keras.layers.Conv2D(f, 3, padding="same", activation="relu", name=f"conv_{i}"))
        if i < 3:
            layers.append(keras.layers.MaxPooling2D(2, name=f"pool_{i}"))
    layers.append(keras.layers.Flatten(name="flatten") if head == "flatten"
                  else keras.layers.GlobalAveragePooling2D(name="global_average"))
    layers += [keras.layers.Dense(units, activation="relu", name="hidden"),
               keras.layers.Dense(10, activation="softmax", name="output")]
    return keras.Sequential(layers)


NARROW, WIDER = three_block(), three_block(filters=(32, 64, 128))
FACTORS = {layer.name: WIDER.get_layer(layer.name).count_params() / layer.count_params()
           for layer in NARROW.layers if layer.count_params()}
narrow = {"narrow": NARROW}

CASES = [
    Case(NB, 1, "both formulas", (28_848, 110_656)),
    Case(NB, 1, "no bias in the convolution", (5 * 5 * 24 * 48, 110_656), wrong="biases"),
    Case(NB, 1, "one kernel per filter", ((5 * 5 + 1) * 48, 110_656), wrong="per input channel"),
    Case(NB, 1, "the map without its channels", (28_848, (6 * 6 + 1) * 64), wrong="6 x 6 x 48"),
    Case(NB, 1, "no bias in the Dense layer", (28_848, 6 * 6 * 48 * 64), wrong="biases"),
    Case(NB, 1, "a count as text", ("28848", 110_656), wrong="whole number"),
    Case(NB, 2, "the doubled design and its factors", (WIDER, FACTORS), context=narrow),
    Case(NB, 2, "the factors as a Series", (WIDER, __import__("pandas").Series(FACTORS)), context=narrow),
    Case(NB, 2, "upside down", (WIDER, {k: 1 / v for k, v in FACTORS.items()}), context=narrow, wrong="upside down"),
    Case(NB, 2, "the last convolution not doubled", (three_block(filters=(32, 64, 64)), FACTORS), context=narrow,
         wrong="twice wide_head's are [32, 64, 128]"),
    Case(NB, 2, "the hidden layer doubled too", (three_block(filters=(32, 64, 128), units=256), FACTORS),
         context=narrow, wrong="keep wide_head's units"),
    Case(NB, 2, "one factor for the whole model", (WIDER, {"total": WIDER.count_params() / NARROW.count_params()}),
         context=narrow, wrong="one factor for each layer"),
    Case(NB, 2, "every factor 4", (WIDER, dict.fromkeys(FACTORS, 4.0)), context=narrow, wrong="differ from Keras"),
    Case(NB, 3, "both counts on 56 x 56 images", (1_605_760, 8_320)),
    Case(NB, 3, "the 28 x 28 count", (401_536, 8_320), wrong="28 x 28 images"),
    Case(NB, 3, "no pooling counted", ((56 * 56 * 64 + 1) * 128, 8_320), wrong="two poolings"),
    Case(NB, 3, "no bias", (1_605_760, 64 * 128), wrong="biases"),
    Case(NB, 3, "the image size in the average", (1_605_760, (14 * 14 + 1) * 128), wrong="one number per channel"),
]
