"""Notebook 02's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd

from exercise_cases import Case

NB = "02_first_convolutions"


def stacked(first=(16, 5), second=(8, 3)) -> keras.Model:
    return keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(first[0], first[1]),
                             keras.layers.Conv2D(second[0], second[1])])


STACKED = stacked()

# Exercise 2: a picture with some structure, the answer key's kernel and what a learner may try instead.
image = np.random.default_rng(1).uniform(0, 1, size=(28, 28)).astype("float32")
DIAGONAL = np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], dtype="float32")  # brighter towards the top right


def slid(picture: np.ndarray, kernel: np.ndarray, pad: bool = False) -> np.ndarray:
    """The two loops of section 2 (or with a zero frame, as padding="same" would)."""
    picture = np.pad(picture, 1) if pad else picture
    rows, cols = picture.shape[0] - 2, picture.shape[1] - 2
    return np.array([[np.sum(picture[i : i + 3, j : j + 3] * kernel) for j in range(cols)] for i in range(rows)])


kernel_context = {"image": image}


def no_pool(pools: int = 0, filters=(32, 64)) -> keras.Model:
    layers = [keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(filters[0], 3, activation="relu", name="conv_1")]
    layers += [keras.layers.MaxPooling2D(2)] * min(pools, 1)
    layers += [keras.layers.Conv2D(filters[1], 3, activation="relu", name="conv_2"), keras.layers.Flatten(),
               keras.layers.Dense(128, activation="relu", name="hidden"),
               keras.layers.Dense(10, activation="softmax", name="output")]
    return keras.Sequential(layers)


NO_POOL = no_pool()


# Exercise 4: two tiny "models" on 40 test images 28 x 28 x 1, and shift functions right and wrong.
class Columns(keras.Model):
    """A fixed classifier: the class is the column (0-9) of the brightest pixel of the image's top row."""

    def call(self, x):
        return keras.ops.one_hot(keras.ops.argmax(x[:, 0, :10, 0], axis=-1), 10)


rng = np.random.default_rng(2)
x_test = np.zeros((40, 28, 28, 1), dtype="float32")
x_test[np.arange(40), 0, rng.integers(0, 10, 40), 0] = 1.0
y_test = rng.integers(0, 10, 40)
models = {"dense": Columns(), "CNN": Columns()}
shift_context = {"models": models, "x_test": x_test, "y_test": y_test}


def zero_filled(images, pixels):
    shifted = np.zeros_like(images)
    shifted[:, :, pixels:] = images[:, :, : images.shape[2] - pixels]
    return shifted


def rolled(images, pixels):
    return np.roll(images, pixels, axis=2)


def downwards(images, pixels):
    shifted = np.zeros_like(images)
    shifted[:, pixels:] = images[:, : images.shape[1] - pixels]
    return shifted


def leftwards(images, pixels):
    shifted = np.zeros_like(images)
    shifted[:, :, : images.shape[2] - pixels] = images[:, :, pixels:]
    return shifted


def in_place(images, pixels):
    images[:, :, pixels:] = images[:, :, : images.shape[2] - pixels].copy()
    images[:, :, :pixels] = 0
    return images


def table(shift) -> pd.DataFrame:
    """Each model's accuracy at each shift, as the answer key builds it."""
    rows = {}
    for pixels in range(4):
        moved = shift(x_test, pixels)
        rows[pixels] = {name: float(np.mean(np.asarray(m(moved)).argmax(axis=1) == y_test))
                        for name, m in models.items()}
    return pd.DataFrame(rows).T


RIGHT_TABLE = table(zero_filled)
wrong_row = RIGHT_TABLE.copy()
wrong_row.loc[3, "CNN"] = table(rolled).loc[3, "CNN"] + 0.25  # an accuracy of other images

CASES = [
    Case(NB, 1, "the formula, the shape and the model", ((416, 1160), (22, 22, 8), STACKED)),
    Case(NB, 1, "as a list", ([416, 1160], [22, 22, 8], STACKED)),
    Case(NB, 1, "no biases", ((400, 1152), (22, 22, 8), STACKED), wrong="bias"),
    Case(NB, 1, "the second layer reads one channel", ((416, 80), (22, 22, 8), STACKED), wrong="16 channels"),
    Case(NB, 1, "the first layer's map", ((416, 1160), (24, 24, 8), STACKED), wrong="first layer's map"),
    Case(NB, 1, "padding kept the size", ((416, 1160), (28, 28, 8), STACKED), wrong="without padding"),
    Case(NB, 1, "the first layer's channels", ((416, 1160), (22, 22, 16), STACKED), wrong="channels"),
    Case(NB, 1, "the kernels swapped in the model", ((416, 1160), (22, 22, 8), stacked((16, 3), (8, 5))),
         wrong="Conv2D(16, kernel_size=5)"),
    Case(NB, 1, "one number for both layers", (1576, (22, 22, 8), STACKED), wrong="two whole numbers"),
    Case(NB, 2, "the answer key's kernel", (DIAGONAL, slid(image, DIAGONAL)), context=kernel_context),
    Case(NB, 2, "the same edges, dark side up", (-DIAGONAL, slid(image, -DIAGONAL)), context=kernel_context),
    Case(NB, 2, "the other diagonal", (np.rot90(DIAGONAL), slid(image, np.rot90(DIAGONAL))), context=kernel_context,
         wrong="quarter turn"),
    Case(NB, 2, "a line of ones", (np.eye(3), slid(image, np.eye(3))), context=kernel_context, wrong="sum to 3"),
    Case(NB, 2, "two corners only", (np.array([[0, 0, 1], [0, 0, 0], [-1, 0, 0]]),
                                     slid(image, np.array([[0, 0, 1], [0, 0, 0], [-1, 0, 0]]))),
         context=kernel_context, wrong="vertical or horizontal"),
    Case(NB, 2, "a textbook convolution", (DIAGONAL, slid(image, DIAGONAL[::-1, ::-1])), context=kernel_context,
         wrong="turned 180 degrees"),
    Case(NB, 2, "padded to the image's size", (DIAGONAL, slid(image, DIAGONAL, pad=True)), context=kernel_context,
         wrong="does not pad"),
    Case(NB, 2, "the map of another image", (DIAGONAL, slid(image[::-1], DIAGONAL)), context=kernel_context,
         wrong="convolve(image, diagonal)"),
    Case(NB, 3, "no pooling, the hidden layer", (NO_POOL, "hidden")),
    Case(NB, 3, "the layer itself", (NO_POOL, NO_POOL.get_layer("hidden"))),
    Case(NB, 3, "one pooling left", (no_pool(pools=1), "hidden"), wrong="still has 1 MaxPooling2D"),
    Case(NB, 3, "the convolution with the most filters", (NO_POOL, "conv_2"), wrong="Flatten"),
    Case(NB, 3, "other filters", (no_pool(filters=(16, 32)), "hidden"), wrong="32 then 64 filters"),
    Case(NB, 3, "a layer of another model", (NO_POOL, "dense_7"), wrong="one of your model's layers"),
    Case(NB, 4, "a zero-filled shift and its table", (zero_filled, RIGHT_TABLE), context=shift_context),
    Case(NB, 4, "np.roll", (rolled, table(rolled)), context=shift_context, wrong="wraps"),
    Case(NB, 4, "to the left", (leftwards, table(leftwards)), context=shift_context, wrong="to the left"),
    Case(NB, 4, "down the height axis", (downwards, table(downwards)), context=shift_context, wrong="axis 1"),
    Case(NB, 4, "changes the learner's images", (in_place, RIGHT_TABLE), context=shift_context,
         wrong="changed the images"),
    Case(NB, 4, "shifts only up to 2 pixels", (zero_filled, RIGHT_TABLE.loc[[0, 1, 2]]), context=shift_context,
         wrong="one per shift"),
    Case(NB, 4, "a wrong accuracy", (zero_filled, wrong_row), context=shift_context, wrong="measure each model"),
    Case(NB, 4, "a dict, not a table", (zero_filled, RIGHT_TABLE.to_dict()), context=shift_context,
         wrong="pandas DataFrame"),
]
