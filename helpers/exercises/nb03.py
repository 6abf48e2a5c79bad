"""Checks of notebook 03's exercises."""

from __future__ import annotations

NOTEBOOK = "03_padding_stride_dilation"
