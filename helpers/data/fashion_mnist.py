"""Fashion-MNIST: find the four IDX files, verify each by its header and SHA-256, load them as Keras does.

Looked for, in order: an explicit data_dir, $COURSE_DATA_DIR/fashion-mnist, data/fashion-mnist/
in the course folder, Debian's /usr/share/datasets/fashion-mnist, the Keras cache, and only
then a Keras download. Nothing here deletes or overwrites a file that is already on disk.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers import paths
from helpers.data.errors import CorruptFileError, MissingFileError, WrongFileError
from helpers.data.files import read_at_most, reading
from helpers.data.finder import Candidate, candidates, find
from helpers.downloads import keras_cache_dir, keras_download
from helpers.paths import display_path

FASHION_CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# Where Keras downloads Fashion-MNIST from (the same origin as
# keras.datasets.fashion_mnist.load_data), and where it caches it.
FASHION_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FASHION_CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
LABELS_MAGIC, IMAGES_MAGIC = 2049, 2051  # IDX: 1-D unsigned bytes, 3-D unsigned bytes


@dataclass(frozen=True)
class IdxFile:
    """What one Fashion-MNIST file must contain."""

    name: str
    magic: int  # LABELS_MAGIC or IMAGES_MAGIC
    count: int
    sha256: str  # of the decompressed bytes: Debian recompresses the .gz files


FASHION_FILES = {
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte.gz", LABELS_MAGIC, 60_000,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "train_images": IdxFile(
        "train-images-idx3-ubyte.gz", IMAGES_MAGIC, 60_000,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte.gz", LABELS_MAGIC, 10_000,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte.gz", IMAGES_MAGIC, 10_000,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
}  # fmt: skip

HOW_TO_GET_FASHION = (
    "How to fix it, any one of:\n"
    "  - run `make data` in the course folder (downloads it, or installs the Debian package);\n"
    "  - on Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist` (works offline from a local mirror);\n"
    "  - put the four original .gz files in a folder and set COURSE_DATA_DIR to its parent\n"
    "    (the files go in $COURSE_DATA_DIR/fashion-mnist/)."
)
FETCH_AGAIN = "fetch the data again (`make data`)."


def fashion_mnist_candidates(data_dir: str | os.PathLike | None = None) -> list[Candidate]:
    """The places to look for Fashion-MNIST, in order; an explicit choice is the only one."""
    return candidates(
        data_dir,
        "fashion-mnist",
        [
            Candidate(paths.PROJECT_ROOT / "data" / "fashion-mnist", "project data folder", False),
            Candidate(DEBIAN_FASHION_DIR, "Debian package dataset-fashion-mnist", False),
            Candidate(keras_cache_dir() / FASHION_CACHE_SUBDIR, "Keras cache", False),
        ],
    )


def _idx_header(path: Path, spec: IdxFile, stream: gzip.GzipFile) -> tuple[bytes, int]:
    """Read and check an IDX header against spec; return it and the size the whole file must decompress to."""
    where = display_path(path)
    header = stream.read(8)
    if len(header) < 8:
        raise CorruptFileError(
            f"{where} holds only {len(header)} bytes after decompression, too few for an IDX header. {FETCH_AGAIN}"
        )
    magic, count = struct.unpack(">II", header)
    kind = {LABELS_MAGIC: "labels", IMAGES_MAGIC: "images"}
    if magic not in kind:
        raise WrongFileError(
            f"{where} does not start with an IDX magic number (found {magic:#010x}). It is not a Fashion-MNIST "
            f"file; replace it with the original {spec.name} (`make data`)."
        )
    if magic != spec.magic:
        raise WrongFileError(
            f"{where} holds {kind[magic]}, but {spec.name} must hold {kind[spec.magic]}: the files look swapped "
            "or renamed. Put the original files back under their own names."
        )
    if count != spec.count:
        raise WrongFileError(
            f"{where} holds {count:,} items, but {spec.name} must hold {spec.count:,}: training and test files "
            "look swapped, or this is another data set. Put the original files back under their own names "
            "(`make data` fetches them)."
        )
    if magic == LABELS_MAGIC:
        return header, 8 + count
    dims = stream.read(8)
    rows, cols = struct.unpack(">II", dims) if len(dims) == 8 else (0, 0)
    if (rows, cols) != (28, 28):
        raise WrongFileError(
            f"{where} holds {rows}x{cols} images; Fashion-MNIST images are 28x28. "
            "This is another data set; replace it with the original file (`make data`)."
        )
    return header + dims, 16 + count * 28 * 28


def read_idx(path: Path, spec: IdxFile) -> np.ndarray:
    """Read one verified IDX file: labels as (n,), images as (n, 28, 28), both uint8."""
    with reading(path, FETCH_AGAIN), gzip.open(path, "rb") as stream:
        header, expected = _idx_header(path, spec, stream)
        # The header says how many bytes the file may hold: a larger one (a gzip bomb) is never read whole.
        body = read_at_most(stream, expected - len(header), path, FETCH_AGAIN, already=len(header))
    raw = header + body
    if len(raw) != expected:
        raise CorruptFileError(
            f"{display_path(path)} should decompress to {expected:,} bytes ({spec.count:,} items) but gives "
            f"{len(raw):,}: the file is truncated or padded. {FETCH_AGAIN[0].upper()}{FETCH_AGAIN[1:]}"
        )
    digest = hashlib.sha256(raw).hexdigest()
    if digest != spec.sha256:
        raise WrongFileError(
            f"{display_path(path)} has the right shape but not the right content (SHA-256 of the decompressed "
            f"bytes is {digest[:16]}..., expected {spec.sha256[:16]}...). It may be MNIST digits or an edited "
            "copy. Replace it with the original file (`make data`)."
        )
    array = np.frombuffer(raw, np.uint8, offset=len(header))
    return array.reshape(spec.count, 28, 28) if spec.magic == IMAGES_MAGIC else array


def _missing_files(folder: Path) -> list[str]:
    """Names of the Fashion-MNIST files absent from a folder (a folder under a file's name is not absent:
    reading it says what it is)."""
    return [f.name for f in FASHION_FILES.values() if not (folder / f.name).exists()]


@lru_cache(maxsize=4)
def _read_folder(folder: Path, stamp: tuple) -> dict[str, np.ndarray]:
    """All four arrays of a folder; cached per folder and file sizes and times."""
    return {key: read_idx(folder / spec.name, spec) for key, spec in FASHION_FILES.items()}


def read_fashion_folder(folder: Path) -> dict[str, np.ndarray]:
    """Verify and read the four files of one folder, raising a DataError on any problem."""
    with reading(folder, FETCH_AGAIN):
        missing = _missing_files(folder)
        if missing:
            raise MissingFileError(
                f"{display_path(folder)} lacks {', '.join(missing)}. "
                f"The folder needs all four original files.\n{HOW_TO_GET_FASHION}"
            )
        stamp = tuple((s.st_size, s.st_mtime_ns) for s in (os.stat(folder / f.name) for f in FASHION_FILES.values()))
        return _read_folder(folder.resolve(), stamp)


def _download_fashion_mnist() -> tuple[dict[str, np.ndarray], str]:
    """Download the four files into the Keras cache with Keras' own downloader, and read them."""
    for spec in FASHION_FILES.values():
        path = keras_download(spec.name, FASHION_ORIGIN + spec.name, cache_subdir=FASHION_CACHE_SUBDIR)
    return read_fashion_folder(path.parent), f"{display_path(path.parent)} (downloaded now)"


def _holds_some(folder: Path) -> bool:
    """Whether a folder holds at least one of the four files (an empty or absent one is not a copy)."""
    return folder.is_dir() and len(_missing_files(folder)) < len(FASHION_FILES)


def _open(cand: Candidate) -> tuple[dict[str, np.ndarray], str]:
    """The arrays of one place, and its description."""
    return read_fashion_folder(cand.path), f"{display_path(cand.path)} ({cand.label})"


def find_fashion_mnist(
    data_dir: str | os.PathLike | None = None, download: bool = True
) -> tuple[dict[str, np.ndarray], str]:
    """Verified Fashion-MNIST arrays and a description of where they came from."""
    return find(
        "Fashion-MNIST",
        fashion_mnist_candidates(data_dir),
        _holds_some,
        _open,
        _download_fashion_mnist if download else None,
        "the four Fashion-MNIST files",
        HOW_TO_GET_FASHION,
    )


def load_fashion_mnist(
    data_dir: str | os.PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST exactly as keras.datasets.fashion_mnist.load_data() returns it."""
    arrays, _ = find_fashion_mnist(data_dir)
    return (arrays["train_images"], arrays["train_labels"]), (arrays["test_images"], arrays["test_labels"])


def fashion_mnist_source(data_dir: str | os.PathLike | None = None) -> str:
    """Where load_fashion_mnist(data_dir) takes its data from (verifying it on the way)."""
    return find_fashion_mnist(data_dir)[1]


def fashion_mnist_class_names() -> list[str]:
    """The ten Fashion-MNIST class names, indexed by label."""
    return list(FASHION_CLASS_NAMES)
