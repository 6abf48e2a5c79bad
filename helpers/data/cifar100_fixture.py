"""The course's CIFAR-100 fixture: small synthetic images in the exact CIFAR-100 archive format.

Notebook 09 runs on it where the real archive cannot be had. A manifest beside the archive
records the settings it was made with; the loader (cifar100) makes the archive again
from them and opens it only if it is identical, so a manifest alone vouches for nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import tarfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from matplotlib.colors import hsv_to_rgb

from helpers import paths
from helpers.checks import check_int
from helpers.data.cifar100_format import (
    CIFAR100_ARCHIVE,
    CIFAR100_COARSE_NAMES,
    CIFAR100_FINE_NAMES,
    CIFAR100_FINE_TO_COARSE,
    CIFAR100_SUPERCLASSES,
    COARSE_OF,
)
from helpers.data.errors import WrongFileError
from helpers.data.files import reading
from helpers.paths import display_path

FIXTURE_MANIFEST = "cifar-100-python.fixture.json"
# Bump when the generator's output changes: notebooks then make a fresh fixture in a new folder
# (data/cifar-100-fixture-v<N>/) instead of rejecting the old one, which is left alone.
# Version 2: colours from matplotlib's hsv_to_rgb (version 1 had its own conversion).
FIXTURE_VERSION = 2
FIXTURE_DEFAULTS = {"train_per_class": 30, "test_per_class": 10, "seed": 0}
FIXTURE_LIMITS = {"train_per_class": (1, 500), "test_per_class": (1, 100), "seed": (0, 2**32 - 1)}
MOVE_BOTH_ASIDE = "Move both files aside; notebook 09 makes a fresh fixture when it needs one."


def cifar100_fixture_dir() -> Path:
    """Where the notebooks keep the generated fixture: data/cifar-100-fixture-v<version>/ in the course folder."""
    return paths.PROJECT_ROOT / "data" / f"cifar-100-fixture-v{FIXTURE_VERSION}"


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
_FINE_MEMBER = tuple(CIFAR100_SUPERCLASSES[COARSE_OF[name]].index(name) for name in CIFAR100_FINE_NAMES)


def _colours(hue: np.ndarray, saturation: np.ndarray, value: np.ndarray) -> np.ndarray:
    """RGB colours in 0..255, shape (n, 3), from hue, saturation and value (each (n,), in [0, 1])."""
    return (hsv_to_rgb(np.stack([hue, saturation, value], axis=-1)) * 255).astype(np.float32)


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
    front = _colours(hue, rng.uniform(0.3, 1.0, n), rng.uniform(0.5, 1.0, n))
    back = _colours(rng.uniform(0, 1, n), np.full(n, 0.4), rng.uniform(0.05, 0.35, n))
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


def fixture_settings(train_per_class: object, test_per_class: object, seed: object) -> dict[str, int]:
    """The fixture's settings, checked against FIXTURE_LIMITS (a ValueError names a bad one)."""
    values = {"train_per_class": train_per_class, "test_per_class": test_per_class, "seed": seed}
    return {key: check_int(key, value, *FIXTURE_LIMITS[key]) for key, value in values.items()}


def fixture_archive(settings: dict[str, int]) -> bytes:
    """The fixture's compressed archive: the same bytes for the same settings."""
    return gzip.compress(_fixture_tar(**settings), compresslevel=9, mtime=0)


def _in_the_way(path: Path, payload: bytes) -> str | None:
    """Why path cannot become a file holding payload (a folder, other bytes), or None if it can."""
    if path.is_dir():
        return f"{display_path(path)} is a folder where the fixture's {path.name} should be"
    if path.exists() and path.read_bytes() != payload:
        return f"{display_path(path)} already exists and is not the file this fixture needs"
    return None


def _write_new_file(path: Path, payload: bytes) -> bool:
    """Create path with payload (True), or find it already holding exactly payload (False)."""
    if path.exists():
        return False  # _in_the_way has checked its bytes
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(payload)
    try:
        os.link(temporary, path)  # unlike a rename, a link never replaces a file that appeared meanwhile
    except FileExistsError:
        if path.read_bytes() != payload:
            raise WrongFileError(
                f"{display_path(path)} appeared while the fixture was written and is not the file it needs; it was "
                "left as it is. Give make_cifar100_fixture another folder, or move that file aside."
            ) from None
        return False
    finally:
        temporary.unlink()
    return True


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
    settings = fixture_settings(train_per_class, test_per_class, seed)
    folder = Path(data_dir)
    archive = fixture_archive(settings)
    manifest = {
        "made_by": f"helpers.data.make_cifar100_fixture, version {FIXTURE_VERSION}",
        "what": "synthetic images in the CIFAR-100 python format; NOT the CIFAR-100 data set",
        **settings,
        "train_images": 100 * settings["train_per_class"],
        "test_images": 100 * settings["test_per_class"],
        "sha256": hashlib.sha256(archive).hexdigest(),
    }
    # The manifest first: an archive never sits there without the manifest that vouches for it.
    files = [
        (folder / FIXTURE_MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode()),
        (folder / CIFAR100_ARCHIVE, archive),
    ]
    with reading(folder, "give make_cifar100_fixture another folder."):
        folder.mkdir(parents=True, exist_ok=True)
        blocked = [reason for path, payload in files if (reason := _in_the_way(path, payload))]
        if blocked:  # checked before writing anything, so a refusal leaves the folder as it was
            raise WrongFileError(
                f"{'; '.join(blocked)}. Nothing was written and the folder was left as it is. Give "
                "make_cifar100_fixture another folder, or move that file aside."
            )
        created = []
        try:
            for path, payload in files:
                if _write_new_file(path, payload):
                    created.append(path)
        except BaseException:
            for path in created:  # only what this call wrote: a manifest must not vouch for a foreign archive
                path.unlink()
            raise
    return folder / CIFAR100_ARCHIVE


def fixture_manifest(path: Path) -> dict:
    """A fixture manifest's settings and sha256, checked for the fields and ranges make_cifar100_fixture writes."""
    with reading(path, "let notebook 09 make a fresh fixture, which it does when it needs one."):
        text = path.read_text()
    try:
        manifest = json.loads(text)
        settings = fixture_settings(*(manifest[key] for key in ("train_per_class", "test_per_class", "seed")))
        digest = manifest["sha256"]
        if not (isinstance(digest, str) and len(digest) == 64):
            raise ValueError("sha256 is not a SHA-256 hex digest")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise WrongFileError(
            f"{display_path(path)} is not a fixture manifest as make_cifar100_fixture writes it "
            f"({type(exc).__name__}: {exc}). {MOVE_BOTH_ASIDE}"
        ) from exc
    return {**settings, "sha256": digest}
