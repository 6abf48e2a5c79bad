"""Training settings that several notebooks share, each explained where it first appears."""

from __future__ import annotations

import math
import numbers
from pathlib import Path

from helpers.checks import check_int

__all__ = ["bfloat16_supported", "momentum_for", "steps_per_epoch"]


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


# The /proc/cpuinfo flags of the two x86 instruction sets that compute with bfloat16 numbers: AVX-512 BF16's
# dot products (AMD Zen 4, Intel Cooper Lake and later) and AMX's tile multiplications (Intel Sapphire Rapids
# and later). Without either, TensorFlow converts bfloat16 to float32 and back around every operation, which is
# slower than float32 alone.
BFLOAT16_FLAGS = ("avx512_bf16", "amx_bf16")


def bfloat16_supported(cpuinfo: str | None = None) -> bool:
    """Whether this machine's CPU reports instructions that compute in bfloat16 (False where it cannot tell)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:  # not Linux, or no /proc: assume the plain float32 path
            return False
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return any(flag in value.split() for flag in BFLOAT16_FLAGS)
    return False
