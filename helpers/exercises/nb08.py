"""Checks of notebook 08's exercises."""

from __future__ import annotations

NOTEBOOK = "08_kernel_dissection"
