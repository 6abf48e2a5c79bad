"""Shared plumbing of the course notebooks: setup and profiles, data, plots, evaluation.

Importing this package quietens TensorFlow's C++ logging; it must therefore be
imported before TensorFlow or Keras, which every notebook's setup cell does.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines in notebook outputs
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")  # oneDNN's notice, and bit-for-bit repeatable runs
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from helpers.profiles import Run, setup  # noqa: E402

__all__ = ["Run", "setup"]
