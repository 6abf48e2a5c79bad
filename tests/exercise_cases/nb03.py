"""Notebook 03's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras
import numpy as np

from exercise_cases import Case

NB = "03_padding_stride_dilation"


def dilated_mask(dilation: int, top: int = 5, left: int = 5, size: int = 28) -> np.ndarray:
    """The mask field() returns for one output pixel of a 3 x 3 convolution with this dilation."""
    seen = np.zeros((size, size), dtype=bool)
    for i in range(3):
        for j in range(3):
            seen[top + i * dilation, left + j * dilation] = True
    return seen


def pair(activation: str | None = "relu", channels_in: int = 32, big_kernel: int = 5, filters: int = 32):
    """The two models of exercise 3, built as the learner might."""
    two_small = keras.Sequential([keras.Input(shape=(28, 28, channels_in)),
                                  keras.layers.Conv2D(filters, 3, activation=activation),
                                  keras.layers.Conv2D(filters, 3, activation=activation)])
    one_big = keras.Sequential([keras.Input(shape=(28, 28, channels_in)),
                                keras.layers.Conv2D(filters, big_kernel, activation=activation)])
    return two_small, one_big


RIGHT_SIZES = {(28, "same"): 14, (28, "valid"): 13, (27, "same"): 14, (27, "valid"): 13}
mask = dilated_mask(3)

CASES = [
    Case(NB, 1, "formula and Keras", (12, 14)),
    Case(NB, 1, "numpy integers", (np.int64(12), np.int64(14))),
    Case(NB, 1, "stride forgotten", (24, 28), wrong="stride 1"),
    Case(NB, 1, "a 3 x 3 kernel", (13, 14), wrong="3 x 3 kernel"),
    Case(NB, 1, "swapped", (14, 12), wrong="swapped"),
    Case(NB, 1, "same without the stride", (12, 28), wrong="stride 1"),
    Case(NB, 1, "a shape instead of a size", ((12, 12), 14), wrong="whole number"),
    Case(NB, 2, "the probe's measurement", (mask, 7, 9)),
    Case(NB, 2, "at the top-left output pixel", (dilated_mask(3, 0, 0), 7, 9)),
    Case(NB, 2, "dilation 2", (dilated_mask(2), 5, 9), wrong="dilation_rate=2"),
    Case(NB, 2, "every pixel of the square", (mask, 7, 49), wrong="only the marked ones"),
    Case(NB, 2, "span without one end", (mask, 6, 9), wrong="both included"),
    Case(NB, 2, "span as three times three", (mask, 9, 9), wrong="span 9"),
    Case(NB, 2, "a ReLU hid some taps", (mask & (np.arange(28) % 2 == 1)[np.newaxis, :], 7, 9), wrong="ReLU"),
    Case(NB, 2, "a mask of numbers", (mask.astype(float), 7, 9), wrong="True and False"),
    Case(NB, 3, "two 3 x 3 with ReLU, one 5 x 5", pair()),
    Case(NB, 3, "no activation", pair(activation=None), wrong="ReLU"),
    Case(NB, 3, "a grey image in", pair(channels_in=1), wrong="32 channels in"),
    Case(NB, 3, "a 3 x 3 big kernel", pair(big_kernel=3), wrong="5 x 5"),
    Case(NB, 3, "64 filters", pair(filters=64), wrong="32 channels out"),
    Case(NB, 4, "Keras' sizes", (RIGHT_SIZES,)),
    Case(NB, 4, "same rounding down", ({**RIGHT_SIZES, (27, "same"): 13},), wrong="rounds up"),
    Case(NB, 4, "valid rounding up", ({**RIGHT_SIZES, (28, "valid"): 14},), wrong="rounds down"),
    Case(NB, 4, "stride 1", ({(28, "same"): 28, (28, "valid"): 26, (27, "same"): 27, (27, "valid"): 25},),
         wrong="stride 1"),
    Case(NB, 4, "three cases", ({k: v for k, v in RIGHT_SIZES.items() if k != (27, "valid")},), wrong="lacks"),
    Case(NB, 4, "a list", (list(RIGHT_SIZES.values()),), wrong="dict"),
]
