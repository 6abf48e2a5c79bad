"""Training settings that several notebooks share, each explained where it first appears."""

from __future__ import annotations

import math
import numbers

from helpers.checks import check_int

__all__ = ["momentum_for", "steps_per_epoch"]


def steps_per_epoch(images: int, batch_size: int) -> int:
    """Training steps of one epoch: one per batch, the last one possibly short."""
    images = check_int("steps_per_epoch's images", images, 1)
    batch_size = check_int("steps_per_epoch's batch_size", batch_size, 1)
    return math.ceil(images / batch_size)


def momentum_for(steps: int) -> float:
    """Batch-norm momentum for epochs of this many steps: after one epoch the starting values weigh at most 1%.

    The moving averages that batch normalization predicts with start at mean 0 and variance 1;
    after n steps those starting values still weigh momentum ** n. Keras' default 0.99 needs about
    460 steps to bring that down to 1%, more than a short run has. This is the largest momentum,
    at most 0.99, with momentum ** steps <= 0.01 (notebook 05 introduces the rule, notebook 07
    measures the lag it prevents).
    """
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral) or steps < 1:
        raise ValueError(f"momentum_for needs the number of steps per epoch, a whole number of at least 1; "
                         f"got {steps!r}. steps_per_epoch(images, batch_size) computes it.")
    return min(0.99, 0.01 ** (1 / int(steps)))
