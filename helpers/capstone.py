"""What only the capstone (notebook 09) needs besides its data: ResNet50's ImageNet weights, and the banner
that says loudly when its numbers are not real transfer-learning results."""

from __future__ import annotations

import hashlib
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from helpers.downloads import DownloadError, keras_cache_dir, keras_download
from helpers.paths import display_path

if TYPE_CHECKING:  # for the annotation only: helpers.data re-exports this module's names
    from helpers.data.cifar100 import Cifar100Copy

# The file keras.applications.ResNet50(weights="imagenet", include_top=False) loads, and its MD5 pin.
RESNET50_WEIGHTS_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
RESNET50_WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/" + RESNET50_WEIGHTS_FILE
RESNET50_WEIGHTS_MD5 = "4d473c1dd8becc155b73f8504c6f6626"


@dataclass(frozen=True)
class ResNet50Weights:
    """ResNet50's starting weights: a verified ImageNet file, or None for random ones, and why."""

    path: Path | None
    note: str

    @property
    def argument(self) -> str | None:
        """The value for keras.applications.ResNet50(weights=...)."""
        return None if self.path is None else str(self.path)

    @property
    def kind(self) -> str:
        """For results rows: "imagenet" or "random"."""
        return "random" if self.path is None else "imagenet"


def resnet50_weights(profile: str, download: bool = True) -> ResNet50Weights:
    """ImageNet weights for ResNet50 from the Keras cache (downloaded if absent), or random ones, and why.

    The smoke profile always uses random weights, so CI never downloads 95 MB. A cached file
    that fails Keras' checksum is left alone (Keras would download over it) and not used.
    """
    if profile == "smoke":
        return ResNet50Weights(None, "the smoke profile always starts from random weights")
    target = keras_cache_dir() / "models" / RESNET50_WEIGHTS_FILE
    if target.exists():
        try:
            pinned = target.is_file() and hashlib.md5(target.read_bytes()).hexdigest() == RESNET50_WEIGHTS_MD5
        except OSError as exc:
            return ResNet50Weights(
                None,
                f"{display_path(target)} cannot be read ({exc.strerror or exc}). It was left as it is; give yourself "
                "read access (`chmod u+r`), or move it aside and run `make data` where the internet is reachable.",
            )
        if pinned:
            return ResNet50Weights(target, f"ImageNet weights from {display_path(target)} (Keras cache)")
        return ResNet50Weights(
            None,
            f"{display_path(target)} is not the weights file Keras publishes (its MD5 differs). It was left "
            "as it is; move it aside and run `make data` where the internet is reachable.",
        )
    if not download:
        return ResNet50Weights(None, f"the ImageNet weights are not in the Keras cache ({display_path(target)})")
    try:
        path = keras_download(
            RESNET50_WEIGHTS_FILE, RESNET50_WEIGHTS_ORIGIN, cache_subdir="models", file_hash=RESNET50_WEIGHTS_MD5
        )
    except DownloadError as exc:
        return ResNet50Weights(
            None, f"the ImageNet weights are not in the Keras cache and could not be downloaded ({exc})"
        )
    return ResNet50Weights(path, "ImageNet weights, downloaded now into the Keras cache")


def cifar100_banner(copy: Cifar100Copy, weights: ResNet50Weights) -> str:
    """What the numbers of a capstone run are worth: a loud warning unless both data and weights are real."""
    if not copy.is_fixture and weights.path is not None:
        return f"Real CIFAR-100 and ImageNet weights: the numbers below are real results.\n({weights.note})"
    problems = []
    if copy.is_fixture:
        problems.append(
            f"DATA: the course's synthetic FIXTURE, NOT CIFAR-100: {copy.n_train:,} training and {copy.n_test:,} "
            "test images of coloured shapes that carry the 100 CIFAR-100 class names. "
            f"Why: {copy.note.rstrip('.')}."
        )
    if weights.path is None:
        problems.append(
            "WEIGHTS: ResNet50 starts from RANDOM weights, not ImageNet's, so every transfer-learning number "
            f"below is meaningless as a measure of transfer. Why: {weights.note.rstrip('.')}."
        )
    problems.append(
        "For real results, run `make data` where the internet is reachable, then run this notebook "
        "again (README: 'Notebook 09 with the real data')."
    )
    bar = "!" * 78
    body = [
        line for text in problems for line in textwrap.wrap(text, 74, initial_indent="!! ", subsequent_indent="!!    ")
    ]
    return "\n".join([bar, "!! THESE ARE NOT CIFAR-100 TRANSFER-LEARNING RESULTS", *body, bar])
