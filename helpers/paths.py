"""Where the course keeps things, and how paths are shown in notebook outputs."""

from __future__ import annotations

import os
from pathlib import Path

# helpers/ sits at the top of the course folder; `pip install -e .` keeps it there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def results_dir(profile: str) -> Path:
    """Folder of one profile's recorded results (COURSE_RESULTS_DIR overrides the root)."""
    root = Path(os.environ.get("COURSE_RESULTS_DIR", PROJECT_ROOT / "results"))
    return root / profile


def models_dir(profile: str) -> Path:
    """Folder of one profile's model checkpoints (COURSE_MODELS_DIR overrides the root)."""
    root = Path(os.environ.get("COURSE_MODELS_DIR", PROJECT_ROOT / "models"))
    return root / profile


def display_path(path: str | os.PathLike) -> str:
    """A path as a notebook should print it: relative to the course, or with ~ for home."""
    path = Path(path).absolute()
    try:
        return path.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        pass
    home = Path.home()
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return path.as_posix()
