"""Where the course keeps things, and how paths are shown in notebook outputs."""

from __future__ import annotations

import os
from pathlib import Path

# helpers/ sits at the top of the course folder; `pip install -e .` keeps it there.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def results_dir(profile: str) -> Path:
    """Folder of one profile's recorded results (COURSE_RESULTS_DIR overrides the root)."""
    return _root("COURSE_RESULTS_DIR", PROJECT_ROOT / "results") / profile


def models_dir(profile: str) -> Path:
    """Folder of one profile's model checkpoints (COURSE_MODELS_DIR overrides the root)."""
    return _root("COURSE_MODELS_DIR", PROJECT_ROOT / "models") / profile


def _root(variable: str, default: Path) -> Path:
    """The folder an environment variable names, or default when it is unset or empty (as COURSE_DATA_DIR is).

    A relative path is refused: a notebook runs in notebooks/ and a tool in the course folder, so
    it would name two different folders. So is a file where the folder should be.
    """
    value = os.environ.get(variable, "")
    if not value:
        return default
    path = Path(value).expanduser()
    if not path.is_absolute():
        raise ValueError(f"{variable}={value!r} is a relative path, which names another folder for a notebook "
                         f"(run in notebooks/) than for a tool (run in the course folder). Set it to an absolute "
                         f"path, e.g. {variable}={(Path.cwd() / path).as_posix()}, or unset it to use "
                         f"{display_path(default)}/.")
    if path.exists() and not path.is_dir():
        raise ValueError(f"{variable}={value} is a file, not a folder: set it to a folder (it is created when "
                         f"missing), or move the file aside.")
    return path


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
