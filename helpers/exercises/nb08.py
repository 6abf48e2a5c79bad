"""Checks of notebook 08's exercises (dissecting a trained network)."""

from __future__ import annotations

import numpy as np

from helpers.exercises import Off, need, register
from helpers.exercises.inspect import is_model

NOTEBOOK = "08_kernel_dissection"


def _whole(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _close(a: np.ndarray, b: np.ndarray, tolerance: float = 1e-4) -> bool:
    """Same shape and the same values to float32 rounding, relative to the larger of them."""
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tolerance * max(1.0, float(np.abs(b).max()))))


@register(NOTEBOOK, 1, "Count before you build", answers=("kernel_shape", "by_formula", "rgb_layer"))
def count_before_you_build(run, kernel_shape, by_formula, rgb_layer):
    import keras

    reference = keras.layers.Conv2D(16, 5)  # Keras builds what the exercise names
    reference.build((None, 32, 32, 3))
    shape, count = tuple(reference.kernel.shape), reference.count_params()
    need(isinstance(kernel_shape, tuple | list) and all(_whole(n) for n in kernel_shape),
         f"kernel_shape should be a tuple of whole numbers, got {kernel_shape!r}.")
    given = tuple(int(n) for n in kernel_shape)
    need(len(given) == 4, f"kernel_shape {given} has {len(given)} axes; a Conv2D kernel has 4: rows, columns, "
         "input channels, filters.")
    need(sorted(given) != sorted(shape) or given == shape,
         f"kernel_shape {given} holds the right sizes in another order: Keras orders a kernel (rows, columns, "
         "input channels, filters).")
    need(given == shape, f"kernel_shape {given} is not this layer's: a 5 x 5 window, the 3 channels of a colour "
         "image, 16 filters.")
    need(_whole(by_formula), f"by_formula should be a whole number of parameters, got {by_formula!r}.")
    need(by_formula != 5 * 5 * 3 * 16, "your count is the kernel's weights only: every filter also has a bias.")
    need(by_formula != (5 * 5 + 1) * 16, "your count gives each filter one 5 x 5 slice, but it has one per input "
         "channel: 3 for a colour image.")
    need(by_formula == count, f"your formula gives {by_formula:,}, which is {'more' if by_formula > count else 'less'} "
         "than the layer holds: (rows x columns x input channels + 1) x filters.")
    need(isinstance(rgb_layer, keras.layers.Conv2D), f"rgb_layer should be the Conv2D layer you built, not "
         f"{type(rgb_layer).__name__}.")
    need(rgb_layer.built, "rgb_layer has no weights yet: build it for the input, rgb_layer.build((None, 32, 32, 3)).")
    need(tuple(rgb_layer.kernel.shape) == shape, f"your layer's kernel has shape {tuple(rgb_layer.kernel.shape)}: "
         "build Conv2D(16, 5) for 32 x 32 colour images.")
    need(rgb_layer.count_params() == by_formula,
         f"Keras counts {rgb_layer.count_params():,} for your layer, your formula {by_formula:,}: they must agree.")
    return f"kernel {shape}, {count:,} parameters: your formula and Keras agree."


def _reference(images: np.ndarray, kernel: np.ndarray, strides: int = 1, dilations: int = 1) -> np.ndarray:
    """What Conv2D computes with this kernel and 'same' padding: TensorFlow's own convolution."""
    import tensorflow as tf

    return tf.nn.conv2d(np.asarray(images, "float32"), np.asarray(kernel, "float32"), strides=strides,
                        padding="SAME", dilations=dilations).numpy()


@register(NOTEBOOK, 2, "Strides and dilation by hand", answers=("strided", "dilated"))
def strides_and_dilation_by_hand(run, strided, dilated, *, images, kernel):
    images, kernel = np.asarray(images, "float32"), np.asarray(kernel, "float32")
    plain = _reference(images, kernel)
    for name, answer, expected, setting in (
        ("strided", strided, _reference(images, kernel, strides=2), "strides=(2, 2)"),
        ("dilated", dilated, _reference(images, kernel, dilations=2), "dilation=(2, 2)"),
    ):
        need(isinstance(answer, np.ndarray | list) or hasattr(answer, "numpy"),
             f"{name} should be the array conv2d_by_hand returns, got {type(answer).__name__}.")
        given = np.asarray(answer, dtype="float64")
        need(given.shape[:1] + given.shape[3:] == expected.shape[:1] + expected.shape[3:],
             f"{name} has shape {given.shape}: one map per image and filter, ({len(images)}, rows, columns, "
             f"{kernel.shape[-1]}), from all four images and the first layer's kernel.")
        need(not _close(given, plain), f"{name} is the plain convolution (stride 1, no dilation): pass {setting} "
             "to conv2d_by_hand.")
        span = (kernel.shape[0] - 1) * (2 if name == "dilated" else 1) + 1
        valid = (images.shape[1] - span) // (2 if name == "strided" else 1) + 1
        need(given.shape[1] != valid or valid == expected.shape[1],
             f"{name} has {given.shape[1]} rows: that is padding='valid'. With padding='same' a layer keeps "
             f"ceil(size / stride) positions: {expected.shape[1]}.")
        if name == "strided" and _close(given, plain[:, ::2, ::2]):
            raise Off("strided keeps every second value of the stride-1 result. With stride 2, 'same' pads one "
                      "row at the bottom and none on top (TensorFlow's rule), so its windows sit one pixel "
                      "further down and right: compute it with strides=(2, 2) instead.")
        need(given.shape == expected.shape, f"{name} has shape {given.shape}; with {setting} and padding 'same' "
             f"the layer's output has shape {expected.shape}.")
        need(_close(given, expected), f"{name} has the right shape but differs from tf.nn.conv2d with {setting} by "
             f"up to {np.abs(given - expected).max():.2g}: use the first layer's kernel on the four images.")
    return (f"strided {tuple(np.shape(strided))}: stride 2 keeps every second position; dilated "
            f"{tuple(np.shape(dilated))}: a dilated 3 x 3 kernel spans 5 x 5 pixels, and 'same' pads for it.")


def _gradient_maps(scores_of, images, classes, through_softmax: bool = False) -> np.ndarray:
    """|d score / d pixel| per image, each scaled to a largest value of 1 (or of the softmax's probability)."""
    import tensorflow as tf

    pixels = tf.convert_to_tensor(np.asarray(images, "float32"))
    with tf.GradientTape() as tape:
        tape.watch(pixels)
        scores = scores_of(pixels, training=False)
        if through_softmax:
            scores = tf.nn.softmax(scores)
        chosen = tf.gather(scores, np.asarray(classes, "int64"), batch_dims=1)
    maps = np.abs(tape.gradient(chosen, pixels).numpy()).reshape(len(classes), *np.shape(images)[1:3])
    return maps / np.maximum(maps.max(axis=(1, 2), keepdims=True), 1e-30)


@register(NOTEBOOK, 3, "Saliency", answers=("saliency",))
def saliency(run, saliency, *, scores_of, images, classes):
    given = np.asarray(saliency, dtype="float64")
    rows, cols = np.shape(images)[1:3]
    need(given.shape == (len(classes), rows, cols),
         f"saliency has shape {given.shape}: one {rows} x {cols} map per image of `right`, "
         f"({len(classes)}, {rows}, {cols}).")
    need(given.min() >= 0, "saliency has negative values: take the absolute value of the gradient.")
    need(np.allclose(given.max(axis=(1, 2)), 1.0, atol=1e-5),
         "not every map has 1 as its largest value: divide each map by its own largest value.")
    expected = _gradient_maps(scores_of, images, classes)
    if not _close(given, expected, 1e-3) and _close(given, _gradient_maps(scores_of, images, classes, True), 1e-3):
        raise Off("these are the gradients of the probabilities after the softmax; the exercise asks for the class "
                  "score before it, which the softmax flattens once the model is sure.")
    need(_close(given, expected, 1e-3), "saliency differs from |d score / d pixel| for each image's predicted "
         "class: take the score before the softmax, of the class the model predicts, per image.")
    return "each map is |gradient| of the image's class score, scaled to a largest value of 1."


def _occlusion(probabilities_of, image, label, fill: float = 0.0, square: int = 8, step: int = 4) -> np.ndarray:
    """How much the true class's probability drops with a square of `fill` at each position (0 where it rises)."""
    positions = range(0, image.shape[0] - square + 1, step)
    covered = []
    for top in positions:
        for left in positions:
            patched = np.array(image, dtype="float32", copy=True)
            patched[top : top + square, left : left + square] = fill
            covered.append(patched)
    uncovered = probabilities_of(np.asarray(image, "float32")[None])[0, label]
    drops = uncovered - probabilities_of(np.stack(covered))[:, label]
    return np.clip(drops, 0, None).reshape(len(positions), len(positions))


@register(NOTEBOOK, 4, "Occlusion", answers=("drop",))
def occlusion(run, drop, *, probabilities_of, image, label):
    expected = _occlusion(probabilities_of, image, label)
    given = np.asarray(drop, dtype="float64")
    side = expected.shape[0]
    need(given.shape != _occlusion(probabilities_of, image, label, step=8).shape or given.shape == expected.shape,
         f"drop has shape {given.shape}: that is steps of 8 pixels. In steps of 4 an 8 x 8 square takes "
         f"{side} positions along each side: a {side} x {side} array.")
    need(given.shape == expected.shape, f"drop has shape {given.shape}; an 8 x 8 square in steps of 4 takes {side} "
         f"positions along each side: a {side} x {side} array.")
    need(given.min() >= 0, "drop has negative values: where covering raises the probability, the drop is 0.")
    if not _close(given, expected) and _close(given, _occlusion(probabilities_of, image, label, fill=1.0)):
        raise Off("your square is white (pixels 1.0); a black square sets them to 0.")
    if not _close(given, expected) and _close(given, expected.T):
        raise Off("rows and columns are swapped: the first axis is the square's top, the second its left.")
    need(_close(given, expected), "drop differs from the true class's probability uncovered minus covered, at each "
         "position: cover the image of right[0] with a black 8 x 8 square and predict all positions.")
    return f"largest drop {expected.max():.3f}, at {int(np.sum(expected > 0))} of {expected.size} positions."


def _changed(model, original) -> list[tuple[str, int, np.ndarray, np.ndarray]]:
    """Every weight array of `model` that differs from `original`'s: (layer, index, new, old)."""
    found = []
    for new_layer, old_layer in zip(model.layers, original.layers, strict=True):
        for k, (new, old) in enumerate(zip(new_layer.get_weights(), old_layer.get_weights(), strict=True)):
            if not np.array_equal(new, old):
                found.append((old_layer.name, k, new, old))
    return found


@register(NOTEBOOK, 5, "Knock out a channel", answers=("sobel_knocked", "unlike_knocked"))
def knock_out_a_channel(run, sobel_knocked, unlike_knocked, *, net, reader, learned_sim):
    wanted = {"sobel_knocked": int(learned_sim["Sobel, vertical edges"].idxmax()),
              "unlike_knocked": int(learned_sim.max(axis=1).idxmin())}
    first = next(layer.name for layer in net.layers if type(layer).__name__ == "Conv2D")
    read = net.get_layer(reader).get_weights()[0]
    need(not any(np.all(read[:, :, f, :] == 0) for f in wanted.values()),
         f"the intact network `net` no longer reads a channel in {reader}: it was changed in place. Run the "
         "notebook again from section 2, and change only copies.")
    for name, knocked in (("sobel_knocked", sobel_knocked), ("unlike_knocked", unlike_knocked)):
        f = wanted[name]
        need(is_model(knocked), f"{name} should be a Keras model, a copy of the network, not {type(knocked).__name__}.")
        need(knocked is not net, f"{name} is the network itself: clone it (and copy its weights) first, so that the "
             "intact network stays as it was.")
        need([type(a).__name__ for a in knocked.layers] == [type(b).__name__ for b in net.layers],
             f"{name} does not have the network's layers: make it with keras.models.clone_model(net).")
        changes = _changed(knocked, net)
        need(changes, f"{name} has every weight of the intact network: set the reading weights of channel {f} to 0.")
        mine = [(layer, k, new) for layer, k, new, _ in changes]
        normalizations = {layer.name for layer in net.layers if type(layer).__name__ == "BatchNormalization"}
        if all(layer in normalizations for layer, _, _ in mine):
            raise Off(f"{name} changes batch normalization's weights. Zeroing its scale and offset for the channel "
                      f"silences it too, but the exercise cuts the channel where it is read: the weights of "
                      f"{reader}, kernel[:, :, {f}, :].")
        if any(layer == first for layer, _, _ in mine):
            raise Off(f"{name} changes the first layer's own weights. Batch normalization after it turns a map of "
                      f"zeros into a constant map, which the next layer still reads: zero instead the weights with "
                      f"which {reader} reads the channel, kernel[:, :, {f}, :].")
        need(all(layer == reader and k == 0 for layer, k, _ in mine),
             f"{name} changes other weights than {reader}'s kernel: {sorted({layer for layer, _, _ in mine})}.")
        kernel = mine[0][2]
        silent = [g for g in range(kernel.shape[2]) if np.all(kernel[:, :, g, :] == 0)]
        if not silent and any(np.all(kernel[..., g] == 0) for g in range(kernel.shape[3])):
            raise Off(f"{name} zeroes filters that {reader} computes (its last axis); the channel it reads is its "
                      f"third axis: kernel[:, :, {f}, :].")
        need(silent == [f], f"{name} silences channel(s) {silent} in {reader}; the filter the exercise names is {f} "
             "(learned_sim tells which).")
        need(np.array_equal(np.delete(kernel, f, axis=2), np.delete(read, f, axis=2)),
             f"{name} also changes weights of {reader} that read other channels.")
    return (f"both copies no longer read one first-layer channel (filters {wanted['sobel_knocked']} and "
            f"{wanted['unlike_knocked']}); the intact network is unchanged.")
