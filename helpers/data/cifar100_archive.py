"""Verifying a CIFAR-100 archive before anything in it is unpickled, and reading it with a restricted unpickler.

Only two kinds of archive pass: the original cifar-100-python.tar.gz, by the SHA-256 that
Keras pins, and the course's fixture, which is made again from its manifest's settings and
must be identical. Even then the pickles are read by an unpickler that refuses every global
except the few that rebuild a numpy array.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import tarfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers.data import cifar100_format as fmt
from helpers.data.cifar100_fixture import FIXTURE_MANIFEST, MOVE_BOTH_ASIDE, _fixture_tar, fixture_manifest
from helpers.data.errors import CorruptFileError, UnverifiedFileError, WrongFileError
from helpers.data.files import gunzip_at_most, reading
from helpers.paths import display_path

FETCH_ORIGINAL = f"fetch the original.\n{fmt.HOW_TO_GET_CIFAR100}"

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


def _verified_tar(archive: Path, raw: bytes) -> tuple[bytes, dict | None]:
    """The uncompressed tar of a verified archive, and its fixture settings (None for the original).

    Raises UnverifiedFileError for an archive that is neither the original nor the course's fixture.
    """
    where = display_path(archive)
    digest = hashlib.sha256(raw).hexdigest()
    manifest_path = archive.parent / FIXTURE_MANIFEST
    if digest == fmt.CIFAR100_SHA256:  # pinned: the original, safe to decompress whole
        return gunzip_at_most(archive, raw, None, FETCH_ORIGINAL), None
    if not manifest_path.is_file():
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
    return expected, settings


def _tar_members(archive: Path, tar_bytes: bytes) -> dict[str, bytes]:
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


def _cifar100_arrays(archive: Path, payloads: dict[str, bytes]) -> dict[str, np.ndarray]:
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
        array.setflags(write=False)  # shared by every caller through the cache below
    return arrays


@lru_cache(maxsize=2)
def _read_cifar100(archive: Path, stamp: tuple) -> tuple[dict[str, np.ndarray], bool]:
    """Verify, then read one archive: its arrays and whether it is the fixture (cached per file state)."""
    with reading(archive, FETCH_ORIGINAL):
        raw = archive.read_bytes()  # hashed and read from the same bytes: nothing can swap the file in between
    tar_bytes, settings = _verified_tar(archive, raw)
    return _cifar100_arrays(archive, _tar_members(archive, tar_bytes)), settings is not None


def read_cifar100_archive(archive: str | os.PathLike) -> tuple[dict[str, np.ndarray], bool]:
    """Arrays (x_train, y_train_fine, ...) of a verified archive and whether it is the fixture; DataError if not."""
    archive = Path(archive).resolve()
    manifest = archive.parent / FIXTURE_MANIFEST
    with reading(archive, FETCH_ORIGINAL):
        stamp = tuple((s.st_size, s.st_mtime_ns) for s in (os.stat(p) for p in (archive, manifest) if p.exists()))
    return _read_cifar100(archive, stamp)
