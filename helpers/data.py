"""Find, verify and load the course's data sets without surprises.

Fashion-MNIST is looked for in a fixed order (see `fashion_mnist_candidates`).
Every file is checked by its IDX header and by the SHA-256 of its
decompressed bytes before a single image is used, and every problem is a
`DataError` that names the file, says what is wrong and how to fix it.
Nothing here ever deletes or overwrites a file that is already on disk.

CIFAR-100 (the capstone) comes as one archive of Python pickles; see the
CIFAR-100 section below for how it is verified before anything is unpickled,
and for the synthetic fixture that stands in for it where it cannot be had.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile
import textwrap
import warnings
import zlib
from dataclasses import dataclass, replace
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


# --------------------------------------------------------------------------------------
# CIFAR-100
#
# CIFAR-100 is published as one archive of Python pickles, and unpickling a file runs
# whatever code its author put in it. So nothing is unpickled before the archive is
# verified, and only two kinds of archive pass:
#   - the original cifar-100-python.tar.gz: its SHA-256 must be the one Keras pins;
#   - the course's own fixture, written by make_cifar100_fixture: a manifest beside it
#     records the settings it was made with, and the loader makes the fixture again
#     from those settings and compares. A manifest alone proves nothing (anyone can
#     write one); only an archive identical to the generator's output passes.
# Even a verified archive is read with an unpickler that refuses every global except
# the three that rebuild a numpy array (see _ArrayOnlyUnpickler).

# The 20 superclasses and their five classes each, as listed on the CIFAR-100 page.
# Label numbers are the alphabetical order of the names, as in the archive's meta file.
CIFAR100_SUPERCLASSES: dict[str, tuple[str, ...]] = {
    "aquatic_mammals": ("beaver", "dolphin", "otter", "seal", "whale"),
    "fish": ("aquarium_fish", "flatfish", "ray", "shark", "trout"),
    "flowers": ("orchid", "poppy", "rose", "sunflower", "tulip"),
    "food_containers": ("bottle", "bowl", "can", "cup", "plate"),
    "fruit_and_vegetables": ("apple", "mushroom", "orange", "pear", "sweet_pepper"),
    "household_electrical_devices": ("clock", "keyboard", "lamp", "telephone", "television"),
    "household_furniture": ("bed", "chair", "couch", "table", "wardrobe"),
    "insects": ("bee", "beetle", "butterfly", "caterpillar", "cockroach"),
    "large_carnivores": ("bear", "leopard", "lion", "tiger", "wolf"),
    "large_man-made_outdoor_things": ("bridge", "castle", "house", "road", "skyscraper"),
    "large_natural_outdoor_scenes": ("cloud", "forest", "mountain", "plain", "sea"),
    "large_omnivores_and_herbivores": ("camel", "cattle", "chimpanzee", "elephant", "kangaroo"),
    "medium_mammals": ("fox", "porcupine", "possum", "raccoon", "skunk"),
    "non-insect_invertebrates": ("crab", "lobster", "snail", "spider", "worm"),
    "people": ("baby", "boy", "girl", "man", "woman"),
    "reptiles": ("crocodile", "dinosaur", "lizard", "snake", "turtle"),
    "small_mammals": ("hamster", "mouse", "rabbit", "shrew", "squirrel"),
    "trees": ("maple_tree", "oak_tree", "palm_tree", "pine_tree", "willow_tree"),
    "vehicles_1": ("bicycle", "bus", "motorcycle", "pickup_truck", "train"),
    "vehicles_2": ("lawn_mower", "rocket", "streetcar", "tank", "tractor"),
}
CIFAR100_COARSE_NAMES = tuple(sorted(CIFAR100_SUPERCLASSES))
CIFAR100_FINE_NAMES = tuple(sorted(name for members in CIFAR100_SUPERCLASSES.values() for name in members))
_COARSE_OF = {fine: coarse for coarse, members in CIFAR100_SUPERCLASSES.items() for fine in members}
CIFAR100_FINE_TO_COARSE = tuple(CIFAR100_COARSE_NAMES.index(_COARSE_OF[name]) for name in CIFAR100_FINE_NAMES)

# The original archive, where keras.datasets.cifar100.load_data() downloads it from,
# and the SHA-256 that Keras checks it against.
CIFAR100_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
CIFAR100_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
CIFAR100_ARCHIVE = "cifar-100-python.tar.gz"  # its published name
# Keras 3 keeps the download as <datasets>/cifar-100-python-target_archive (and extracts it
# next to it); older tf.keras kept it under its published name. Both are recognised.
CIFAR100_KERAS_NAME = "cifar-100-python-target"
CIFAR100_ARCHIVE_NAMES = (CIFAR100_ARCHIVE, f"{CIFAR100_KERAS_NAME}_archive")
CIFAR100_MEMBERS = ("meta", "train", "test")  # inside the archive's cifar-100-python/ folder
FIXTURE_MANIFEST = "cifar-100-python.fixture.json"
# Bump when the generator's output changes: notebooks then make a fresh fixture in a new folder
# (data/cifar-100-fixture-v<N>/) instead of rejecting the old one, which is left alone.
FIXTURE_VERSION = 1
FIXTURE_DEFAULTS = {"train_per_class": 30, "test_per_class": 10, "seed": 0}
FIXTURE_LIMITS = {"train_per_class": (1, 500), "test_per_class": (1, 100), "seed": (0, 2**32 - 1)}

HOW_TO_GET_CIFAR100 = (
    "How to fix it, any one of:\n"
    "  - run `make data` where the internet is reachable (Keras downloads the archive into its cache);\n"
    f"  - copy the original {CIFAR100_ARCHIVE} into data/cifar-100/ in the course folder,\n"
    "    or into $COURSE_DATA_DIR/cifar-100/;\n"
    "  - without it, notebook 09 runs on the course's generated fixture (not CIFAR-100) and says so."
)


class UnverifiedFileError(WrongFileError):
    """A file matches no copy the course knows, so it is not opened (it may hold pickles)."""


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
    return list(CIFAR100_FINE_NAMES)


def cifar100_coarse_names() -> list[str]:
    """The 20 CIFAR-100 superclass names, indexed by coarse label."""
    return list(CIFAR100_COARSE_NAMES)


def cifar100_fine_to_coarse() -> np.ndarray:
    """The superclass (coarse label) of each of the 100 classes: an int64 array of shape (100,)."""
    return np.array(CIFAR100_FINE_TO_COARSE, dtype=np.int64)


def cifar100_fixture_dir() -> Path:
    """Where the notebooks keep the generated fixture: data/cifar-100-fixture-v<version>/ in the course folder."""
    return PROJECT_ROOT / "data" / f"cifar-100-fixture-v{FIXTURE_VERSION}"


def cifar100_candidates(data_dir: str | os.PathLike | None = None) -> list[Candidate]:
    """The places to look for the CIFAR-100 archive, in order; an explicit choice is the only one."""
    if data_dir is not None:
        return [Candidate(Path(data_dir), "data_dir argument", True)]
    if os.environ.get("COURSE_DATA_DIR"):
        return [Candidate(Path(os.environ["COURSE_DATA_DIR"]) / "cifar-100", "COURSE_DATA_DIR", True)]
    return [
        Candidate(PROJECT_ROOT / "data" / "cifar-100", "project data folder", False),
        Candidate(keras_cache_dir() / "datasets", "Keras cache", False),
    ]


# --- Unpickling: only plain data and numpy arrays ----------------------------------------

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
            f"A real CIFAR-100 file never does. Move the archive aside and fetch the original.\n{HOW_TO_GET_CIFAR100}"
        ) from exc
    except Exception as exc:  # truncated or garbled pickles raise EOFError, ValueError, TypeError...
        raise CorruptFileError(
            f"{where} is not a readable pickle ({type(exc).__name__}: {exc}). "
            f"Move the archive aside and fetch it again.\n{HOW_TO_GET_CIFAR100}"
        ) from exc
    if not isinstance(obj, dict):
        raise WrongFileError(f"{where} holds a {type(obj).__name__}, not the dict of a CIFAR-100 file.")
    return obj


# --- The fixture: synthetic images in the exact CIFAR-100 format -------------------------

# Each superclass is drawn as one shape; its five classes differ by colour. The shapes
# stay themselves under a left-right flip, so flip augmentation keeps every label valid.
# Each function gets offsets from the shape's centre (dy, dx) and the radius r, in pixels.
_FIXTURE_SHAPES = (
    ("disk", lambda dy, dx, r: r < 9),
    ("square", lambda dy, dx, r: np.maximum(abs(dx), abs(dy)) < 8),
    ("ring", lambda dy, dx, r: abs(r - 9) < 2.5),
    ("plus", lambda dy, dx, r: ((abs(dx) < 2.5) & (abs(dy) < 10)) | ((abs(dy) < 2.5) & (abs(dx) < 10))),
    ("diagonal cross", lambda dy, dx, r: ((abs(dx - dy) < 3) | (abs(dx + dy) < 3)) & (np.hypot(dx, dy) < 12)),
    ("horizontal stripes", lambda dy, dx, r: np.sin(dy * np.pi / 4) > 0),
    ("vertical stripes", lambda dy, dx, r: np.sin(dx * np.pi / 4) > 0),
    ("checkerboard", lambda dy, dx, r: (np.floor(dx / 5) + np.floor(dy / 5)) % 2 == 0),
    ("triangle", lambda dy, dx, r: (dy > -9) & (dy < 7) & (abs(dx) < (dy + 9) * 0.6)),
    ("upside-down triangle", lambda dy, dx, r: (dy < 9) & (dy > -7) & (abs(dx) < (9 - dy) * 0.6)),
    ("diamond", lambda dy, dx, r: abs(dx) + abs(dy) < 10),
    ("horizontal bar", lambda dy, dx, r: (abs(dy) < 3) & (abs(dx) < 12)),
    ("vertical bar", lambda dy, dx, r: (abs(dx) < 3) & (abs(dy) < 12)),
    ("two dots", lambda dy, dx, r: np.hypot(dy, abs(dx) - 7) < 4),
    ("frame", lambda dy, dx, r: (np.maximum(abs(dx), abs(dy)) >= 6) & (np.maximum(abs(dx), abs(dy)) < 10)),
    ("light top half", lambda dy, dx, r: dy < 0),
    ("target", lambda dy, dx, r: np.sin(r * np.pi / 3) > 0),
    ("dot grid", lambda dy, dx, r: np.hypot(dy % 8 - 4, dx % 8 - 4) < 2.5),
    ("light bottom half", lambda dy, dx, r: dy > 0),
    ("small disk", lambda dy, dx, r: r < 4.5),
)
# Position of each class within its superclass (0..4): it picks the class's colour.
_FINE_MEMBER = tuple(CIFAR100_SUPERCLASSES[_COARSE_OF[name]].index(name) for name in CIFAR100_FINE_NAMES)


def fixture_shape_names() -> list[str]:
    """The shape that stands for each superclass in the fixture, indexed by coarse label."""
    return [name for name, _ in _FIXTURE_SHAPES]


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Colours from hue, saturation and value (each of shape (n,), in [0, 1]) as RGB of shape (n, 3)."""
    sector = np.floor(h * 6).astype(int) % 6
    f = h * 6 - np.floor(h * 6)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    sectors = ((v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q))
    options = np.stack([np.stack(rgb, axis=-1) for rgb in sectors])
    return options[sector, np.arange(len(h))]


def _fixture_images(fine: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Synthetic 32x32 RGB images for the given fine labels: a jittered shape and colour on a dark background."""
    n = len(fine)
    coarse = np.asarray(CIFAR100_FINE_TO_COARSE)[fine]
    member = np.asarray(_FINE_MEMBER)[fine]
    cy, cx = 15.5 + rng.uniform(-5, 5, size=(2, n, 1, 1)).astype(np.float32)
    scale = rng.uniform(0.7, 1.3, size=(n, 1, 1)).astype(np.float32)
    grid = np.arange(32, dtype=np.float32)
    dy = np.broadcast_to((grid[None, :, None] - cy) / scale, (n, 32, 32))
    dx = np.broadcast_to((grid[None, None, :] - cx) / scale, (n, 32, 32))
    mask = np.zeros((n, 32, 32), dtype=np.float32)
    for k, (_, draw) in enumerate(_FIXTURE_SHAPES):
        rows = np.flatnonzero(coarse == k)
        mask[rows] = draw(dy[rows], dx[rows], np.hypot(dy[rows], dx[rows]))
    # Five hues per superclass, shifted a little from one superclass to the next. The jitter and the
    # pale (low saturation) colours make neighbouring hues overlap: classes get confused within a superclass.
    hue = (member / 5 + coarse * 0.011 + rng.normal(0, 0.05, n)) % 1.0
    front = (_hsv_to_rgb(hue, rng.uniform(0.3, 1.0, n), rng.uniform(0.5, 1.0, n)) * 255).astype(np.float32)
    back = (_hsv_to_rgb(rng.uniform(0, 1, n), np.full(n, 0.4), rng.uniform(0.05, 0.35, n)) * 255).astype(np.float32)
    images = back[:, None, None, :] + mask[..., None] * (front - back)[:, None, None, :]
    images += 20 * rng.standard_normal(size=images.shape, dtype=np.float32)
    return np.clip(images + 0.5, 0, 255, out=images).astype(np.uint8)  # + 0.5, then truncation: rounding


def _fixture_split(per_class: int, rng: np.random.Generator, split: str) -> dict:
    """One split as the dict a CIFAR-100 file holds: shuffled classes, images as rows of 3072 bytes."""
    fine = rng.permutation(np.repeat(np.arange(100), per_class))
    images = _fixture_images(fine, rng)
    return {
        b"filenames": [f"fixture_{CIFAR100_FINE_NAMES[k]}_{i:05d}.png".encode() for i, k in enumerate(fine)],
        b"batch_label": b"training batch 1 of 1" if split == "train" else b"testing batch 1 of 1",
        b"fine_labels": [int(k) for k in fine],
        b"coarse_labels": [CIFAR100_FINE_TO_COARSE[k] for k in fine],
        # CIFAR stores each image as 1024 red, then 1024 green, then 1024 blue bytes.
        b"data": np.ascontiguousarray(images.transpose(0, 3, 1, 2).reshape(len(fine), 3072)),
    }


@lru_cache(maxsize=2)
def _fixture_tar(train_per_class: int, test_per_class: int, seed: int) -> bytes:
    """The fixture's uncompressed tar: the same bytes for the same settings (fixed seeds, times and owners)."""
    meta = {
        b"fine_label_names": [name.encode() for name in CIFAR100_FINE_NAMES],
        b"coarse_label_names": [name.encode() for name in CIFAR100_COARSE_NAMES],
    }
    splits = {
        "train": _fixture_split(train_per_class, np.random.default_rng([seed, 0]), "train"),
        "test": _fixture_split(test_per_class, np.random.default_rng([seed, 1]), "test"),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        folder = tarfile.TarInfo("cifar-100-python")
        folder.type, folder.mode, folder.mtime = tarfile.DIRTYPE, 0o755, 0
        tar.addfile(folder)
        # Protocol 4 stores bytes natively, so Keras' own restricted reader can load it too.
        for name, obj in (("meta", meta), ("train", splits["train"]), ("test", splits["test"])):
            payload = pickle.dumps(obj, protocol=4)
            info = tarfile.TarInfo(f"cifar-100-python/{name}")
            info.size, info.mode, info.mtime = len(payload), 0o644, 0
            tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def _fixture_settings(train_per_class: object, test_per_class: object, seed: object) -> dict[str, int]:
    """The fixture's settings, checked against FIXTURE_LIMITS (a ValueError names a bad one)."""
    from helpers.profiles import check_int

    values = {"train_per_class": train_per_class, "test_per_class": test_per_class, "seed": seed}
    return {key: check_int(key, value, *FIXTURE_LIMITS[key]) for key, value in values.items()}


def _write_new_file(path: Path, payload: bytes) -> None:
    """Create path with payload; an existing file is kept, and must already hold exactly payload."""
    in_the_way = WrongFileError(
        f"{display_path(path)} already exists and is not the file this fixture needs; it was left as it is. "
        "Give make_cifar100_fixture another folder, or move that file aside."
    )
    if path.exists():
        if path.read_bytes() != payload:
            raise in_the_way
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(payload)
    try:
        os.link(temporary, path)  # unlike a rename, a link never replaces a file that appeared meanwhile
    except FileExistsError:
        if path.read_bytes() != payload:
            raise in_the_way from None
    finally:
        temporary.unlink()


def make_cifar100_fixture(
    data_dir: str | os.PathLike,
    train_per_class: int = FIXTURE_DEFAULTS["train_per_class"],
    test_per_class: int = FIXTURE_DEFAULTS["test_per_class"],
    seed: int = FIXTURE_DEFAULTS["seed"],
) -> Path:
    """Write a small synthetic archive in the exact CIFAR-100 format (and its manifest) into data_dir.

    The archive is cifar-100-python.tar.gz with the original's three pickled dicts
    (meta, train, test: same keys, the real 100 class and 20 superclass names) holding
    `100 * train_per_class` training and `100 * test_per_class` test images: a shape per
    superclass, a colour per class, jittered in place, size, hue and noise. The manifest
    cifar-100-python.fixture.json records the settings; the loader makes the archive again
    from them and opens it only if it is identical. Existing files are never replaced:
    calling this again with the same settings is a no-op. Returns the archive's path.
    """
    settings = _fixture_settings(train_per_class, test_per_class, seed)
    folder = Path(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    archive = gzip.compress(_fixture_tar(**settings), compresslevel=9, mtime=0)
    manifest = {
        "made_by": f"helpers.data.make_cifar100_fixture, version {FIXTURE_VERSION}",
        "what": "synthetic images in the CIFAR-100 python format; NOT the CIFAR-100 data set",
        **settings,
        "train_images": 100 * settings["train_per_class"],
        "test_images": 100 * settings["test_per_class"],
        "sha256": hashlib.sha256(archive).hexdigest(),
    }
    # The manifest first: an archive never sits there without the manifest that vouches for it.
    _write_new_file(folder / FIXTURE_MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode())
    _write_new_file(folder / CIFAR100_ARCHIVE, archive)
    return folder / CIFAR100_ARCHIVE


# --- Verifying and reading an archive ----------------------------------------------------


def _fixture_manifest(path: Path) -> dict:
    """A fixture manifest's contents, checked for the fields and ranges make_cifar100_fixture writes."""
    where = display_path(path)
    try:
        manifest = json.loads(path.read_text())
        settings = _fixture_settings(*(manifest[key] for key in ("train_per_class", "test_per_class", "seed")))
        digest = manifest["sha256"]
        if not (isinstance(digest, str) and len(digest) == 64):
            raise ValueError("sha256 is not a SHA-256 hex digest")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise WrongFileError(
            f"{where} is not a fixture manifest as make_cifar100_fixture writes it ({type(exc).__name__}: {exc}). "
            "Move it and the archive beside it aside; notebook 09 makes a fresh fixture when it needs one."
        ) from exc
    return {**settings, "sha256": digest}


def _verified_tar(archive: Path, raw: bytes) -> tuple[bytes, dict | None]:
    """The uncompressed tar of a verified archive, and its fixture settings (None for the original).

    Raises UnverifiedFileError for an archive that is neither the original nor the course's fixture.
    """
    where = display_path(archive)
    digest = hashlib.sha256(raw).hexdigest()
    manifest_path = archive.parent / FIXTURE_MANIFEST
    if digest != CIFAR100_SHA256 and not manifest_path.is_file():
        raise UnverifiedFileError(
            f"{where} is not the CIFAR-100 archive that Keras pins (its SHA-256 is {digest[:16]}..., the "
            f"original's is {CIFAR100_SHA256[:16]}...), and no fixture manifest ({FIXTURE_MANIFEST}) sits beside it. "
            "It is truncated, repacked or another file. The archive holds Python pickles, which can run code "
            "when opened, so the course never opens one it cannot verify. Move it aside and fetch the original."
            f"\n{HOW_TO_GET_CIFAR100}"
        )
    settings = None if digest == CIFAR100_SHA256 else _fixture_manifest(manifest_path)
    if settings is not None and settings.pop("sha256") != digest:
        raise CorruptFileError(
            f"{where} has changed since make_cifar100_fixture wrote it: its SHA-256 ({digest[:16]}...) is not the "
            f"one its manifest {display_path(manifest_path)} records. It is truncated or edited. Move both files "
            "aside; notebook 09 makes a fresh fixture when it needs one."
        )
    try:
        tar_bytes = gzip.decompress(raw)
    except (gzip.BadGzipFile, zlib.error, EOFError) as exc:
        raise CorruptFileError(
            f"{where} is not a valid gzip file ({exc}). Move it aside.\n{HOW_TO_GET_CIFAR100}"
        ) from exc
    if settings is not None and tar_bytes != _fixture_tar(**settings):
        raise UnverifiedFileError(
            f"{where} and its manifest claim to be the course's fixture (settings {settings}), but the archive "
            "is not what make_cifar100_fixture makes with those settings, so it was not opened. It was edited "
            "together with its manifest, or made by another version of the course. Move both files aside; "
            "notebook 09 makes a fresh fixture when it needs one."
        )
    return tar_bytes, settings


def _tar_members(archive: Path, tar_bytes: bytes) -> dict[str, bytes]:
    """The meta, train and test files inside a (verified) archive."""
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
        payloads = {}
        for member in CIFAR100_MEMBERS:
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
    for key, expected in ((b"fine_label_names", CIFAR100_FINE_NAMES), (b"coarse_label_names", CIFAR100_COARSE_NAMES)):
        names = tuple(n.decode() if isinstance(n, bytes) else n for n in meta.get(key, []))
        if names != expected:
            raise WrongFileError(f"{where}: the meta file's {key.decode()} are not CIFAR-100's {len(expected)} names.")
    mapping = np.asarray(CIFAR100_FINE_TO_COARSE)
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
    raw = archive.read_bytes()  # hashed and read from the same bytes: nothing can swap the file in between
    tar_bytes, settings = _verified_tar(archive, raw)
    return _cifar100_arrays(archive, _tar_members(archive, tar_bytes)), settings is not None


def read_cifar100_archive(archive: str | os.PathLike) -> tuple[dict[str, np.ndarray], bool]:
    """Arrays (x_train, y_train_fine, ...) of a verified archive and whether it is the fixture; DataError if not."""
    archive = Path(archive).resolve()
    manifest = archive.parent / FIXTURE_MANIFEST
    stamp = tuple((s.st_size, s.st_mtime_ns) for s in (os.stat(p) for p in (archive, manifest) if p.exists()))
    return _read_cifar100(archive, stamp)


def _archive_in(folder: Path) -> Path | None:
    """The CIFAR-100 archive in a folder, under either of its known names, or None."""
    return next((folder / name for name in CIFAR100_ARCHIVE_NAMES if (folder / name).is_file()), None)


def _copy_of(archive: Path, label: str) -> Cifar100Copy:
    """Verify and read an archive, and describe it."""
    arrays, is_fixture = read_cifar100_archive(archive)
    return Cifar100Copy(archive, label, is_fixture, len(arrays["x_train"]), len(arrays["x_test"]))


def _download_cifar100() -> Path:
    """Download the archive into the Keras cache exactly as keras.datasets.cifar100.load_data() does."""
    import keras  # imported late: only a download needs it

    keras.utils.get_file(
        fname=CIFAR100_KERAS_NAME,
        origin=CIFAR100_ORIGIN,
        extract=True,
        file_hash=CIFAR100_SHA256,
        cache_dir=str(keras_cache_dir()),
    )
    return keras_cache_dir() / "datasets" / f"{CIFAR100_KERAS_NAME}_archive"


def find_cifar100(data_dir: str | os.PathLike | None = None, download: bool = True) -> Cifar100Copy:
    """The first verified CIFAR-100 archive in the search order, downloaded by Keras if there is none."""
    skipped = []
    candidates = cifar100_candidates(data_dir)
    for cand in candidates:
        where = display_path(cand.path)
        if cand.explicit:  # the user's choice: its errors are final, no other copy is tried
            if not cand.path.is_dir():
                raise DataNotFoundError(
                    f"{where} (from the {cand.label}) is not a folder. Create it with {CIFAR100_ARCHIVE} "
                    f"in it, or point it elsewhere.\n{HOW_TO_GET_CIFAR100}"
                )
            archive = _archive_in(cand.path)
            if archive is None:
                extracted = " It holds extracted files, but only the archive can be verified." if (
                    cand.path / "cifar-100-python"
                ).is_dir() else ""
                raise MissingFileError(
                    f"{where} (from the {cand.label}) has no {CIFAR100_ARCHIVE}.{extracted}\n{HOW_TO_GET_CIFAR100}"
                )
            return _copy_of(archive, cand.label)
        archive = _archive_in(cand.path) if cand.path.is_dir() else None
        if archive is None:
            continue
        try:
            return _copy_of(archive, cand.label)
        except DataError as exc:
            skipped.append(f"{cand.label}: {exc}")
            warnings.warn(f"Skipping a bad copy of CIFAR-100. {exc}", DataWarning, stacklevel=2)

    looked = "\n".join(f"  - {display_path(c.path)} ({c.label})" for c in candidates)
    problems = "".join(f"\nSkipped {s}" for s in skipped)
    target = keras_cache_dir() / "datasets" / f"{CIFAR100_KERAS_NAME}_archive"
    if download and not target.exists():  # Keras would download over a bad copy: that one stays
        try:
            archive = _download_cifar100()
        except Exception as exc:  # Keras raises a bare Exception on a failed fetch
            raise DataNotFoundError(
                f"CIFAR-100 is not on this machine and could not be downloaded ({str(exc).splitlines()[0]}).\n"
                f"Looked in:\n{looked}{problems}\n{HOW_TO_GET_CIFAR100}"
            ) from exc
        return _copy_of(archive, "downloaded now")
    raise DataNotFoundError(
        f"No usable copy of CIFAR-100 was found.\nLooked in:\n{looked}{problems}\n{HOW_TO_GET_CIFAR100}"
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
    folder = cifar100_fixture_dir()
    if not (folder / CIFAR100_ARCHIVE).is_file():
        make_cifar100_fixture(folder, **FIXTURE_DEFAULTS)
    return replace(_copy_of(folder / CIFAR100_ARCHIVE, "course fixture"), note=note)


# --- ResNet50's ImageNet weights ---------------------------------------------------------

# The file keras.applications.ResNet50(weights="imagenet", include_top=False) loads, and its MD5 pin.
RESNET50_WEIGHTS_FILE = "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5"
RESNET50_WEIGHTS_ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/" + RESNET50_WEIGHTS_FILE
RESNET50_WEIGHTS_MD5 = "4d473c1dd8becc155b73f8504c6f6626"


@dataclass(frozen=True)
class ResNet50Weights:
    """ResNet50's starting weights: a verified ImageNet file, or None for random ones, and why."""

    path: Path | None
    note: str

    @property
    def argument(self) -> str | None:
        """The value for keras.applications.ResNet50(weights=...)."""
        return None if self.path is None else str(self.path)

    @property
    def kind(self) -> str:
        """For results rows: "imagenet" or "random"."""
        return "random" if self.path is None else "imagenet"


def resnet50_weights(profile: str, download: bool = True) -> ResNet50Weights:
    """ImageNet weights for ResNet50 from the Keras cache (downloaded if absent), or random ones, and why.

    The smoke profile always uses random weights, so CI never downloads 95 MB. A cached file
    that fails Keras' checksum is left alone (Keras would download over it) and not used.
    """
    if profile == "smoke":
        return ResNet50Weights(None, "the smoke profile always starts from random weights")
    target = keras_cache_dir() / "models" / RESNET50_WEIGHTS_FILE
    if target.is_file():
        if hashlib.md5(target.read_bytes()).hexdigest() == RESNET50_WEIGHTS_MD5:
            return ResNet50Weights(target, f"ImageNet weights from {display_path(target)} (Keras cache)")
        return ResNet50Weights(
            None,
            f"{display_path(target)} is not the weights file Keras publishes (its MD5 differs). It was left "
            "as it is; move it aside and run `make data` where the internet is reachable.",
        )
    if not download:
        return ResNet50Weights(None, f"the ImageNet weights are not in the Keras cache ({display_path(target)})")
    import keras  # imported late: only a download needs it

    try:
        path = keras.utils.get_file(
            RESNET50_WEIGHTS_FILE,
            RESNET50_WEIGHTS_ORIGIN,
            cache_subdir="models",
            file_hash=RESNET50_WEIGHTS_MD5,
            cache_dir=str(keras_cache_dir()),
        )
    except Exception as exc:  # Keras raises a bare Exception on a failed fetch
        return ResNet50Weights(
            None,
            "the ImageNet weights are not in the Keras cache and could not be downloaded "
            f"({str(exc).splitlines()[0]})",
        )
    return ResNet50Weights(Path(path), "ImageNet weights, downloaded now into the Keras cache")


def cifar100_banner(copy: Cifar100Copy, weights: ResNet50Weights) -> str:
    """What the numbers of a capstone run are worth: a loud warning unless both data and weights are real."""
    if not copy.is_fixture and weights.path is not None:
        return f"Real CIFAR-100 and ImageNet weights: the numbers below are real results.\n({weights.note})"
    problems = []
    if copy.is_fixture:
        problems.append(
            f"DATA: the course's synthetic FIXTURE, NOT CIFAR-100: {copy.n_train:,} training and {copy.n_test:,} "
            "test images of coloured shapes that carry the 100 CIFAR-100 class names. "
            f"Why: {copy.note.rstrip('.')}."
        )
    if weights.path is None:
        problems.append(
            "WEIGHTS: ResNet50 starts from RANDOM weights, not ImageNet's, so every transfer-learning number "
            f"below is meaningless as a measure of transfer. Why: {weights.note.rstrip('.')}."
        )
    problems.append(
        "For real results, run `make data` where the internet is reachable, then run this notebook "
        "again (README: 'Notebook 09 with the real data')."
    )
    bar = "!" * 78
    body = [
        line for text in problems for line in textwrap.wrap(text, 74, initial_indent="!! ", subsequent_indent="!!    ")
    ]
    return "\n".join([bar, "!! THESE ARE NOT CIFAR-100 TRANSFER-LEARNING RESULTS", *body, bar])
