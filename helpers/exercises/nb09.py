"""Checks of notebook 09's exercises (the CIFAR-100 capstone)."""

from __future__ import annotations

import math

import numpy as np

from helpers.compare import Comparison
from helpers.exercises import need, register
from helpers.exercises.inspect import is_model, layers_of

NOTEBOOK = "09_capstone_cifar100_resnet50"
TOP_BLOCK = "conv5_block3"  # the names of ResNet50's last residual block start with this


def _whole_number(value, name: str) -> None:
    need(isinstance(value, int | np.integer) and not isinstance(value, bool),
         f"{name} should be a whole number of parameters, not {type(value).__name__}.")


@register(NOTEBOOK, 1, "Count the top block", answers=("by_hand", "by_keras"))
def count_the_top_block(run, by_hand, by_keras, *, base):
    _whole_number(by_hand, "by_hand")
    _whole_number(by_keras, "by_keras")
    block = [layer for layer in base.layers if layer.name.startswith(TOP_BLOCK)]
    expected = sum(layer.count_params() for layer in block)  # every weight, trainable or not
    convs = layers_of(base, "Conv2D")
    channels = sum(layer.filters for layer in convs if layer.name.startswith(TOP_BLOCK))
    if by_hand != expected:
        need(by_hand != expected - channels,
             "your count leaves out the biases: each convolution has one per filter.")
        need(by_hand != expected - 4 * channels,
             "your count leaves out batch normalization: every convolution of the block is followed by one.")
        need(by_hand != expected - 2 * channels,
             "your batch normalization has 2 numbers per channel; it keeps 4 (scale, offset, moving mean, moving "
             "variance), and Keras counts all four.")
        need(False, f"your formula gives {by_hand:,}, {'more' if by_hand > expected else 'less'} than the block "
                    "holds: add (kernel height x kernel width x input channels + 1) x filters for each of the three "
                    "convolutions, then 4 per channel of each batch normalization.")
    trainable = sum(int(np.prod(w.shape)) for layer in block for w in layer.trainable_weights)
    need(by_keras == expected or by_keras != trainable,
         "by_keras counts only the trainable weights; after stage 2 the block's batch normalization stays frozen, "
         "and its numbers are parameters too: count_params() counts them all.")
    need(by_keras == expected,
         f"by_keras is {by_keras:,}, not the parameters of the layers whose names start with {TOP_BLOCK!r} "
         f"({'more' if by_keras > expected else 'fewer'}): sum count_params() over exactly those layers.")
    return f"by hand and Keras agree on {expected:,} parameters."


@register(NOTEBOOK, 2, "Superclass labels", answers=("y_train_coarse", "mapped"))
def superclass_labels(run, y_train_coarse, mapped):
    from helpers import data

    (_, coarse), _ = data.load_cifar100("coarse", data_dir=run.data_copy.folder)  # the run's own archive
    (_, fine), (_, fine_test) = data.load_cifar100("fine", data_dir=run.data_copy.folder)
    y_train_coarse, mapped = np.asarray(y_train_coarse), np.asarray(mapped)
    need(y_train_coarse.shape == coarse.shape,
         f"y_train_coarse has shape {y_train_coarse.shape}; the training labels as load_cifar100 gives them have "
         f"shape {coarse.shape} (every training image, one column).")
    need(not np.array_equal(y_train_coarse, fine),
         "y_train_coarse holds the fine labels (0 to 99): ask load_cifar100 for the 'coarse' label mode.")
    need(np.array_equal(y_train_coarse, coarse), "y_train_coarse is not the coarse labels of the training images.")
    need(mapped.size != 100, "mapped has 100 values: that is the mapping itself. Index it with the fine labels of "
                             "the training images, to get one superclass per image.")
    need(mapped.size == coarse.size,
         f"mapped holds {mapped.size:,} labels for {coarse.size:,} training images: map the fine labels of every "
         "training image, loaded like the coarse ones (section 2 cut the training images into fit and validation).")
    need(not np.array_equal(mapped.ravel(), fine.ravel()),
         "mapped holds the fine labels themselves: index the mapping array with them.")
    need(mapped.ravel().max() < 20, f"mapped holds values up to {mapped.max()}; superclasses run from 0 to 19.")
    need(np.array_equal(mapped.ravel(), coarse.ravel()),
         "mapped differs from the coarse labels: map the fine labels of the training images, in their order.")
    return f"all {coarse.size:,} training labels agree with the mapped fine labels."


def _fraction(value, name: str) -> None:
    need(isinstance(value, float | np.floating) and 0 <= value <= 1,
         f"{name} should be a share between 0 and 1, got {value!r}.")


@register(NOTEBOOK, 3, "A head for superclasses", answers=("coarse_head", "superclass_comparison"))
def a_head_for_superclasses(run, coarse_head, answer, *, test_features, y_test, stage1_probabilities,
                            fine_to_coarse):
    need(is_model(coarse_head), f"coarse_head should be the Keras model you trained, not {type(coarse_head).__name__}.")
    outputs = coarse_head.output_shape[-1]
    need(outputs == 20, f"your head predicts {outputs} classes; it should predict the 20 superclasses.")
    need(tuple(coarse_head.input_shape[1:]) == (test_features.shape[-1],),
         f"your head takes inputs of shape {tuple(coarse_head.input_shape[1:])}; the cached features have "
         f"{test_features.shape[-1]:,} numbers per image.")
    optimizer = getattr(coarse_head, "optimizer", None)
    need(optimizer is not None and int(optimizer.iterations) > 0,
         "coarse_head has not been trained: compile it and fit it on the training images' features.")
    need(isinstance(answer, Comparison),
         f"superclass_comparison should be what helpers.compare.compare(...) returns, not {type(answer).__name__}.")
    truth = fine_to_coarse[np.asarray(y_test).ravel()]
    need(answer.images == len(truth),
         f"your comparison is on {answer.images:,} images; compare on the {len(truth):,} test images.")
    direct = float(np.mean(coarse_head.predict(test_features, verbose=0).argmax(axis=1) == truth))
    stage1 = np.asarray(stage1_probabilities).argmax(axis=1)
    mapped = float(np.mean(fine_to_coarse[stage1] == truth))
    unmapped = float(np.mean(stage1 == truth))  # classes 0..99 scored against superclasses 0..19
    need(math.isclose(answer.accuracy_a, direct, abs_tol=1e-9),
         f"the first model of your comparison scores {answer.accuracy_a:.4f} on the superclasses; your head "
         f"scores {direct:.4f}: give compare the superclass labels, then your head's predictions first.")
    need(math.isclose(unmapped, mapped, abs_tol=1e-9) or not math.isclose(answer.accuracy_b, unmapped,
                                                                           abs_tol=1e-9),
         "the second model's predictions are classes (0 to 99) scored against superclass labels: map the stage 1 "
         "head's predicted classes through fine_to_coarse first.")
    need(math.isclose(answer.accuracy_b, mapped, abs_tol=1e-9),
         f"the second model of your comparison scores {answer.accuracy_b:.4f}, but the stage 1 head's classes "
         f"mapped to superclasses score {mapped:.4f} on these images: compare with the stage 1 head's predictions "
         "(test_probabilities['resnet50_frozen']), mapped through fine_to_coarse.")
    return f"{answer.verdict} ({100 * answer.difference:+.2f} points, p = {answer.p_value:.2g})."


@register(NOTEBOOK, 4, "How close are the misses?", answers=("position", "second_place"))
def how_close_are_the_misses(run, position, second_place, *, probabilities, y_true):
    probabilities, y_true = np.asarray(probabilities), np.asarray(y_true).ravel()
    position = np.asarray(position).ravel()
    need(len(position) == len(y_true),
         f"position holds {len(position):,} values; give one rank per test image ({len(y_true):,}).")
    ranked = np.argsort(-probabilities, axis=1)
    expected = np.argmax(ranked == y_true[:, None], axis=1) + 1
    need(not np.array_equal(position, expected - 1), "your ranks start at 0; rank 1 should be the top guess.")
    worst_first = np.argmax(np.argsort(probabilities, axis=1) == y_true[:, None], axis=1)
    need(not (np.array_equal(position, worst_first + 1) or np.array_equal(position, worst_first)),
         "your ranks count from the least probable class: sort the probabilities from the highest down.")
    need(np.array_equal(position, expected), "position is not the rank of the true class among each image's guesses.")
    share = float(np.mean(expected == 2))
    need(not (isinstance(second_place, int | np.integer) and second_place == int(np.sum(expected == 2))),
         f"second_place is a count ({second_place}); the exercise asks for a share of the test images.")
    _fraction(second_place, "second_place")
    for name, among in (("the mistakes", expected > 1), ("the images with the true class in the top five",
                                                         expected <= 5)):
        other = float(np.mean(expected[among] == 2)) if among.any() else -1.0
        need(math.isclose(share, other) or not math.isclose(second_place, other, abs_tol=1e-9),
             f"second_place is the share among {name}; the exercise asks for the share of all test images.")
    need(math.isclose(second_place, share, abs_tol=1e-9),
         f"second_place is {second_place:.4f}; it is not the share of test images whose true class is second.")
    return f"{share:.1%} of the test images have the true class in second place."


@register(NOTEBOOK, 5, "Keep one shortcut", answers=("one_shortcut", "norms"))
def keep_one_shortcut(run, one_shortcut, norms, *, start_weights, first_batch):
    import keras
    import tensorflow as tf

    need(is_model(one_shortcut),
         f"one_shortcut should be the Keras model you built, not {type(one_shortcut).__name__}.")
    weights = one_shortcut.get_weights()
    same_shapes = len(weights) == len(start_weights) and all(
        w.shape == s.shape for w, s in zip(weights, start_weights, strict=True))
    need(same_shapes,
         "one_shortcut does not have the layers of section 4's 16-block network: build it with the same stem, "
         "blocks of WIDTH channels and head.")
    # A forward pass in training mode moves batch normalization's averages, never the trainable weights.
    trainable = [k for k, w in enumerate(one_shortcut.weights) if w.trainable]
    need(all(np.array_equal(weights[k], start_weights[k]) for k in trainable),
         "one_shortcut does not start from start_weights: set them before you take the gradient.")
    adds = [k for k, layer in enumerate(one_shortcut.layers) if isinstance(layer, keras.layers.Add)]
    need(adds, "one_shortcut has no Add layer: the first block should keep its shortcut.")
    need(len(adds) == 1, f"one_shortcut keeps {len(adds)} shortcuts; the exercise keeps only the first block's.")
    convolutions_before = sum(isinstance(layer, keras.layers.Conv2D) for layer in one_shortcut.layers[: adds[0]])
    need(convolutions_before == 3,
         f"your only shortcut comes after {convolutions_before} convolutions; the first block's comes after 3 "
         "(the stem and the block's two).")
    kernels = [layer.kernel for layer in one_shortcut.layers if isinstance(layer, keras.layers.Conv2D)]
    with tf.GradientTape() as tape:
        probs = one_shortcut(first_batch[0], training=True)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(first_batch[1], probs))
    expected = np.array([float(tf.norm(g)) for g in tape.gradient(loss, kernels)])
    norms = np.asarray(norms, dtype=float).ravel()
    need(norms.size == expected.size,
         f"norms holds {norms.size} values; give one per convolution, {expected.size} from the stem to the last.")
    need(not np.allclose(norms, expected[::-1], rtol=1e-3) or np.allclose(expected, expected[::-1], rtol=1e-3),
         "norms runs from the last convolution to the stem; list them from the stem (next to the input) on.")
    need(np.allclose(norms, expected, rtol=1e-3),
         "norms are not the gradient norms of the convolutions' kernels on first_batch at the start (the loss of "
         "that batch with training=True, as section 4 took it).")
    return f"with one shortcut, the first convolution's gradient is {expected[0] / expected[-1]:.1f}x the last one's."
