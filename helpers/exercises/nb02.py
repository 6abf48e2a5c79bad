"""Checks of notebook 02's exercises."""

from __future__ import annotations

NOTEBOOK = "02_first_convolutions"
