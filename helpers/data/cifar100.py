"""CIFAR-100 for the capstone, in one pass that reads top to bottom: find a copy, verify it, read its arrays.

1. Find: the folder the user named (data_dir, else $COURSE_DATA_DIR/cifar-100), else data/cifar-100/
   in the course folder and the Keras cache, else a Keras download: the one search order of
   helpers.data.finder. A place holds a copy when it has the archive under one of its known names.
2. Verify, before anything in it is unpickled: the archive is the original by the SHA-256 that Keras
   pins, or the course's fixture, made again from the settings its manifest records and identical.
3. Read: the three pickles through an unpickler that builds only plain data and numpy arrays,
   checked against CIFAR-100's layout, in the layout keras.datasets.cifar100.load_data() returns.

The copy found carries its arrays, so loading is finding. A notebook run takes its copy from
choose_cifar100 (the fixture where CIFAR-100 cannot be had) and loads it from its folder.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tarfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers import paths
from helpers.data import cifar100_format as fmt
from helpers.data.cifar100_fixture import (
    FIXTURE_DEFAULTS,
    FIXTURE_MANIFEST,
    MOVE_BOTH_ASIDE,
    _fixture_tar,
    cifar100_fixture_dir,
    fixture_manifest,
    make_cifar100_fixture,
)
from helpers.data.errors import (
    CorruptFileError,
    DataNotFoundError,
    MissingFileError,
    UnverifiedFileError,
    WrongFileError,
)
from helpers.data.files import gunzip_at_most, reading
from helpers.data.finder import Candidate, candidates, find
from helpers.downloads import keras_cache_dir, keras_download
from helpers.paths import display_path

FETCH_ORIGINAL = f"fetch the original.\n{fmt.HOW_TO_GET_CIFAR100}"
Arrays = dict[str, np.ndarray]  # x_train, y_train_fine, y_train_coarse, x_test, y_test_fine, y_test_coarse


@dataclass(frozen=True)
class Cifar100Copy:
    """One verified CIFAR-100 archive (the original or the course's fixture), its arrays, and why it is used."""

    archive: Path
    label: str  # where it was found, e.g. "Keras cache"
    is_fixture: bool
    n_train: int
    n_test: int
    note: str = ""  # why the fixture stands in for CIFAR-100, when it does
    arrays: Arrays = field(default_factory=dict, repr=False, compare=False)

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


# ----- what notebooks and tools call -----


def load_cifar100(
    label_mode: str = "fine", data_dir: str | os.PathLike | None = None
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CIFAR-100 exactly as keras.datasets.cifar100.load_data(label_mode) returns it (or the fixture in data_dir).

    ((x_train, y_train), (x_test, y_test)): images uint8 (N, 32, 32, 3), labels int64 (N, 1),
    fine labels 0..99 or coarse labels 0..19. The arrays are read-only (they are cached).
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"label_mode = {label_mode!r} is not allowed: choose 'fine' or 'coarse'.")
    arrays = find_cifar100(data_dir).arrays
    return (arrays["x_train"], arrays[f"y_train_{label_mode}"]), (arrays["x_test"], arrays[f"y_test_{label_mode}"])


def find_cifar100(data_dir: str | os.PathLike | None = None, download: bool = True) -> Cifar100Copy:
    """The first verified CIFAR-100 archive in the search order, downloaded by Keras if there is none."""
    # Keras would download over a bad copy in its cache: with one there, no download, and that copy stays.
    can_download = download and not _keras_target().exists()
    return find("CIFAR-100", cifar100_candidates(data_dir), _holds_archive, _open,
                _download if can_download else None, fmt.CIFAR100_ARCHIVE, fmt.HOW_TO_GET_CIFAR100)


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
    return replace(read_copy(archive, "course fixture"), note=note)


def cifar100_fine_names() -> list[str]:
    """The 100 CIFAR-100 class names, indexed by fine label."""
    return list(fmt.CIFAR100_FINE_NAMES)


def cifar100_coarse_names() -> list[str]:
    """The 20 CIFAR-100 superclass names, indexed by coarse label."""
    return list(fmt.CIFAR100_COARSE_NAMES)


def cifar100_fine_to_coarse() -> np.ndarray:
    """The superclass (coarse label) of each of the 100 classes: an int64 array of shape (100,)."""
    return np.array(fmt.CIFAR100_FINE_TO_COARSE, dtype=np.int64)


# ----- 1. find a copy -----


def cifar100_candidates(data_dir: str | os.PathLike | None = None) -> list[Candidate]:
    """The places to look for the CIFAR-100 archive, in order; an explicit choice is the only one."""
    automatic = [Candidate(paths.PROJECT_ROOT / "data" / "cifar-100", "project data folder", False),
                 Candidate(keras_cache_dir() / "datasets", "Keras cache", False)]
    return candidates(data_dir, "cifar-100", automatic)


def _keras_target() -> Path:
    """Where Keras 3 keeps its CIFAR-100 download."""
    return keras_cache_dir() / "datasets" / f"{fmt.CIFAR100_KERAS_NAME}_archive"


def _archive_in(folder: Path) -> Path | None:
    """The CIFAR-100 archive in a folder, under either of its known names, or None.

    Anything under those names counts, so that a folder standing there is reported, not passed over.
    """
    return next((folder / name for name in fmt.CIFAR100_ARCHIVE_NAMES if (folder / name).exists()), None)


def _holds_archive(folder: Path) -> bool:
    """Whether a folder has something under one of the archive's names."""
    return folder.is_dir() and _archive_in(folder) is not None


def _open(place: Candidate) -> Cifar100Copy:
    """The verified copy of one place, or a MissingFileError that says what the folder holds instead."""
    archive = _archive_in(place.path)
    if archive is None:
        extracted = (place.path / "cifar-100-python").is_dir()
        raise MissingFileError(
            f"{display_path(place.path)} (from the {place.label}) has no {fmt.CIFAR100_ARCHIVE}."
            f"{' It holds extracted files, but only the archive can be verified.' if extracted else ''}"
            f"\n{fmt.HOW_TO_GET_CIFAR100}"
        )
    return read_copy(archive, place.label)


def _download() -> Cifar100Copy:
    """Download the archive into the Keras cache exactly as keras.datasets.cifar100.load_data() does."""
    keras_download(fmt.CIFAR100_KERAS_NAME, fmt.CIFAR100_ORIGIN, extract=True, file_hash=fmt.CIFAR100_SHA256)
    return read_copy(_keras_target(), "downloaded now")


# ----- 2. verify it -----


def read_copy(archive: str | os.PathLike, label: str) -> Cifar100Copy:
    """A verified archive as a copy holding its arrays; a DataError that names the file if it is not one."""
    archive = Path(archive).resolve()
    manifest = archive.parent / FIXTURE_MANIFEST
    with reading(archive, FETCH_ORIGINAL):
        stamp = tuple((s.st_size, s.st_mtime_ns) for s in (os.stat(p) for p in (archive, manifest) if p.exists()))
    arrays, is_fixture = _verified_arrays(archive, stamp)
    return Cifar100Copy(archive, label, is_fixture, len(arrays["x_train"]), len(arrays["x_test"]), arrays=arrays)


@lru_cache(maxsize=2)
def _verified_arrays(archive: Path, stamp: tuple) -> tuple[Arrays, bool]:
    """Verify, then read one archive: its arrays and whether it is the fixture (cached per file state)."""
    with reading(archive, FETCH_ORIGINAL):
        raw = archive.read_bytes()  # hashed and read from the same bytes: nothing can swap the file in between
    tar_bytes, is_fixture = _verified_tar(archive, raw)
    return _arrays(archive, _members(archive, tar_bytes)), is_fixture


def _verified_tar(archive: Path, raw: bytes) -> tuple[bytes, bool]:
    """The uncompressed tar of a verified archive, and whether it is the fixture.

    Raises UnverifiedFileError for an archive that is neither the original nor the course's fixture.
    """
    where = display_path(archive)
    digest = hashlib.sha256(raw).hexdigest()
    manifest_path = archive.parent / FIXTURE_MANIFEST
    if digest == fmt.CIFAR100_SHA256:  # pinned: the original, safe to decompress whole
        return gunzip_at_most(archive, raw, None, FETCH_ORIGINAL), False
    if not manifest_path.exists():
        raise UnverifiedFileError(
            f"{where} is not the CIFAR-100 archive that Keras pins (its SHA-256 is {digest[:16]}..., the "
            f"original's is {fmt.CIFAR100_SHA256[:16]}...), and no fixture manifest ({FIXTURE_MANIFEST}) sits "
            "beside it. It is truncated, repacked or another file. The archive holds Python pickles, which can run "
            "code when opened, so the course never opens one it cannot verify. Move it aside and fetch the original."
            f"\n{fmt.HOW_TO_GET_CIFAR100}"
        )
    settings = fixture_manifest(manifest_path)
    if settings.pop("sha256") != digest:
        raise CorruptFileError(
            f"{where} has changed since make_cifar100_fixture wrote it: its SHA-256 ({digest[:16]}...) is not the "
            f"one its manifest {display_path(manifest_path)} records. It is truncated or edited. {MOVE_BOTH_ASIDE}"
        )
    expected = _fixture_tar(**settings)
    # A forged manifest could vouch for a gzip bomb: never decompress more than the fixture's own size.
    if gunzip_at_most(archive, raw, len(expected), FETCH_ORIGINAL) != expected:
        raise UnverifiedFileError(
            f"{where} and its manifest claim to be the course's fixture (settings {settings}), but the archive "
            "is not what make_cifar100_fixture makes with those settings, so it was not opened. It was edited "
            f"together with its manifest, or made by another version of the course. {MOVE_BOTH_ASIDE}"
        )
    return expected, True


# ----- 3. read its arrays -----

# Rebuilding a pickled numpy array needs exactly these globals; the archive was pickled
# by numpy 1 (numpy.core), the fixture by numpy 2 (numpy._core). Both resolve to numpy 2's
# function here, which also avoids numpy's deprecation warning for numpy.core.
_ARRAY_GLOBALS = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("numpy.core.multiarray", "_reconstruct"): np._core.multiarray._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): np._core.multiarray._reconstruct,
}


class _ArrayOnlyUnpickler(pickle.Unpickler):
    """An unpickler that builds dicts, lists, numbers, bytes and numpy arrays, and refuses anything else."""

    def find_class(self, module: str, name: str):
        try:
            return _ARRAY_GLOBALS[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"refused to load the global {module}.{name}") from None


def _members(archive: Path, tar_bytes: bytes) -> dict[str, bytes]:
    """The meta, train and test files inside a (verified) archive."""
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
        payloads = {}
        for member in fmt.CIFAR100_MEMBERS:
            try:
                payloads[member] = tar.extractfile(f"cifar-100-python/{member}").read()
            except (KeyError, AttributeError):
                raise WrongFileError(
                    f"{display_path(archive)} has no cifar-100-python/{member} file: it is not a CIFAR-100 archive."
                ) from None
    return payloads


def _unpickle(archive: Path, member: str, payload: bytes) -> dict:
    """One member of a verified archive as a dict with bytes keys, as Keras reads it."""
    where = f"{display_path(archive)} (member {member})"
    try:
        obj = _ArrayOnlyUnpickler(io.BytesIO(payload), encoding="bytes").load()
    except pickle.UnpicklingError as exc:
        raise WrongFileError(
            f"{where} holds more than plain data and numpy arrays ({exc}), so it was not loaded. "
            f"A real CIFAR-100 file never does. Move the archive aside and {FETCH_ORIGINAL}"
        ) from exc
    except Exception as exc:  # truncated or garbled pickles raise EOFError, ValueError, TypeError...
        raise CorruptFileError(
            f"{where} is not a readable pickle ({type(exc).__name__}: {exc}). "
            f"Move the archive aside and {FETCH_ORIGINAL}"
        ) from exc
    if not isinstance(obj, dict):
        raise WrongFileError(f"{where} holds a {type(obj).__name__}, not the dict of a CIFAR-100 file.")
    return obj


def _arrays(archive: Path, payloads: dict[str, bytes]) -> Arrays:
    """Images and labels of the unpickled files, checked against CIFAR-100's layout and names."""
    where = display_path(archive)
    meta = _unpickle(archive, "meta", payloads["meta"])
    names_of = {b"fine_label_names": fmt.CIFAR100_FINE_NAMES, b"coarse_label_names": fmt.CIFAR100_COARSE_NAMES}
    for key, expected in names_of.items():
        names = tuple(n.decode() if isinstance(n, bytes) else n for n in meta.get(key, []))
        if names != expected:
            raise WrongFileError(f"{where}: the meta file's {key.decode()} are not CIFAR-100's {len(expected)} names.")
    mapping = np.asarray(fmt.CIFAR100_FINE_TO_COARSE)
    arrays = {}
    for split in ("train", "test"):
        d = _unpickle(archive, split, payloads[split])
        data = d.get(b"data")
        if not (isinstance(data, np.ndarray) and data.dtype == np.uint8 and data.ndim == 2 and data.shape[1] == 3072):
            raise WrongFileError(f"{where}: {split} holds no uint8 image rows of 32 x 32 x 3 = 3072 bytes.")
        n = len(data)
        fine = np.asarray(d.get(b"fine_labels", []))
        coarse = np.asarray(d.get(b"coarse_labels", []))
        if fine.shape != (n,) or coarse.shape != (n,) or not np.isin(fine, np.arange(100)).all():
            raise WrongFileError(f"{where}: {split} does not hold one fine and one coarse label (0..99) per image.")
        if not np.array_equal(coarse, mapping[fine]):
            raise WrongFileError(f"{where}: {split}'s coarse labels do not match the CIFAR-100 superclasses.")
        # Keras' layout: channels last, labels as int64 columns (its docstring says uint8; its code gives int64).
        arrays[f"x_{split}"] = np.ascontiguousarray(data.reshape(n, 3, 32, 32).transpose(0, 2, 3, 1))
        arrays[f"y_{split}_fine"] = fine.astype(np.int64).reshape(n, 1)
        arrays[f"y_{split}_coarse"] = coarse.astype(np.int64).reshape(n, 1)
    for array in arrays.values():
        array.setflags(write=False)  # shared by every caller through the cache above
    return arrays
