"""Keras' cache folder and its downloader, wrapped once for every file the course fetches."""

from __future__ import annotations

import os
from pathlib import Path


class DownloadError(Exception):
    """Keras could not fetch a file (no network, refused, wrong checksum)."""


def keras_cache_dir() -> Path:
    """Keras' cache folder, as keras.utils.get_file computes it (KERAS_HOME or ~/.keras)."""
    return Path(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")))


def keras_download(fname: str, origin: str, **options: object) -> Path:
    """keras.utils.get_file into the course's Keras cache; a failed fetch is a DownloadError with Keras' reason.

    get_file fetches only a file that is absent, and never replaces one that is there. Keras prints
    "Downloading data from ..." before it tries; a failed try says so right under that line.
    """
    import keras  # imported here, not at the top: only a download needs Keras, which starts TensorFlow

    try:
        path = keras.utils.get_file(fname, origin=origin, cache_dir=str(keras_cache_dir()), **options)
    except Exception as exc:  # Keras raises a bare Exception on a failed fetch
        reason = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"  ... download of {fname} FAILED: {reason}")
        raise DownloadError(reason) from exc
    return Path(path)
