"""Shared plumbing of the course notebooks: setup and profiles, data, plots, evaluation.

Importing this package quietens TensorFlow's C++ logging; it must therefore be
imported before TensorFlow or Keras, which every notebook's setup cell does.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ log lines in notebook outputs
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
# oneDNN stays on (TensorFlow's default): it trains the course's CNNs 1.7x faster on
# 2 CPU cores, repeatably. Its start-up notice is silenced by quiet_tensorflow().

from helpers.profiles import Run, setup  # noqa: E402

__all__ = ["Run", "setup"]
