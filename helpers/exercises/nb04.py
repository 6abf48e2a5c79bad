"""Checks of notebook 04's exercises (stacked convolutions and their parameter counts)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from helpers.exercises import need, register
from helpers.exercises.inspect import is_model, layers_of

NOTEBOOK = "04_stacked_convolutions"


def _is_count(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


@register(NOTEBOOK, 1, "Count by hand", answers=("conv_count", "dense_count"))
def count_by_hand(run, conv_count, dense_count):
    import keras

    for name, value in (("conv_count", conv_count), ("dense_count", dense_count)):
        need(_is_count(value), f"{name} should be a whole number of parameters, not {type(value).__name__}.")
    conv = keras.layers.Conv2D(48, kernel_size=5)
    conv.build((None, 20, 20, 24))
    dense = keras.layers.Dense(64)
    dense.build((None, 6 * 6 * 48))
    need(conv_count != 5 * 5 * 24 * 48, "your Conv2D count leaves out the biases: each of the 48 filters has one.")
    need(conv_count != (5 * 5 + 1) * 48,
         "your Conv2D count has one 5 x 5 kernel per filter; each filter has one per input channel, 24 of them.")
    need(conv_count == conv.count_params(),
         f"your Conv2D count is {conv_count:,}, Keras counts {conv.count_params():,}: (k*k*c_in + 1) * c_out.")
    need(dense_count != 6 * 6 * 48 * 64, "your Dense count leaves out the biases: each of the 64 units has one.")
    need(dense_count != (6 * 6 + 1) * 64,
         "your Dense count reads a 6 x 6 map; flattened, it holds 6 x 6 x 48 numbers, one per position and channel.")
    need(dense_count == dense.count_params(),
         f"your Dense count is {dense_count:,}, Keras counts {dense.count_params():,}: (n_in + 1) * units.")
    return None


def _factor_dict(factors) -> dict:
    """factors as {layer name: number}, from a dict or a pandas Series."""
    if hasattr(factors, "to_dict"):
        factors = factors.to_dict()
    need(isinstance(factors, Mapping), "factors should give one number per layer, by layer name (a dict or a pandas "
         f"Series), not {type(factors).__name__}.")
    return {str(k): float(v) for k, v in factors.items()}


@register(NOTEBOOK, 2, "Twice the filters", answers=("wider", "factors"))
def twice_the_filters(run, wider, factors, *, narrow):
    need(is_model(wider), f"wider should be the Keras model you built, not {type(wider).__name__}.")
    filters = [layer.filters for layer in layers_of(wider, "Conv2D")]
    doubled = [2 * layer.filters for layer in layers_of(narrow, "Conv2D")]
    need(filters == doubled, f"wider's convolutions have {filters} filters; twice wide_head's are {doubled}.")
    need([layer.units for layer in layers_of(wider, "Dense")] == [layer.units for layer in layers_of(narrow, "Dense")],
         "wider's Dense layers should keep wide_head's units; only the filters double.")
    counted = {layer.name: layer for layer in narrow.layers if layer.count_params()}
    expected = {name: wider.get_layer(name).count_params() / layer.count_params() for name, layer in counted.items()}
    got = _factor_dict(factors)
    need(set(got) == set(expected), f"factors names the layers {sorted(got)}; it needs one factor for each layer with "
         f"weights: {sorted(expected)}.")
    inverted = all(np.isclose(got[n], 1 / expected[n], rtol=0.01) for n in expected)
    need(not inverted or all(np.isclose(v, 1) for v in expected.values()),
         "your factors are upside down: divide wider's count by wide_head's, so that growth is above 1.")
    off = [n for n in expected if not np.isclose(got[n], expected[n], rtol=0.01)]
    keras_factors = ", ".join(f"{n} {expected[n]:.2f}" for n in off)
    need(not off, f"the factors of {off} differ from Keras' counts: {keras_factors}.")
    return "about 4 where both c_in and c_out double, 2 where only one of them does."


def _hidden_count(head: str, side: int) -> int:
    """The hidden layer's parameters of notebook 04's three-block design on side x side images, by Keras."""
    import keras

    layers = [keras.Input(shape=(side, side, 1))]
    for i, filters in enumerate((16, 32, 64)):
        layers.append(keras.layers.Conv2D(filters, 3, padding="same", activation="relu"))
        if i < 2:
            layers.append(keras.layers.MaxPooling2D(2))
    layers.append(keras.layers.Flatten() if head == "flatten" else keras.layers.GlobalAveragePooling2D())
    hidden = keras.layers.Dense(128, activation="relu")
    keras.Sequential([*layers, hidden])
    return hidden.count_params()


@register(NOTEBOOK, 3, "Where global average pooling saves", answers=("flatten_hidden", "average_hidden"))
def where_global_average_pooling_saves(run, flatten_hidden, average_hidden):
    for name, value in (("flatten_hidden", flatten_hidden), ("average_hidden", average_hidden)):
        need(_is_count(value), f"{name} should be a whole number of parameters, not {type(value).__name__}.")
    flat_56, flat_28 = _hidden_count("flatten", 56), _hidden_count("flatten", 28)
    average = _hidden_count("global_average", 56)
    need(flatten_hidden != flat_28, f"{flatten_hidden:,} is the hidden layer on 28 x 28 images; the exercise asks "
         "about 56 x 56 images.")
    need(flatten_hidden != (56 * 56 * 64 + 1) * 128,
         "your count reads a 56 x 56 map, but two poolings halve each side twice before the hidden layer.")
    need(flatten_hidden == flat_56, f"flatten_hidden is {flatten_hidden:,}, Keras counts {flat_56:,}.")
    need(average_hidden != 64 * 128, "your count leaves out the biases: each of the 128 units has one.")
    need(average_hidden == average, f"average_hidden is {average_hidden:,}, Keras counts {average:,}: global "
         "average pooling leaves one number per channel, whatever the image size.")
    return f"{flat_56 / average:.0f} times fewer with global average pooling, on images of this size."
