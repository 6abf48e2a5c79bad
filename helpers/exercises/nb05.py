"""Checks of notebook 05's exercises."""

from __future__ import annotations

NOTEBOOK = "05_pooling_and_checkpoints"
