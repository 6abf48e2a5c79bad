"""Checks of notebook 05's exercises (pooling blocks and checkpoints)."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np

from helpers.compare import Comparison
from helpers.exercises import need, register
from helpers.exercises.inspect import dense_units, is_model, layers_of
from helpers.training import momentum_for

NOTEBOOK = "05_pooling_and_checkpoints"
FILTERS = [32, 64, 128]  # section 3's three blocks


def _whole_number(value, name: str) -> None:
    need(isinstance(value, int | np.integer) and not isinstance(value, bool),
         f"{name} should be a whole number of parameters, not {type(value).__name__}.")


@register(NOTEBOOK, 1, "Bigger images", answers=("by_formula", "bigger"))
def bigger_images(run, by_formula, bigger):
    _whole_number(by_formula, "by_formula")
    side = 32
    for _ in FILTERS:  # each 2 x 2 pooling halves the side, rounding down
        side //= 2
    features = side * side * FILTERS[-1]
    expected = (features + 1) * 128
    need(by_formula != features * 128,
         "your count is the weights from the features to the 128 units: every unit also has a bias.")
    need(by_formula != (3 * 3 * FILTERS[-1] + 1) * 128,
         "that is the dense layer of the 28 x 28 model (3 x 3 x 128 features): follow 32 through the three poolings.")
    need(by_formula == expected,
         f"your formula gives {by_formula:,}, which is {'more' if by_formula > expected else 'less'} than the dense "
         "layer holds: find the side after three halvings of 32, then (features + 1) x 128.")
    need(is_model(bigger), f"bigger should be the Keras model you built, not {type(bigger).__name__}.")
    need(tuple(bigger.input_shape[1:]) == (32, 32, 1),
         f"your model takes inputs of shape {tuple(bigger.input_shape[1:])}; the exercise asks for 32 x 32 x 1.")
    need([layer.filters for layer in layers_of(bigger, "Conv2D")] == FILTERS and dense_units(bigger) == [128, 10],
         "your model is not section 3's three blocks and dense head: build it with build_model(input_size=32).")
    dense = layers_of(bigger, "Dense")[0]
    need(dense.count_params() == by_formula,
         f"your model's dense layer has {dense.count_params():,} parameters, your formula {by_formula:,}: they must "
         "agree.")
    return f"features ({side}, {side}, {FILTERS[-1]}); the formula and Keras agree on {by_formula:,}."


@register(NOTEBOOK, 2, "Another criterion", answers=("by_loss",))
def another_criterion(run, by_loss, *, log):
    need(isinstance(by_loss, int | np.integer) and not isinstance(by_loss, bool),
         f"by_loss should be an epoch number, a whole number, not {type(by_loss).__name__}.")
    epochs = [int(e) for e in log["epoch"]]
    expected = int(log.loc[log["val_loss"].idxmin(), "epoch"])
    if by_loss != expected:
        need(by_loss != expected - 1, f"epoch {by_loss} is one too early: the log's epoch column counts from 1, "
                                      "its row index from 0.")
        need(by_loss != int(log.loc[log["val_accuracy"].idxmax(), "epoch"]),
             f"epoch {by_loss} is the one of the highest validation accuracy, the criterion the checkpoint used; "
             "the exercise asks about val_loss.")
        need(by_loss != int(log.loc[log["val_loss"].idxmax(), "epoch"]),
             f"epoch {by_loss} has the highest validation loss; with mode=\"min\" the checkpoint keeps the lowest.")
        need(by_loss != int(log.loc[log["loss"].idxmin(), "epoch"]),
             f"epoch {by_loss} has the lowest training loss; the checkpoint would monitor val_loss, the validation "
             "images' loss.")
        need(False, f"epoch {by_loss} is not the epoch of the lowest val_loss in the log (epochs {epochs[0]} to "
                    f"{epochs[-1]}).")
    best = int(log.loc[log["val_accuracy"].idxmax(), "epoch"])
    return ("the same epoch as the checkpoint's." if expected == best
            else f"{abs(expected - best)} epoch{'s' * (abs(expected - best) != 1)} from the checkpoint's ({best}).")


def _test_accuracy(model, x_test, y_test) -> float:
    return float(np.mean(np.asarray(model.predict(x_test, verbose=0)).argmax(axis=1) == np.asarray(y_test).ravel()))


@register(NOTEBOOK, 3, "Average pooling", answers=("average_model", "pooling_comparison"))
def average_pooling(run, average_model, pooling_comparison, *, x_test, y_test):
    need(is_model(average_model), f"average_model should be your Keras model, not {type(average_model).__name__}.")
    need(not layers_of(average_model, "MaxPooling2D"),
         f"average_model still has {len(layers_of(average_model, 'MaxPooling2D'))} MaxPooling2D layers: the "
         "clone_function must return an AveragePooling2D for each of them.")
    need(len(layers_of(average_model, "AveragePooling2D")) == len(FILTERS),
         f"average_model has {len(layers_of(average_model, 'AveragePooling2D'))} AveragePooling2D layers; "
         f"section 3's model has {len(FILTERS)} poolings to replace.")
    need([layer.filters for layer in layers_of(average_model, "Conv2D")] == FILTERS
         and dense_units(average_model) == [128, 10],
         "average_model should keep every other layer of section 3's model: clone build_model(...), do not "
         "build another network.")
    images = min(20_000, (run.train_size or 60_000) // 2)  # 20,000, or half of a smaller profile's images
    steps = math.ceil(images / run.batch_size)
    momentum = momentum_for(steps)
    found = sorted({round(float(layer.momentum), 4) for layer in layers_of(average_model, "BatchNormalization")})
    need(found == [round(momentum, 4)],
         f"average_model's batch normalization has momentum {found}; section 3's rule for the {steps} steps of "
         f"these shorter epochs gives {momentum:.4f} (momentum_for(steps)).")
    optimizer = getattr(average_model, "optimizer", None)
    taken = int(optimizer.iterations) if optimizer is not None else 0
    need(taken == 2 * steps,
         f"average_model took {taken} training steps; 2 epochs on the first {images:,} training images in batches "
         f"of {run.batch_size} are 2 x {steps} = {2 * steps} (all of them, no validation split).")
    need(isinstance(pooling_comparison, Comparison),
         f"pooling_comparison should be what compare(...) returns, not {type(pooling_comparison).__name__}.")
    need(pooling_comparison.images == len(y_test),
         f"pooling_comparison scored {pooling_comparison.images:,} images; compare both models on the "
         f"{len(y_test):,} test images.")
    accuracy = _test_accuracy(average_model, x_test, y_test)
    ours = [a for a in (pooling_comparison.accuracy_a, pooling_comparison.accuracy_b) if math.isclose(a, accuracy)]
    need(ours, f"neither accuracy in pooling_comparison ({pooling_comparison.accuracy_a:.4f}, "
               f"{pooling_comparison.accuracy_b:.4f}) is average_model's on the test images ({accuracy:.4f}): "
               "compare the predictions of the two models you trained.")
    need(pooling_comparison.a_only + pooling_comparison.b_only > 0
         or not math.isclose(pooling_comparison.accuracy_a, pooling_comparison.accuracy_b),
         "the two predictions in pooling_comparison agree on every image: you compared a model with itself.")
    return f"{pooling_comparison.verdict}, for these two trained models (one seed each)."


@register(NOTEBOOK, 4, "One file per epoch", answers=("written",))
def one_file_per_epoch(run, written):
    need(isinstance(written, list | tuple), f"written should be a list of the files' paths, not "
                                            f"{type(written).__name__}.")
    paths = [Path(p) for p in written]
    need(len(paths) != 1, "one file: a name without the {epoch:02d} placeholder is overwritten at every epoch.")
    need(len(paths) == 2, f"{len(paths)} files: 2 epochs write 2 (list only this run's epoch_*.keras files).")
    names = [p.name for p in paths]
    need(all(p.suffix == ".keras" for p in paths), f"{names}: the checkpoints are .keras files.")
    need(names != ["epoch_1.keras", "epoch_2.keras"],
         "{epoch} alone writes epoch_1; the exercise's {epoch:02d} pads the number to two digits.")
    need(names == ["epoch_01.keras", "epoch_02.keras"],
         f"the files are {names}; with \"epoch_{{epoch:02d}}.keras\" Keras names them epoch_01.keras and "
         "epoch_02.keras (it counts from 1), in that order.")
    missing = [p.name for p in paths if not p.is_file()]
    need(not missing, f"{missing} do not exist: list the files the checkpoint wrote, in its folder.")
    need(all(zipfile.is_zipfile(p) for p in paths), "these files are not .keras archives: were they written by "
                                                     "ModelCheckpoint?")
    return None
