"""Checks of notebook 09's exercises."""

from __future__ import annotations

NOTEBOOK = "09_capstone_cifar100_resnet50"
