"""The one search every data set uses: a folder the user named, else the automatic places, else a Keras download."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from helpers.data.errors import DataError, DataNotFoundError, DataWarning
from helpers.data.files import reading
from helpers.downloads import DownloadError
from helpers.paths import display_path

Copy = TypeVar("Copy")


@dataclass(frozen=True)
class Candidate:
    """One place where a data set may be, and whether the user insisted on it."""

    path: Path
    label: str
    explicit: bool


def candidates(data_dir: str | os.PathLike | None, subfolder: str, automatic: Sequence[Candidate]) -> list[Candidate]:
    """The places to look, in order: data_dir, else $COURSE_DATA_DIR/<subfolder>, else the automatic places."""
    if data_dir is not None:
        return [Candidate(Path(data_dir), "data_dir argument", True)]
    if os.environ.get("COURSE_DATA_DIR"):
        return [Candidate(Path(os.environ["COURSE_DATA_DIR"]) / subfolder, "COURSE_DATA_DIR", True)]
    return list(automatic)


def find(
    dataset: str,
    places: Sequence[Candidate],
    holds: Callable[[Path], bool],
    open_copy: Callable[[Candidate], Copy],
    download: Callable[[], Copy] | None,
    needs: str,
    how_to_get: str,
) -> Copy:
    """The first usable copy of a data set.

    A folder the user named (data_dir or COURSE_DATA_DIR) is the only place looked at: its
    errors are final. An automatic place that does not `hold` the data set is passed over; one
    that holds a bad or unreadable copy is skipped with a DataWarning. Then `download` (None:
    no download), and else a DataNotFoundError that lists where it looked and how to get the data.
    """
    fix = f"fetch it again.\n{how_to_get}"
    skipped = []
    for cand in places:
        if cand.explicit:
            with reading(cand.path, fix):
                if not cand.path.is_dir():
                    raise DataNotFoundError(
                        f"{display_path(cand.path)} (from the {cand.label}) is not a folder. Create it with "
                        f"{needs} in it, or point it elsewhere.\n{how_to_get}"
                    )
                return open_copy(cand)
        try:
            with reading(cand.path, fix):
                if not holds(cand.path):
                    continue
                return open_copy(cand)
        except DataError as exc:
            skipped.append(f"{cand.label}: {exc}")
            warnings.warn(f"Skipping a bad copy of {dataset}. {exc}", DataWarning, stacklevel=3)

    looked = "\n".join(f"  - {display_path(c.path)} ({c.label})" for c in places)
    problems = "".join(f"\nSkipped {s}" for s in skipped)
    if download is not None:
        try:
            return download()
        except DownloadError as exc:
            raise DataNotFoundError(
                f"{dataset} is not on this machine and could not be downloaded ({exc}).\n"
                f"Looked in:\n{looked}{problems}\n{how_to_get}"
            ) from exc
    raise DataNotFoundError(f"No usable copy of {dataset} was found.\nLooked in:\n{looked}{problems}\n{how_to_get}")
