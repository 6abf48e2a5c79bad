"""Figures the notebooks share. Each function returns its figure; notebooks display it.

One module per kind of figure; every name is imported here, so notebooks write `plots.<name>`.
"""

from helpers.plots.base import RIGHT, WRONG, set_defaults
from helpers.plots.charts import FIELD_COLORS, bar, confusion_matrix, labelled_scatter, receptive_fields
from helpers.plots.curves import compare_histories, history_figure, history_figure_static, show_history
from helpers.plots.depth import gradients_and_losses
from helpers.plots.images import (
    image_grid,
    overlay_grid,
    prediction_grid,
    samples_per_class,
    signed_grid,
    top_k_predictions,
)

__all__ = [
    "FIELD_COLORS",
    "RIGHT",
    "WRONG",
    "bar",
    "compare_histories",
    "confusion_matrix",
    "gradients_and_losses",
    "history_figure",
    "history_figure_static",
    "image_grid",
    "labelled_scatter",
    "overlay_grid",
    "prediction_grid",
    "receptive_fields",
    "samples_per_class",
    "set_defaults",
    "show_history",
    "signed_grid",
    "top_k_predictions",
]
