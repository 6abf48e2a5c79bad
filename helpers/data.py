"""Find, verify and load the course's data sets without surprises.

Fashion-MNIST is looked for in a fixed order (see `fashion_mnist_candidates`).
Every file is checked by its IDX header and by the SHA-256 of its
decompressed bytes before a single image is used, and every problem is a
`DataError` that names the file, says what is wrong and how to fix it.
Nothing here ever deletes or overwrites a file that is already on disk.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import warnings
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from helpers.paths import PROJECT_ROOT, display_path

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


@dataclass(frozen=True)
class IdxFile:
    """What one Fashion-MNIST file must contain."""

    name: str
    magic: int  # 2049 for labels (1-D), 2051 for images (3-D)
    count: int
    sha256: str  # of the decompressed bytes: Debian recompresses the .gz files


FASHION_FILES = {
    "train_labels": IdxFile(
        "train-labels-idx1-ubyte.gz",
        2049,
        60_000,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    "train_images": IdxFile(
        "train-images-idx3-ubyte.gz",
        2051,
        60_000,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    "test_labels": IdxFile(
        "t10k-labels-idx1-ubyte.gz",
        2049,
        10_000,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    "test_images": IdxFile(
        "t10k-images-idx3-ubyte.gz",
        2051,
        10_000,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
}

HOW_TO_GET_FASHION = (
    "How to fix it, any one of:\n"
    "  - run `make data` in the course folder (downloads it, or installs the Debian package);\n"
    "  - on Debian/Ubuntu: `sudo apt-get install dataset-fashion-mnist` (works offline from a local mirror);\n"
    "  - put the four original .gz files in a folder and set COURSE_DATA_DIR to its parent\n"
    "    (the files go in $COURSE_DATA_DIR/fashion-mnist/)."
)


class DataError(Exception):
    """A data set could not be found or did not pass verification."""


class DataNotFoundError(DataError):
    """No usable copy of a data set exists where the course looks."""


class MissingFileError(DataError):
    """A folder that should hold the data set lacks some of its files."""


class CorruptFileError(DataError):
    """A file is not readable as what it claims to be (truncated, not gzip, too short)."""


class WrongFileError(DataError):
    """A file is readable but holds something else (swapped, other data set, edited)."""


class DataWarning(UserWarning):
    """A copy of the data was skipped in favour of another one."""


@dataclass(frozen=True)
class Candidate:
    """One place where Fashion-MNIST may be, and whether the user insisted on it."""

    path: Path
    label: str
    explicit: bool


def keras_cache_dir() -> Path:
    """Keras' cache folder, as keras.utils.get_file computes it (KERAS_HOME or ~/.keras)."""
    return Path(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")))


def fashion_mnist_candidates(data_dir: str | os.PathLike | None = None) -> list[Candidate]:
    """The places to look for Fashion-MNIST, in order; an explicit choice is the only one."""
    if data_dir is not None:
        return [Candidate(Path(data_dir), "data_dir argument", True)]
    if os.environ.get("COURSE_DATA_DIR"):
        root = Path(os.environ["COURSE_DATA_DIR"]) / "fashion-mnist"
        return [Candidate(root, "COURSE_DATA_DIR", True)]
    return [
        Candidate(PROJECT_ROOT / "data" / "fashion-mnist", "project data folder", False),
        Candidate(DEBIAN_FASHION_DIR, "Debian package dataset-fashion-mnist", False),
        Candidate(keras_cache_dir() / FASHION_CACHE_SUBDIR, "Keras cache", False),
    ]


def _decompress(path: Path) -> bytes:
    """The decompressed bytes of a .gz file, or a CorruptFileError that says why not."""
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read()
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise CorruptFileError(
            f"{display_path(path)} is not a valid gzip file ({exc}). "
            "It may be damaged or not a Fashion-MNIST file at all. "
            "Move it aside and fetch the data again (`make data`)."
        ) from exc
    except EOFError as exc:
        raise CorruptFileError(
            f"{display_path(path)} ends before its compressed data does: the file is truncated, "
            "probably by an interrupted download or copy. "
            "Move it aside and fetch the data again (`make data`)."
        ) from exc


def read_idx(path: Path, spec: IdxFile) -> np.ndarray:
    """Read one verified IDX file: labels as (n,), images as (n, 28, 28), both uint8."""
    raw = _decompress(path)
    where = display_path(path)
    header_size = 8 if spec.magic == 2049 else 16
    if len(raw) < header_size:
        raise CorruptFileError(
            f"{where} holds only {len(raw)} bytes after decompression, too few for an IDX header. "
            "Fetch the data again (`make data`)."
        )
    magic, count = struct.unpack(">II", raw[:8])
    if magic not in (2049, 2051):
        raise WrongFileError(
            f"{where} does not start with an IDX magic number (found {magic:#010x}). "
            "It is not a Fashion-MNIST file; replace it with the original "
            f"{spec.name} (`make data`)."
        )
    if magic != spec.magic:
        kind = {2049: "labels", 2051: "images"}
        raise WrongFileError(
            f"{where} holds {kind[magic]}, but {spec.name} must hold {kind[spec.magic]}: "
            "the files look swapped or renamed. Put the original files back under their own names."
        )
    if count != spec.count:
        raise WrongFileError(
            f"{where} holds {count:,} items, but {spec.name} must hold {spec.count:,}: "
            "training and test files look swapped, or this is another data set. "
            "Put the original files back under their own names (`make data` fetches them)."
        )
    item_size = 1
    if magic == 2051:
        rows, cols = struct.unpack(">II", raw[8:16])
        if (rows, cols) != (28, 28):
            raise WrongFileError(
                f"{where} holds {rows}x{cols} images; Fashion-MNIST images are 28x28. "
                "This is another data set; replace it with the original file (`make data`)."
            )
        item_size = 28 * 28
    expected = header_size + count * item_size
    if len(raw) != expected:
        raise CorruptFileError(
            f"{where} should decompress to {expected:,} bytes ({count:,} items) "
            f"but gives {len(raw):,}: the file is truncated or padded. "
            "Fetch the data again (`make data`)."
        )
    digest = hashlib.sha256(raw).hexdigest()
    if digest != spec.sha256:
        raise WrongFileError(
            f"{where} has the right shape but not the right content "
            f"(SHA-256 of the decompressed bytes is {digest[:16]}..., expected {spec.sha256[:16]}...). "
            "It may be MNIST digits or an edited copy. Replace it with the original file (`make data`)."
        )
    array = np.frombuffer(raw, np.uint8, offset=header_size)
    return array.reshape(count, 28, 28) if magic == 2051 else array


def _missing_files(folder: Path) -> list[str]:
    """Names of the Fashion-MNIST files absent from a folder."""
    return [f.name for f in FASHION_FILES.values() if not (folder / f.name).is_file()]


@lru_cache(maxsize=4)
def _read_folder(folder: Path, stamp: tuple) -> dict[str, np.ndarray]:
    """All four arrays of a folder; cached per folder and file sizes and times."""
    arrays = {key: read_idx(folder / spec.name, spec) for key, spec in FASHION_FILES.items()}
    for split in ("train", "test"):
        n_images, n_labels = len(arrays[f"{split}_images"]), len(arrays[f"{split}_labels"])
        if n_images != n_labels:  # cannot happen with verified files; kept as a guard
            raise WrongFileError(
                f"{display_path(folder)}: {n_images:,} {split} images but {n_labels:,} labels."
            )
    return arrays


def read_fashion_folder(folder: Path) -> dict[str, np.ndarray]:
    """Verify and read the four files of one folder, raising a DataError on any problem."""
    missing = _missing_files(folder)
    if missing:
        raise MissingFileError(
            f"{display_path(folder)} lacks {', '.join(missing)}. "
            f"The folder needs all four original files.\n{HOW_TO_GET_FASHION}"
        )
    stamp = tuple(
        (s.st_size, s.st_mtime_ns)
        for s in (os.stat(folder / f.name) for f in FASHION_FILES.values())
    )
    return _read_folder(folder.resolve(), stamp)


def _download_fashion_mnist() -> Path:
    """Download the four files into the Keras cache with Keras' own downloader."""
    import keras  # imported late: only a download needs it

    paths = [
        keras.utils.get_file(
            spec.name,
            origin=FASHION_ORIGIN + spec.name,
            cache_dir=str(keras_cache_dir()),
            cache_subdir=FASHION_CACHE_SUBDIR,
        )
        for spec in FASHION_FILES.values()
    ]
    return Path(paths[0]).parent


def find_fashion_mnist(
    data_dir: str | os.PathLike | None = None, download: bool = True
) -> tuple[dict[str, np.ndarray], str]:
    """Verified Fashion-MNIST arrays and a description of where they came from."""
    skipped = []
    candidates = fashion_mnist_candidates(data_dir)
    for cand in candidates:
        if cand.explicit:  # the user's choice: its errors are final, no other copy is tried
            if not cand.path.is_dir():
                raise DataNotFoundError(
                    f"{display_path(cand.path)} (from the {cand.label}) is not a folder. "
                    f"Create it with the four Fashion-MNIST files, or point it elsewhere.\n{HOW_TO_GET_FASHION}"
                )
            arrays = read_fashion_folder(cand.path)
            return arrays, f"{display_path(cand.path)} ({cand.label})"
        if not cand.path.exists() or len(_missing_files(cand.path)) == len(FASHION_FILES):
            continue
        try:
            arrays = read_fashion_folder(cand.path)
        except DataError as exc:
            skipped.append(f"{cand.label}: {exc}")
            warnings.warn(f"Skipping a bad copy of Fashion-MNIST. {exc}", DataWarning, stacklevel=2)
            continue
        return arrays, f"{display_path(cand.path)} ({cand.label})"

    looked = "\n".join(f"  - {display_path(c.path)} ({c.label})" for c in candidates)
    problems = "".join(f"\nSkipped {s}" for s in skipped)
    if download:
        # get_file fetches only the files that are absent and never replaces one that exists.
        try:
            folder = _download_fashion_mnist()
        except Exception as exc:  # Keras raises a bare Exception on a failed fetch
            raise DataNotFoundError(
                f"Fashion-MNIST is not on this machine and could not be downloaded ({exc}).\n"
                f"Looked in:\n{looked}{problems}\n{HOW_TO_GET_FASHION}"
            ) from exc
        return read_fashion_folder(folder), f"{display_path(folder)} (downloaded now)"
    raise DataNotFoundError(
        f"No usable copy of Fashion-MNIST was found.\nLooked in:\n{looked}{problems}\n{HOW_TO_GET_FASHION}"
    )


def load_fashion_mnist(
    data_dir: str | os.PathLike | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Fashion-MNIST exactly as keras.datasets.fashion_mnist.load_data() returns it."""
    arrays, _ = find_fashion_mnist(data_dir)
    return (
        (arrays["train_images"], arrays["train_labels"]),
        (arrays["test_images"], arrays["test_labels"]),
    )


def fashion_mnist_source(data_dir: str | os.PathLike | None = None) -> str:
    """Where load_fashion_mnist(data_dir) takes its data from (verifying it on the way)."""
    return find_fashion_mnist(data_dir)[1]


def fashion_mnist_class_names() -> list[str]:
    """The ten Fashion-MNIST class names, indexed by label."""
    return list(FASHION_CLASS_NAMES)
