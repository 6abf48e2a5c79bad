"""Checks of notebook 04's exercises."""

from __future__ import annotations

NOTEBOOK = "04_stacked_convolutions"
