"""Networks compared along their depth: the gradient each layer gets, and the loss each run ends with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator

from helpers.plots.base import _finished


def gradients_and_losses(
    gradients: Mapping[str, Sequence[Sequence[float]]],
    losses: Mapping[str, Sequence[float]],
    chance: float,
    title: str = "",
) -> plt.Figure:
    """Left: each network's gradient norm per layer at the start, one line per seed, on a log scale, the input on the
    left. Right: the training loss each seed ended with, one dot per seed, beside the loss of a uniform guess."""
    if set(gradients) != set(losses):
        raise ValueError(f"gradients and losses must name the same networks: {sorted(gradients)} against "
                         f"{sorted(losses)}.")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.9), gridspec_kw={"width_ratios": [1.7, 1]})
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, name in enumerate(gradients):
        color = colors[k % len(colors)]
        for seed, norms in enumerate(gradients[name]):
            left.plot(range(1, len(norms) + 1), norms, "-o", markersize=2.5, color=color, alpha=0.8,
                      label=name if seed == 0 else None)
        right.plot([k] * len(losses[name]), losses[name], "o", color=color, markersize=7, alpha=0.8)
    left.set(yscale="log", xlabel="convolution (1 = the first, next to the input)",
             ylabel="norm of its kernel's gradient (log scale)",
             title="at the start: the gradient each convolution gets")
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    left.legend(fontsize=8)
    right.axhline(chance, color="grey", linestyle="--", label=f"a uniform guess: {chance:.3f}")
    right.set(xticks=range(len(losses)), xticklabels=list(losses), xlim=(-0.5, len(losses) - 0.5),
              ylabel="training loss (inference mode)", title="after training: one dot per seed")
    right.legend(fontsize=8)
    for ax in (left, right):
        ax.title.set_fontsize(10)
    if title:
        fig.suptitle(title, fontsize=11)
    return _finished(fig)
