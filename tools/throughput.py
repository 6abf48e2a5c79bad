"""How close training runs to the CPU's limit: a model's floating-point operations, and the machine's fp32 peak.

The operations are counted from the layers' configurations: a convolution or dense layer does one
multiply and one add per weight per output position, 2 x (kernel area x input channels x filters x
output pixels) for Conv2D. Training an image costs about three forward passes (the forward pass, and
a backward pass that computes the gradients of the inputs and of the weights, each as much again);
validating one costs one. Batch normalization, activations, pooling and the optimizer's update are
left out: they are a few operations per value, against hundreds per value in a convolution.

The peak is what the machine reports, times what it does not: cores x clock x fp32 lanes of its
widest vector unit (from /proc/cpuinfo's flags) x 2 (a fused multiply-add is two operations) x the
FMA units per core, which no file reports (FMA_UNITS, assumed). Zen 4 cores (AMD EPYC 9004) report
AVX-512 but execute it in two 256-bit halves on their two FMA pipes: their real peak is half the
figure computed with 2 units of 512 bits, which the page says beside it.
"""

from __future__ import annotations

import os
from pathlib import Path

FMA_UNITS = 2  # per core: the common figure for server cores (Intel Xeon Scalable, AMD EPYC); not reported by Linux
VECTOR_BITS = (("avx512f", 512), ("avx2", 256), ("avx", 256), ("sse2", 128))


def forward_flops(model) -> int:
    """Floating-point operations of one forward pass of one image through the model's Conv2D and Dense layers."""
    import numpy as np

    total = 0
    for layer in _layers(model):
        kind = type(layer).__name__
        if kind == "Conv2D":
            height, width, filters = layer.output.shape[1:]
            kh, kw = layer.kernel_size
            channels = layer.input.shape[-1] // layer.groups
            total += 2 * kh * kw * channels * filters * height * width
        elif kind == "Dense":
            total += 2 * int(np.prod(layer.input.shape[1:])) * layer.units
    return int(total)


def _layers(model) -> list:
    """Every layer, models nested inside a model included."""
    out = []
    for layer in model.layers:
        out += _layers(layer) if hasattr(layer, "layers") else [layer]
    return out


def cpu_peak(cpuinfo: str | None = None, cores: int | None = None) -> dict:
    """The fp32 peak this machine's cores can reach, from what /proc/cpuinfo reports, with every factor."""
    if cpuinfo is None:
        path = Path("/proc/cpuinfo")
        cpuinfo = path.read_text() if path.is_file() else ""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    flags = set(fields.get("flags", "").split())
    bits = next((b for flag, b in VECTOR_BITS if flag in flags), 64)
    mhz = float(fields.get("cpu MHz", "0") or 0)
    cores = cores or os.cpu_count() or 1
    lanes = bits // 32
    gflops = cores * mhz / 1000 * lanes * 2 * FMA_UNITS
    return {"cpu": fields.get("model name", "unknown"), "cores": cores, "mhz": round(mhz), "vector_bits": bits,
            "fp32_lanes": lanes, "fma_units_assumed": FMA_UNITS, "bf16": "avx512_bf16" in flags or "amx_bf16" in flags,
            "amx": "amx_tile" in flags, "peak_gflops": round(gflops, 1)}


def achieved(flops: float, seconds: float, peak: dict) -> dict:
    """GFLOP/s reached by work of `flops` operations in `seconds`, and its share of the peak."""
    rate = flops / seconds / 1e9 if seconds > 0 else 0.0
    return {"gflops": round(rate, 1), "share_of_peak": round(rate / peak["peak_gflops"], 3) if peak["peak_gflops"]
            else None}
