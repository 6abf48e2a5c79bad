"""What every course figure shares: the colours for right and wrong, layout, and the plot defaults."""

from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt

RIGHT, WRONG = "tab:blue", "tab:red"


def _finished(fig: plt.Figure) -> plt.Figure:
    """Lay out and close a figure, so Jupyter shows it once: as the value a cell returns."""
    fig.tight_layout()
    plt.close(fig)
    return fig


def set_defaults() -> None:
    """Plot defaults of the course: readable sizes, no clutter, sharp PNGs that stay small."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook")
    matplotlib.rcParams.update(
        {"figure.figsize": (7, 4), "figure.dpi": 80, "savefig.dpi": 80, "image.cmap": "gray", "axes.grid": False}
    )
