"""Checks of notebook 02's exercises (first convolutions)."""

from __future__ import annotations

import numpy as np

from helpers.exercises import need, register
from helpers.exercises.inspect import dense_units, is_model, layers_of

NOTEBOOK = "02_first_convolutions"


def _whole(value) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


@register(NOTEBOOK, 1, "Count before you build", answers=("by_formula", "output_shape", "stacked"))
def count_before_you_build(run, by_formula, output_shape, stacked):
    import keras

    expected_model = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(16, 5),
                                       keras.layers.Conv2D(8, 3)])
    expected = [layer.count_params() for layer in expected_model.layers]  # Keras counts what the exercise names
    shape = tuple(expected_model.compute_output_shape((None, 28, 28, 1))[1:])
    counts = list(by_formula) if isinstance(by_formula, list | tuple | np.ndarray) else None
    need(counts is not None and len(counts) == 2 and all(_whole(c) for c in counts),
         f"by_formula should hold two whole numbers, the parameters of the first and of the second layer, "
         f"got {by_formula!r}.")
    need(counts != [5 * 5 * 1 * 16, 3 * 3 * 16 * 8],
         "your counts are the kernels' weights only: every filter also has a bias, one per filter.")
    need(counts[0] == expected[0],
         f"the first layer has {counts[0]:,} parameters by your count, which is "
         f"{'more' if counts[0] > expected[0] else 'less'} than it holds: (k*k*c_in + 1) * c_out, "
         "with 5 x 5 kernels on one input channel.")
    need(counts[1] != (3 * 3 * 1 + 1) * 8,
         "your count of the second layer reads one input channel: it reads the 16 channels the first layer makes.")
    need(counts[1] == expected[1],
         f"the second layer has {counts[1]:,} parameters by your count, which is "
         f"{'more' if counts[1] > expected[1] else 'less'} than it holds: (k*k*c_in + 1) * c_out.")
    need(isinstance(output_shape, tuple | list) and all(_whole(s) for s in output_shape),
         f"output_shape should be a tuple of whole numbers such as (height, width, channels), got {output_shape!r}.")
    given = tuple(int(s) for s in output_shape)
    need(len(given) == 3, f"output_shape {given} should have three numbers: height, width and channels.")
    need(given[:2] != (28, 28), "a Conv2D without padding does not keep the size: each side loses k - 1 pixels.")
    need(given[:2] != (28 - 5 + 1,) * 2, f"{given[:2]} is the first layer's map: the second layer's 3 x 3 kernel "
         "shrinks it again.")
    need(given[2] == shape[2], f"the output has as many channels as the last layer has filters, not {given[2]}.")
    need(given == shape, f"{given} is not the shape of the second layer's output: each layer's k x k kernel must "
         "fit on its input, so each side loses k - 1 pixels.")
    need(is_model(stacked), f"stacked should be the Keras model you built, not {type(stacked).__name__}.")
    convs = layers_of(stacked, "Conv2D")
    need([(c.filters, tuple(c.kernel_size)) for c in convs] == [(16, (5, 5)), (8, (3, 3))],
         f"your model's convolutions are {[(c.filters, tuple(c.kernel_size)) for c in convs]} (filters, kernel); "
         "the exercise stacks Conv2D(16, kernel_size=5) and Conv2D(8, kernel_size=3).")
    need(tuple(stacked.input_shape[1:]) == (28, 28, 1),
         f"your model reads images of shape {tuple(stacked.input_shape[1:])}; the exercise's are 28 x 28 x 1.")
    keras_counts = [c.count_params() for c in convs]
    need(keras_counts == counts, f"Keras counts {keras_counts} for your model, your formula {counts}: they must agree.")
    return f"{counts[0]:,} and {counts[1]:,} parameters, output {shape}: your formula and Keras agree."


# ----- exercise 2: a kernel for diagonal edges -----

def correlate(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """What `convolve` and Conv2D compute: the kernel slid over the image without padding, not flipped."""
    windows = np.lib.stride_tricks.sliding_window_view(np.asarray(image, dtype="float64"), kernel.shape)
    return np.einsum("ijkl,kl->ij", windows, kernel)


def _step_edges(size: int = 12) -> dict[str, np.ndarray]:
    """Images of one straight edge between black and white, by the direction the edge runs."""
    row, col = np.indices((size, size))
    return {
        "top-left to bottom-right": (col > row).astype("float64"),
        "top-right to bottom-left": (col + row > size - 1).astype("float64"),
        "vertical": (col >= size // 2).astype("float64"),
        "horizontal": (row >= size // 2).astype("float64"),
    }


@register(NOTEBOOK, 2, "A kernel of your own", answers=("diagonal", "diagonal_map"))
def a_kernel_of_your_own(run, diagonal, diagonal_map, *, image):
    kernel = np.asarray(diagonal, dtype="float64")
    need(kernel.shape == (3, 3), f"diagonal should be a 3 x 3 array of weights, its shape is {kernel.shape}.")
    need(np.abs(kernel).max() > 0, "your kernel is all zeros: it responds to nothing.")
    total = kernel.sum()
    need(abs(total) <= 1e-6 * np.abs(kernel).max(),
         f"your kernel's weights sum to {total:g}, so it responds to flat patches too: an edge kernel's weights "
         "sum to 0, as the vertical-edge kernel's do.")
    response = {name: np.abs(correlate(edge, kernel)).max() for name, edge in _step_edges().items()}
    wanted = response["top-left to bottom-right"]
    other = response["top-right to bottom-left"]
    need(wanted >= 2 * other,
         f"your kernel responds to edges from top-right to bottom-left ({other:.2f}) "
         f"{'more' if other > wanted else 'at least half as'} strongly {'than' if other > wanted else 'as'} to those "
         f"from top-left to bottom-right ({wanted:.2f}): "
         + ("turn it a quarter turn." if other > wanted else
            "give the pixels on one side of the top-left to bottom-right diagonal positive weights, on the other "
            "negative ones."))
    straight = max(response["vertical"], response["horizontal"])
    need(wanted >= 1.2 * straight,
         f"your kernel responds about as strongly to vertical or horizontal edges ({straight:.2f}) as to diagonal "
         f"ones ({wanted:.2f}): weigh the pixels by how far they lie from the diagonal, on either side of it.")
    picture = np.asarray(image, dtype="float64").squeeze()
    result = np.asarray(diagonal_map, dtype="float64").squeeze()
    expected = correlate(picture, kernel)
    need(result.shape != picture.shape,
         f"your map is {result.shape[0]} x {result.shape[1]}, the size of the image: apply the kernel with "
         "`convolve`, which does not pad (a 3 x 3 kernel gives 26 x 26).")
    need(result.shape == expected.shape,
         f"diagonal_map has shape {result.shape}; the kernel slid over `image` gives {expected.shape}.")
    flipped = correlate(picture, kernel[::-1, ::-1])
    need(not (np.allclose(result, flipped, atol=1e-4) and not np.allclose(result, expected, atol=1e-4)),
         "your map is the image convolved with the kernel turned 180 degrees (a textbook convolution, as "
         "scipy.signal.convolve2d computes it): apply it with `convolve`, which slides it unturned, as Keras does.")
    need(np.allclose(result, expected, atol=1e-4),
         "diagonal_map is not your kernel applied to `image` (section 2's example): compute it with "
         "convolve(image, diagonal).")
    return (f"your kernel's strongest response is {wanted:.2f} to a diagonal edge, "
            f"{response['top-right to bottom-left']:.2f} to the other diagonal and {straight:.2f} to a straight one.")


# ----- exercise 3: the CNN without pooling -----

@register(NOTEBOOK, 3, "No pooling", answers=("no_pool", "biggest"))
def no_pooling(run, no_pool, biggest):
    import keras

    need(is_model(no_pool), f"no_pool should be the Keras model you built, not {type(no_pool).__name__}.")
    pools = layers_of(no_pool, "MaxPooling2D")
    need(not pools, f"your model still has {len(pools)} MaxPooling2D layer{'s' * (len(pools) != 1)}: "
         "leave both out.")
    convs = [(c.filters, tuple(c.kernel_size), c.padding) for c in layers_of(no_pool, "Conv2D")]
    need(convs == [(32, (3, 3), "valid"), (64, (3, 3), "valid")],
         f"your convolutions are {convs} (filters, kernel, padding); section 3's are 32 then 64 filters of 3 x 3, "
         "without padding.")
    need(dense_units(no_pool) == [128, 10],
         f"your Dense layers have {dense_units(no_pool)} units; section 3's have 128, then the 10-unit output.")
    expected = keras.Sequential([keras.Input(shape=(28, 28, 1)), keras.layers.Conv2D(32, 3), keras.layers.Conv2D(64, 3),
                                 keras.layers.Flatten(), keras.layers.Dense(128), keras.layers.Dense(10)])
    need(no_pool.count_params() == expected.count_params(),
         f"your model has {no_pool.count_params():,} parameters; section 3's layers without pooling hold "
         "another number: check its input shape, (28, 28, 1).")
    name = biggest if isinstance(biggest, str) else getattr(biggest, "name", None)
    names = [layer.name for layer in no_pool.layers]
    need(name in names, f"biggest should be one of your model's layers (or its name: {', '.join(names)}), "
         f"got {biggest!r}.")
    counts = {layer.name: layer.count_params() for layer in no_pool.layers}
    largest = max(counts, key=counts.get)
    need(name == largest,
         f"{name!r} holds {counts[name]:,} of the model's {no_pool.count_params():,} parameters; another layer "
         "holds more. Look at what Flatten hands to the next layer.")
    return (f"{largest!r} holds {counts[largest] / no_pool.count_params():.1%} of the model's "
            f"{no_pool.count_params():,} parameters.")


# ----- exercise 4: shifted photos -----

def _moved_right(images: np.ndarray, pixels: int) -> np.ndarray:
    """The reference shift: `pixels` columns to the right, zeros coming in on the left."""
    moved = np.zeros_like(images)
    moved[:, :, pixels:] = images[:, :, : images.shape[2] - pixels]
    return moved


@register(NOTEBOOK, 4, "Shifted photos", answers=("shift_right", "shifted_accuracy"))
def shifted_photos(run, shift_right, shifted_accuracy, *, models, x_test, y_test):
    import pandas as pd

    need(callable(shift_right), f"shift_right should be a function of (images, pixels), not "
         f"{type(shift_right).__name__}.")
    batch = np.random.default_rng(0).uniform(0.1, 1.0, size=(2, 5, 7, 1)).astype("float32")  # 5 rows, 7 columns
    before = batch.copy()
    moved = np.asarray(shift_right(batch, 2))
    need(np.array_equal(batch, before), "shift_right changed the images it was given: build a new array.")
    need(moved.shape == batch.shape, f"shift_right turned images of shape {batch.shape} into {moved.shape}: "
         "a shifted image keeps its size.")
    need(not np.allclose(moved, np.roll(batch, 2, axis=2)),
         "shift_right wraps the rightmost columns around to the left edge, as np.roll does: the columns that "
         "come in on the left should be black (zeros).")
    need(not np.allclose(moved, np.flip(_moved_right(np.flip(batch, 2), 2), 2)),
         "shift_right moves the images to the left; the exercise moves them to the right.")
    need(not np.allclose(moved, np.swapaxes(_moved_right(np.swapaxes(batch, 1, 2), 2), 1, 2)),
         "shift_right moves the images down: axis 1 is the height, the width is axis 2.")
    need(np.allclose(moved, _moved_right(batch, 2)),
         "shift_right(images, 2) should put every pixel 2 columns further right and make the first 2 columns 0.")
    need(np.allclose(np.asarray(shift_right(batch, 0)), batch), "shift_right(images, 0) should leave them as they are.")
    need(isinstance(shifted_accuracy, pd.DataFrame),
         f"shifted_accuracy should be a pandas DataFrame, not {type(shifted_accuracy).__name__}.")
    need(set(shifted_accuracy.columns) >= set(models),
         f"shifted_accuracy has the columns {list(shifted_accuracy.columns)}; it needs one per model: "
         f"{', '.join(models)}.")
    need(set(shifted_accuracy.index) >= {0, 1, 2, 3},
         f"shifted_accuracy has the rows {list(shifted_accuracy.index)}; it needs one per shift: 0, 1, 2 and 3.")
    truth, measured_at_3 = np.asarray(y_test).ravel(), {}
    for name, model in models.items():
        measured = np.mean(model.predict(_moved_right(x_test, 3), verbose=0).argmax(axis=1) == truth)
        given = float(shifted_accuracy.loc[3, name])
        need(abs(given - measured) <= 0.5 / len(truth) + 1e-6,
             f"shifted_accuracy says {name} scores {given:.4f} on the images shifted 3 pixels; it scores "
             f"{measured:.4f} on the test images moved that many pixels to the right: measure each model on x_test.")
        measured_at_3[name] = measured
    return "measured again here, 3 pixels to the right: " + ", ".join(f"{n} {a:.4f}" for n, a in measured_at_3.items())
