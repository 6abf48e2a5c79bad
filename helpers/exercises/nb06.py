"""Checks of notebook 06's exercises."""

from __future__ import annotations

NOTEBOOK = "06_deeper_high_resolution"
