"""CIFAR-100 for the capstone: find a verified archive, load it as Keras does, or fall back to the fixture."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from helpers import paths
from helpers.data import cifar100_format as fmt
from helpers.data.cifar100_archive import read_cifar100_archive
from helpers.data.cifar100_fixture import FIXTURE_DEFAULTS, cifar100_fixture_dir, make_cifar100_fixture
from helpers.data.errors import DataNotFoundError, MissingFileError
from helpers.data.finder import Candidate, candidates, find
from helpers.downloads import keras_cache_dir, keras_download
from helpers.paths import display_path


@dataclass(frozen=True)
class Cifar100Copy:
    """One verified CIFAR-100 archive (the original or the course's fixture), and why it is used."""

    archive: Path
    label: str  # where it was found, e.g. "Keras cache"
    is_fixture: bool
    n_train: int
    n_test: int
    note: str = ""  # why the fixture stands in for CIFAR-100, when it does

    @property
    def folder(self) -> Path:
        """The folder to pass as load_cifar100(data_dir=...)."""
        return self.archive.parent

    @property
    def kind(self) -> str:
        """What the images are, for results rows: "CIFAR-100" or "fixture"."""
        return "fixture" if self.is_fixture else "CIFAR-100"

    @property
    def description(self) -> str:
        """One line for the setup output."""
        what = "course FIXTURE: synthetic images, NOT CIFAR-100" if self.is_fixture else self.label
        return f"{display_path(self.archive)} ({what})"


def cifar100_fine_names() -> list[str]:
    """The 100 CIFAR-100 class names, indexed by fine label."""
    return list(fmt.CIFAR100_FINE_NAMES)


def cifar100_coarse_names() -> list[str]:
    """The 20 CIFAR-100 superclass names, indexed by coarse label."""
    return list(fmt.CIFAR100_COARSE_NAMES)


def cifar100_fine_to_coarse() -> np.ndarray:
    """The superclass (coarse label) of each of the 100 classes: an int64 array of shape (100,)."""
    return np.array(fmt.CIFAR100_FINE_TO_COARSE, dtype=np.int64)


def _keras_target() -> Path:
    """Where Keras 3 keeps its CIFAR-100 download."""
    return keras_cache_dir() / "datasets" / f"{fmt.CIFAR100_KERAS_NAME}_archive"


def cifar100_candidates(data_dir: str | os.PathLike | None = None) -> list[Candidate]:
    """The places to look for the CIFAR-100 archive, in order; an explicit choice is the only one."""
    return candidates(
        data_dir,
        "cifar-100",
        [
            Candidate(paths.PROJECT_ROOT / "data" / "cifar-100", "project data folder", False),
            Candidate(keras_cache_dir() / "datasets", "Keras cache", False),
        ],
    )


def _archive_in(folder: Path) -> Path | None:
    """The CIFAR-100 archive in a folder, under either of its known names, or None.

    Anything under those names counts, so that a folder standing there is reported, not passed over.
    """
    return next((folder / name for name in fmt.CIFAR100_ARCHIVE_NAMES if (folder / name).exists()), None)


def _copy_of(archive: Path, label: str) -> Cifar100Copy:
    """Verify and read an archive, and describe it."""
    arrays, is_fixture = read_cifar100_archive(archive)
    return Cifar100Copy(archive, label, is_fixture, len(arrays["x_train"]), len(arrays["x_test"]))


def _holds_archive(folder: Path) -> bool:
    """Whether a folder has something under one of the archive's names."""
    return folder.is_dir() and _archive_in(folder) is not None


def _open(cand: Candidate) -> Cifar100Copy:
    """The verified archive of one place, or a MissingFileError that says what the folder holds instead."""
    archive = _archive_in(cand.path)
    if archive is None:
        extracted = (cand.path / "cifar-100-python").is_dir()
        raise MissingFileError(
            f"{display_path(cand.path)} (from the {cand.label}) has no {fmt.CIFAR100_ARCHIVE}."
            f"{' It holds extracted files, but only the archive can be verified.' if extracted else ''}"
            f"\n{fmt.HOW_TO_GET_CIFAR100}"
        )
    return _copy_of(archive, cand.label)


def _download_cifar100() -> Cifar100Copy:
    """Download the archive into the Keras cache exactly as keras.datasets.cifar100.load_data() does."""
    keras_download(fmt.CIFAR100_KERAS_NAME, fmt.CIFAR100_ORIGIN, extract=True, file_hash=fmt.CIFAR100_SHA256)
    return _copy_of(_keras_target(), "downloaded now")


def find_cifar100(data_dir: str | os.PathLike | None = None, download: bool = True) -> Cifar100Copy:
    """The first verified CIFAR-100 archive in the search order, downloaded by Keras if there is none."""
    # Keras would download over a bad copy in its cache: with one there, no download, and that copy stays.
    can_download = download and not _keras_target().exists()
    return find(
        "CIFAR-100",
        cifar100_candidates(data_dir),
        _holds_archive,
        _open,
        _download_cifar100 if can_download else None,
        fmt.CIFAR100_ARCHIVE,
        fmt.HOW_TO_GET_CIFAR100,
    )


def load_cifar100(
    label_mode: str = "fine", data_dir: str | os.PathLike | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CIFAR-100 exactly as keras.datasets.cifar100.load_data(label_mode) returns it (or the fixture in data_dir).

    ((x_train, y_train), (x_test, y_test)): images uint8 (N, 32, 32, 3), labels int64 (N, 1),
    fine labels 0..99 or coarse labels 0..19. The arrays are read-only (they are cached).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"label_mode = {label_mode!r} is not allowed: choose 'fine' or 'coarse'.")
    arrays, _ = read_cifar100_archive(find_cifar100(data_dir).archive)
    return (
        (arrays["x_train"], arrays[f"y_train_{label_mode}"]),
        (arrays["x_test"], arrays[f"y_test_{label_mode}"]),
    )


def choose_cifar100(profile: str) -> Cifar100Copy:
    """The copy a notebook run uses: the fixture for smoke, else CIFAR-100 if it can be had, else the fixture.

    A missing copy falls back to the fixture (the Cifar100Copy's note says why); a copy that
    is present but bad in a folder the user named stops with its DataError instead.
    """
    if profile == "smoke":
        note = "the smoke profile always runs on the fixture"
    else:
        try:
            return find_cifar100()
        except (DataNotFoundError, MissingFileError) as exc:
            note = str(exc).splitlines()[0]
    archive = cifar100_fixture_dir() / fmt.CIFAR100_ARCHIVE
    if not archive.is_file():  # a folder in its place: make_cifar100_fixture says so
        make_cifar100_fixture(archive.parent, **FIXTURE_DEFAULTS)
    return replace(_copy_of(archive, "course fixture"), note=note)
