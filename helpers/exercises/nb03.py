"""Checks of notebook 03's exercises (padding, stride and dilation)."""

from __future__ import annotations

import numpy as np

from helpers.exercises import need, register
from helpers.exercises.inspect import is_model, layers_of

NOTEBOOK = "03_padding_stride_dilation"


def _is_count(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _keras_size(n: int, kernel: int, stride: int = 1, padding: str = "valid", dilation: int = 1) -> int:
    """The output size along one side of the Conv2D that Keras builds (what every answer is checked against)."""
    import keras

    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding, dilation_rate=dilation)
    return int(layer.compute_output_shape((1, n, n, 1))[1])


@register(NOTEBOOK, 1, "Sizes by formula", answers=("valid_size", "same_size"))
def sizes_by_formula(run, valid_size, same_size):
    for name, value in (("valid_size", valid_size), ("same_size", same_size)):
        need(_is_count(value), f"{name} should be a whole number of pixels, not {type(value).__name__}.")
    valid, same = _keras_size(28, 5, 2, "valid"), _keras_size(28, 5, 2, "same")
    need((valid_size, same_size) != (same, valid), "your two sizes are swapped: \"same\" keeps more pixels.")
    need(valid_size != _keras_size(28, 5, 1, "valid"),
         f"{valid_size} is the \"valid\" size with stride 1; with stride 2 the kernel jumps two pixels at a time.")
    need(valid_size != _keras_size(28, 3, 2, "valid"),
         f"{valid_size} is the size a 3 x 3 kernel gives; this kernel is 5 x 5, so it spans 5 pixels.")
    need(valid_size == valid, f"valid_size is {valid_size}, Keras builds {valid}: with p = 0 the formula is "
         "floor((n - k) / s) + 1.")
    need(same_size != 28, "28 is the \"same\" size with stride 1; with stride 2 \"same\" keeps ceil(n / s) pixels.")
    need(same_size == same, f"same_size is {same_size}, Keras builds {same}: \"same\" keeps ceil(n / s) pixels.")
    return f"Keras builds {valid} x {valid} and {same} x {same}."


def _dilated_taps(dilation: int) -> np.ndarray:
    """The offsets (row, col) of the input pixels that feed one output pixel of a 3 x 3 convolution, by Keras."""
    import keras

    layer = keras.layers.Conv2D(1, 3, dilation_rate=dilation, use_bias=False, kernel_initializer="ones")
    size = 2 * dilation + 1
    impulses = np.eye(size * size, dtype="float32").reshape(size * size, size, size, 1)
    seen = (np.asarray(layer(impulses))[:, 0, 0, 0] != 0).reshape(size, size)
    return np.argwhere(seen)


@register(NOTEBOOK, 2, "Dilation 3", answers=("seen", "span", "feeding"))
def dilation_3(run, seen, span, feeding):
    seen = np.asarray(seen)
    need(seen.shape == (28, 28), f"seen should be the 28 x 28 mask that field returns, not an array of shape "
         f"{seen.shape}.")
    need(seen.dtype == bool, f"seen should be a mask of True and False (what field returns), not {seen.dtype} values.")
    marked = np.argwhere(seen)
    need(len(marked) > 0, "seen marks no pixel: is the kernel all ones and the output pixel inside the output?")
    taps = _dilated_taps(3)
    offsets = marked - marked.min(axis=0)
    if len(marked) == len(taps) and not np.array_equal(offsets, taps):
        for other in (1, 2, 4):
            if np.array_equal(offsets, _dilated_taps(other)):
                need(False, f"the marked pixels lie {other} apart: that is dilation_rate={other}, not 3.")
    need(len(marked) == len(taps),
         f"seen marks {len(marked)} pixels; a 3 x 3 kernel has {len(taps)} taps. Use the probe's layer: all-ones "
         "kernel, no bias, no ReLU, so that no tap can vanish or every pixel light up.")
    need(np.array_equal(offsets, taps), "the marked pixels are not the taps of a 3 x 3 kernel with dilation 3.")
    width = int(np.ptp(marked[:, 1]) + 1)
    need(_is_count(span) and _is_count(feeding), "span and feeding should be whole numbers of pixels.")
    need(span != width - 1, f"span {span} leaves out one end: count the pixels from the first marked column to "
         "the last, both included.")
    need(span != 3 * 3, "span 9 is three times the kernel's size; the taps are 3 apart, from the first to the last.")
    need(span == width, f"span is {span}, but seen is {width} pixels wide.")
    need(feeding != width * width, f"{feeding} counts every pixel of the {width} x {width} square; only the marked "
         "ones feed the output pixel.")
    need(feeding == len(marked), f"feeding is {feeding}, but seen marks {len(marked)} pixels.")
    return f"a span of {width} pixels, fed by {len(marked)} of them: the formula d(k-1)+1 gives {3 * (3 - 1) + 1}."


def _conv_layers(model, name: str) -> list:
    need(is_model(model), f"{name} should be the Keras model you built, not {type(model).__name__}.")
    return layers_of(model, "Conv2D")


@register(NOTEBOOK, 3, "One big kernel or two small ones?", answers=("two_small", "one_big"))
def one_big_kernel_or_two_small(run, two_small, one_big):
    small, big = _conv_layers(two_small, "two_small"), _conv_layers(one_big, "one_big")
    need([c.kernel_size for c in small] == [(3, 3), (3, 3)],
         f"two_small's convolutions have kernels {[c.kernel_size[0] for c in small]}; it needs two of 3 x 3.")
    need([c.kernel_size for c in big] == [(5, 5)],
         f"one_big's convolutions have kernels {[c.kernel_size[0] for c in big]}; it needs a single 5 x 5 one.")
    for name, model, convs in (("two_small", two_small, small), ("one_big", one_big, big)):
        channels_in = model.inputs[0].shape[-1]
        need(channels_in == 32, f"{name} reads {channels_in} channel{'s' * (channels_in != 1)}; the exercise asks "
             "for 32 channels in (inputs of 28 x 28 x 32).")
        need(all(c.filters == 32 for c in convs), f"{name}'s convolutions have {[c.filters for c in convs]} "
             "filters; the exercise asks for 32 channels out of every one.")
    activations = [c.get_config()["activation"] for c in small + big]
    need(small[0].get_config()["activation"] == "relu",
         "two_small has no ReLU after its first convolution: two linear 3 x 3 filters in a row are one linear "
         "5 x 5 filter, so the pair would compute nothing one big kernel cannot.")
    need(set(activations) == {"relu"}, f"the convolutions' activations are {activations}; give each a ReLU.")
    need(two_small.outputs[0].shape[1:] == one_big.outputs[0].shape[1:],
         f"the outputs differ in shape ({two_small.outputs[0].shape[1:]} against {one_big.outputs[0].shape[1:]}): "
         "both see a 5 x 5 block only if they pad alike.")
    saved = 1 - two_small.count_params() / one_big.count_params()
    return f"{two_small.count_params():,} against {one_big.count_params():,} parameters: {saved:.0%} fewer."


@register(NOTEBOOK, 4, "Odd sizes", answers=("sizes",))
def odd_sizes(run, sizes):
    need(isinstance(sizes, dict), f"sizes should be a dict keyed by (input size, padding), not {type(sizes).__name__}.")
    wanted = [(n, padding) for n in (28, 27) for padding in ("same", "valid")]
    missing = [key for key in wanted if key not in sizes]
    need(not missing, f"sizes lacks {missing}; it needs the four cases {wanted}.")
    for n, padding in wanted:
        got, keras_size = sizes[(n, padding)], _keras_size(n, 3, 2, padding)
        need(_is_count(got), f"sizes[{(n, padding)}] should be a whole number of pixels, not {got!r}.")
        if got != keras_size and padding == "same":
            need(got != -(-n // 2) - 1 and got != n // 2,
                 f"sizes[{(n, padding)}] = {got}: \"same\" rounds up, ceil({n} / 2) = {-(-n // 2)}.")
            need(got != n, f"sizes[{(n, padding)}] = {got} is the size with stride 1; the stride is 2.")
        if got != keras_size and padding == "valid":
            need(got != -(-(n - 3) // 2) + 1, f"sizes[{(n, padding)}] = {got}: \"valid\" rounds down, "
                 f"floor(({n} - 3) / 2) + 1 = {(n - 3) // 2 + 1}.")
            need(got != n - 2, f"sizes[{(n, padding)}] = {got} is the size with stride 1; the stride is 2.")
        need(got == keras_size, f"sizes[{(n, padding)}] is {got}, Keras builds {keras_size}.")
    return "\"same\" rounds up, \"valid\" rounds down."
