"""Checks of notebook 07's exercises."""

from __future__ import annotations

NOTEBOOK = "07_regularization"
