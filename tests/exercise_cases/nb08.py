"""Notebook 08's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from exercise_cases import Case

NB = "08_kernel_dissection"
CLASSIC = ["Sobel, vertical edges", "Sobel, horizontal edges", "Prewitt, vertical edges", "Prewitt, horizontal edges",
           "Laplacian", "Gaussian blur"]
rng = np.random.default_rng(8)

# ----- 1: a Conv2D layer for colour images -----
built = keras.layers.Conv2D(16, 5)
built.build((None, 32, 32, 3))
unbuilt = keras.layers.Conv2D(16, 5)

# ----- 2: strides and dilation by hand -----


def by_hand(x, kernel, strides=1, dilation=1, padding="same"):
    """The notebook's conv2d_by_hand, square strides and dilation: a sum of shifted inputs times kernel weights."""
    x, kernel = np.asarray(x, "float64"), np.asarray(kernel, "float64")
    k, span, n = kernel.shape[0], (kernel.shape[0] - 1) * dilation + 1, x.shape[1]
    if padding == "same":
        out = -(-n // strides)
        pad = max((out - 1) * strides + span - n, 0)
        x = np.pad(x, ((0, 0), (pad // 2, pad - pad // 2), (pad // 2, pad - pad // 2), (0, 0)))
    else:
        out = (n - span) // strides + 1
    result = np.zeros((x.shape[0], out, out, kernel.shape[3]))
    for i in range(k):
        for j in range(k):
            rows = slice(i * dilation, i * dilation + (out - 1) * strides + 1, strides)
            cols = slice(j * dilation, j * dilation + (out - 1) * strides + 1, strides)
            result += x[:, rows, cols, :] @ kernel[i, j]
    return result


four = rng.uniform(size=(2, 28, 28, 1)).astype("float32")
first_kernel = rng.normal(size=(3, 3, 1, 4)).astype("float32")
strided, dilated = by_hand(four, first_kernel, strides=2), by_hand(four, first_kernel, dilation=2)
conv_context = {"images": four, "kernel": first_kernel}

# ----- 3 and 4: a small network's scores and probabilities -----
keras.utils.set_random_seed(8)
logits = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, activation="relu"),
                           keras.layers.MaxPooling2D(4), keras.layers.Flatten(), keras.layers.Dense(10)])
pictures = rng.uniform(size=(3, 28, 28, 1)).astype("float32")
classes = logits(pictures).numpy().argmax(axis=1)


def gradient_maps(through_softmax=False, absolute=True, per_image=True):
    pixels = tf.convert_to_tensor(pictures)
    with tf.GradientTape() as tape:
        tape.watch(pixels)
        scores = logits(pixels)
        scores = tf.nn.softmax(scores) if through_softmax else scores
        chosen = tf.gather(scores, classes, batch_dims=1)
    maps = tape.gradient(chosen, pixels).numpy()[..., 0]
    maps = np.abs(maps) if absolute else maps
    return maps / (np.abs(maps).max(axis=(1, 2), keepdims=True) if per_image else np.abs(maps).max())


saliency_context = {"scores_of": logits, "images": pictures, "classes": classes}


def probabilities_of(images):
    return tf.nn.softmax(logits(np.asarray(images, "float32").reshape(-1, 28, 28, 1))).numpy()


garment = np.zeros((28, 28), "float32")
garment[4:24, 8:20] = 0.8
label = int(probabilities_of(garment[None]).argmax())


def drops(fill=0.0, step=4, clip=True):
    positions = range(0, 21, step)
    covered = []
    for top in positions:
        for left in positions:
            patched = garment.copy()
            patched[top : top + 8, left : left + 8] = fill
            covered.append(patched)
    drop = probabilities_of(garment[None])[0, label] - probabilities_of(np.stack(covered))[:, label]
    drop = drop.reshape(len(positions), len(positions))
    return np.clip(drop, 0, None) if clip else drop


occlusion_context = {"probabilities_of": probabilities_of, "image": garment, "label": label}

# ----- 5: a network of the course's kind, and which filters the exercise names -----
keras.utils.set_random_seed(5)
net = keras.Sequential([
    keras.Input((28, 28, 1)), keras.layers.Conv2D(4, 3, padding="same", use_bias=False, name="block1_conv1"),
    keras.layers.BatchNormalization(name="block1_bn1"), keras.layers.Activation("relu", name="block1_relu1"),
    keras.layers.Conv2D(4, 3, padding="same", use_bias=False, name="block1_conv2"),
    keras.layers.BatchNormalization(name="block1_bn2"), keras.layers.Activation("relu", name="block1_relu2"),
    keras.layers.MaxPooling2D(4), keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax"),
])  # fmt: skip
learned_sim = pd.DataFrame(rng.uniform(0.2, 0.6, size=(4, len(CLASSIC))), columns=CLASSIC)
learned_sim.loc[1, "Sobel, vertical edges"] = 0.9  # filter 1: most like the vertical Sobel filter
learned_sim.loc[3] = 0.1  # filter 3: least like any classic filter
knock_context = {"net": net, "reader": "block1_conv2", "learned_sim": learned_sim}


def knocked(channel, layer="block1_conv2", where="input"):
    copy = keras.models.clone_model(net)
    copy.set_weights(net.get_weights())
    weights = copy.get_layer(layer).get_weights()
    if where == "input":
        weights[0][:, :, channel, :] = 0.0
    elif where == "output":
        weights[0][..., channel] = 0.0
    else:  # batch normalization's scale and offset
        weights[0][channel] = weights[1][channel] = 0.0
    copy.get_layer(layer).set_weights(weights)
    return copy


CASES = [
    Case(NB, 1, "shape, formula and layer", ((5, 5, 3, 16), 1216, built)),
    Case(NB, 1, "no bias", ((5, 5, 3, 16), 5 * 5 * 3 * 16, built), wrong="bias"),
    Case(NB, 1, "one slice per filter", ((5, 5, 3, 16), (5 * 5 + 1) * 16, built), wrong="per input channel"),
    Case(NB, 1, "axes in another order", ((16, 5, 5, 3), 1216, built), wrong="another order"),
    Case(NB, 1, "a layer not built", ((5, 5, 3, 16), 1216, unbuilt), wrong="no weights yet"),
    Case(NB, 2, "stride 2 and dilation 2, same padding", (strided, dilated), context=conv_context),
    Case(NB, 2, "valid padding", (by_hand(four, first_kernel, strides=2, padding="valid"), dilated),
         context=conv_context, wrong="padding='valid'"),
    Case(NB, 2, "every second value of stride 1", (by_hand(four, first_kernel)[:, ::2, ::2], dilated),
         context=conv_context, wrong="every second value"),
    Case(NB, 2, "no dilation", (strided, by_hand(four, first_kernel)), context=conv_context,
         wrong="plain convolution"),
    Case(NB, 2, "another kernel", (strided, by_hand(four, -first_kernel, dilation=2)), context=conv_context,
         wrong="differs from tf.nn.conv2d"),
    Case(NB, 3, "|gradient of the score|, per image", (gradient_maps(),), context=saliency_context),
    Case(NB, 3, "through the softmax", (gradient_maps(through_softmax=True),), context=saliency_context,
         wrong="after the softmax"),
    Case(NB, 3, "signed gradient", (gradient_maps(absolute=False),), context=saliency_context,
         wrong="absolute value"),
    Case(NB, 3, "one scale for all images", (gradient_maps(per_image=False),), context=saliency_context,
         wrong="its own largest value"),
    Case(NB, 4, "black square, steps of 4", (drops(),), context=occlusion_context),
    Case(NB, 4, "steps of 8", (drops(step=8),), context=occlusion_context, wrong="steps of 8"),
    Case(NB, 4, "white square", (drops(fill=1.0),), context=occlusion_context, wrong="white"),
    Case(NB, 4, "rises kept as negative drops", (drops(clip=False),), context=occlusion_context,
         wrong="negative values"),
    Case(NB, 5, "the reading weights of each channel", (knocked(1), knocked(3)), context=knock_context),
    Case(NB, 5, "the filter's own kernel", (knocked(1, "block1_conv1", "output"), knocked(3)), context=knock_context,
         wrong="Batch normalization after it"),
    Case(NB, 5, "the network itself", (net, knocked(3)), context=knock_context, wrong="network itself"),
    Case(NB, 5, "the filters the next layer computes", (knocked(1, where="output"), knocked(3)),
         context=knock_context, wrong="last axis"),
    Case(NB, 5, "the channels swapped", (knocked(3), knocked(1)), context=knock_context, wrong="the exercise names"),
    Case(NB, 5, "batch normalization's scale and offset", (knocked(1, "block1_bn1", "bn"), knocked(3)),
         context=knock_context, wrong="batch normalization's weights"),
]
