"""Notebook 09's exercises: right answers, and the mistakes a learner is likely to make."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from types import SimpleNamespace

import keras
import numpy as np

from exercise_cases import Case, a_run
from helpers import data
from helpers.compare import compare

NB = "09_capstone_cifar100_resnet50"


# ----- 1. Count the top block: ResNet50's last block alone (its parameters do not depend on the map's size) -----
def top_block() -> keras.Model:
    inputs = keras.Input(shape=(2, 2, 2048), name="conv5_block2_out")
    x = inputs
    for k, (size, filters) in enumerate(((1, 512), (3, 512), (1, 2048)), start=1):
        x = keras.layers.Conv2D(filters, size, padding="same", name=f"conv5_block3_{k}_conv")(x)
        x = keras.layers.BatchNormalization(name=f"conv5_block3_{k}_bn")(x)
        if k < 3:
            x = keras.layers.Activation("relu", name=f"conv5_block3_{k}_relu")(x)
    x = keras.layers.Add(name="conv5_block3_add")([inputs, x])
    model = keras.Model(inputs, keras.layers.Activation("relu", name="conv5_block3_out")(x))
    for layer in model.layers:  # as after stage 2: batch normalization frozen, the convolutions trainable
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    return model


BASE = top_block()
BLOCK = 4_471_808  # (2048 + 1) x 512 + (9 x 512 + 1) x 512 + (512 + 1) x 2048 + 4 x (512 + 512 + 2048)
CHANNELS = 512 + 512 + 2048
TRAINABLE = BLOCK - 4 * CHANNELS
base_context = {"base": BASE}

# ----- 2. Superclass labels: a small fixture, in the run's data folder -----
FOLDER = Path(tempfile.mkdtemp(prefix="nb09-cases-")) / "cifar-100"
data.make_cifar100_fixture(FOLDER, train_per_class=2, test_per_class=1, seed=3)  # 200 training images
FIXTURE_RUN = dataclasses.replace(a_run(NB), data_copy=SimpleNamespace(folder=FOLDER))
(_, FINE), _ = data.load_cifar100("fine", data_dir=FOLDER)
(_, COARSE), (_, COARSE_TEST) = data.load_cifar100("coarse", data_dir=FOLDER)
F2C = data.cifar100_fine_to_coarse()

# ----- 3. A head for superclasses: cached features of 60 test images, and the stage 1 head's guesses -----
rng = np.random.default_rng(9)
y_test = rng.integers(0, 100, size=60)
test_features = rng.normal(size=(60, 2048)).astype("float32")
test_features[:, :20] += 3 * np.eye(20)[F2C[y_test]]  # features that carry the superclass, so a head can learn it
stage1 = rng.dirichlet(np.ones(100) * 0.2, size=60)
stage1[:30] = np.eye(100)[y_test[:30]] * 0.9 + 0.001  # right on half the images
cnn_section_10 = rng.dirichlet(np.ones(100) * 0.2, size=60)  # another model: the one of section 10


def head(outputs: int = 20, train: bool = True) -> keras.Model:
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input(shape=(2048,)), keras.layers.Dense(outputs, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy")
    if train:
        model.fit(test_features, F2C[y_test] if outputs == 20 else y_test, epochs=3, verbose=0)
    return model


HEAD, TRUTH = head(), F2C[y_test]
head_pred = HEAD.predict(test_features, verbose=0)
right = compare(TRUTH, head_pred, F2C[stage1.argmax(axis=1)], names=("direct", "mapped"))
head_context = {"test_features": test_features, "y_test": y_test, "stage1_probabilities": stage1,
                "fine_to_coarse": F2C}

# ----- 4. How close are the misses -----
probabilities = rng.dirichlet(np.ones(100) * 0.3, size=300)
y_true = np.array([rng.choice(np.argsort(-p)[: rng.integers(1, 8)]) for p in probabilities])  # often near the top
position = np.argmax(np.argsort(-probabilities, axis=1) == y_true[:, None], axis=1) + 1
misses_context = {"probabilities": probabilities, "y_true": y_true}
share = float(np.mean(position == 2))

# ----- 5. Keep one shortcut: section 4's network, 3 blocks deep instead of 16 (the check reads the depth) -----
def deep(shortcut_at, name="net") -> keras.Model:
    inputs = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="stem")(inputs)
    x = keras.layers.MaxPooling2D()(keras.layers.Activation("relu")(keras.layers.BatchNormalization()(x)))
    for i in range(3):
        y = keras.layers.Conv2D(8, 3, padding="same", use_bias=False)(x)
        y = keras.layers.Conv2D(8, 3, padding="same", use_bias=False)(keras.layers.Activation("relu")(y))
        x = keras.layers.Activation("relu")(keras.layers.Add()([x, y]) if shortcut_at(i) else y)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(10, activation="softmax")(x), name=name)


def kernel_norms(model: keras.Model, batch) -> list[float]:
    import tensorflow as tf

    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.sparse_categorical_crossentropy(batch[1], model(batch[0], training=True)))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


keras.utils.set_random_seed(5)
START = deep(lambda i: True).get_weights()
BATCH = (rng.integers(0, 255, size=(16, 28, 28, 1)).astype("uint8"), rng.integers(0, 10, size=16))
ONE = deep(lambda i: i == 0)
ONE.set_weights(START)
LAST = deep(lambda i: i == 2)
LAST.set_weights(START)
ALL = deep(lambda i: True)
ALL.set_weights(START)
UNSET = deep(lambda i: i == 0)
one_norms = kernel_norms(ONE, BATCH)
shortcut_context = {"start_weights": START, "first_batch": BATCH}

CASES = [
    Case(NB, 1, "by hand and by Keras", (BLOCK, BLOCK), context=base_context),
    Case(NB, 1, "no biases", (BLOCK - CHANNELS, BLOCK), context=base_context, wrong="biases"),
    Case(NB, 1, "no batch normalization", (TRAINABLE, BLOCK), context=base_context, wrong="batch normalization"),
    Case(NB, 1, "two numbers per channel", (BLOCK - 2 * CHANNELS, BLOCK), context=base_context,
         wrong="2 numbers per channel"),
    Case(NB, 1, "Keras' trainable weights only", (BLOCK, TRAINABLE), context=base_context, wrong="trainable"),
    Case(NB, 1, "a count as text", ("4,471,808", BLOCK), context=base_context, wrong="whole number"),
    Case(NB, 2, "coarse labels and the mapped fine ones", (COARSE, F2C[FINE]), run=FIXTURE_RUN),
    Case(NB, 2, "fine labels loaded", (FINE, F2C[FINE]), run=FIXTURE_RUN, wrong="'coarse' label mode"),
    Case(NB, 2, "the mapping itself", (COARSE, F2C), run=FIXTURE_RUN, wrong="the mapping itself"),
    Case(NB, 2, "section 2's fit images only", (COARSE, F2C[FINE[:180]]), run=FIXTURE_RUN,
         wrong="every training image"),
    Case(NB, 2, "fine labels not mapped", (COARSE, FINE), run=FIXTURE_RUN, wrong="fine labels themselves"),
    Case(NB, 3, "a trained head, against the stage 1 head mapped", (HEAD, right), context=head_context),
    Case(NB, 3, "100 outputs", (head(100), right), context=head_context, wrong="20 superclasses"),
    Case(NB, 3, "never trained", (head(train=False), right), context=head_context, wrong="not been trained"),
    Case(NB, 3, "against section 10's model", (HEAD, compare(TRUTH, head_pred, F2C[cnn_section_10.argmax(axis=1)])),
         context=head_context, wrong="stage 1 head's predictions"),
    Case(NB, 3, "stage 1 not mapped", (HEAD, compare(TRUTH, head_pred, stage1)), context=head_context,
         wrong="map the stage 1"),
    Case(NB, 3, "on other images", (HEAD, compare(TRUTH[:50], head_pred[:50], F2C[stage1[:50].argmax(axis=1)])),
         context=head_context, wrong="test images"),
    Case(NB, 3, "an accuracy, not a comparison", (HEAD, right.accuracy_a), context=head_context,
         wrong="compare(...)"),
    Case(NB, 4, "ranks from 1 and the share in second place", (position, share), context=misses_context),
    Case(NB, 4, "ranks from 0", (position - 1, share), context=misses_context, wrong="start at 0"),
    Case(NB, 4, "sorted from the least probable",
         (np.argmax(np.argsort(probabilities, axis=1) == y_true[:, None], axis=1) + 1, share),
         context=misses_context, wrong="least probable"),
    Case(NB, 4, "a count", (position, int(np.sum(position == 2))), context=misses_context, wrong="a count"),
    Case(NB, 4, "a share of the mistakes", (position, float(np.mean(position[position > 1] == 2))),
         context=misses_context, wrong="among the mistakes"),
    Case(NB, 5, "the first block's shortcut, from start_weights", (ONE, one_norms), context=shortcut_context),
    Case(NB, 5, "the last block's shortcut", (LAST, kernel_norms(LAST, BATCH)), context=shortcut_context,
         wrong="comes after 7 convolutions"),
    Case(NB, 5, "every shortcut", (ALL, kernel_norms(ALL, BATCH)), context=shortcut_context,
         wrong="keeps 3 shortcuts"),
    Case(NB, 5, "its own random start", (UNSET, kernel_norms(UNSET, BATCH)), context=shortcut_context,
         wrong="start_weights"),
    Case(NB, 5, "norms from the head down", (ONE, one_norms[::-1]), context=shortcut_context,
         wrong="from the stem"),
    Case(NB, 5, "the first layer only", (ONE, one_norms[0]), context=shortcut_context, wrong="one per convolution"),
    Case(NB, 5, "on another batch", (ONE, kernel_norms(ONE, (BATCH[0][:8], BATCH[1][:8]))),
         context=shortcut_context, wrong="first_batch"),
]
