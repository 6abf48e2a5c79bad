"""What the checks ask of a learner's objects: is it a model, a history, how was it built and trained."""

from __future__ import annotations


def is_model(value) -> bool:
    """Whether value is a Keras model."""
    import keras

    return isinstance(value, keras.Model)


def is_history(value) -> bool:
    """Whether value is what fit returns (a History with its per-epoch figures)."""
    import keras

    return isinstance(value, keras.callbacks.History) and isinstance(getattr(value, "history", None), dict)


def epochs_and_steps(history) -> tuple[int, int]:
    """The epochs a history ran and the steps of each epoch (the batches of the training images)."""
    params = getattr(history, "params", None) or {}
    epochs = len(next(iter(history.history.values()), []))
    return epochs, int(params.get("steps") or 0)


def layers_of(model, kind: str) -> list:
    """The model's layers of one class (by name, e.g. "Dense", "Conv2D"), in order."""
    return [layer for layer in model.layers if type(layer).__name__ == kind]


def dense_units(model) -> list[int]:
    """The units of every Dense layer, in order."""
    return [layer.units for layer in layers_of(model, "Dense")]


def learning_rate_is_constant(optimizer) -> bool:
    """Whether an optimizer's learning rate is a plain number rather than a schedule."""
    import keras

    return not isinstance(getattr(optimizer, "_learning_rate", None), keras.optimizers.schedules.LearningRateSchedule)
