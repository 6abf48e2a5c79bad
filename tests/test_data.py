"""The Fashion-MNIST loader: same arrays as Keras, and a clear DataError for every bad file."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import signal
import struct
from pathlib import Path

import numpy as np
import pytest

from helpers import data, paths
from helpers.data import errors, fashion_mnist


def snapshot(folder: Path) -> dict[str, str]:
    """Hash of every file in a folder, to prove that a failed load changed nothing."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def rewrite_gz(path: Path, raw: bytes) -> None:
    """Replace a test copy's content with raw bytes, gzip-compressed."""
    path.write_bytes(gzip.compress(raw))


def raw_of(path: Path) -> bytes:
    with gzip.open(path, "rb") as fh:
        return fh.read()


def test_loader_returns_what_keras_returns(monkeypatch, real_fashion_dir):
    # Keras' own reader, with its downloader pointed at the same four files.
    from keras.src.datasets import fashion_mnist as keras_reader

    monkeypatch.setattr(keras_reader, "get_file", lambda fname, **kwargs: str(real_fashion_dir / fname))
    import keras

    theirs = keras.datasets.fashion_mnist.load_data()
    ours = data.load_fashion_mnist(real_fashion_dir)
    for (x_ours, y_ours), (x_theirs, y_theirs) in zip(ours, theirs, strict=True):
        assert x_ours.shape == x_theirs.shape and x_ours.dtype == x_theirs.dtype == np.uint8
        assert y_ours.shape == y_theirs.shape and y_ours.dtype == y_theirs.dtype == np.uint8
        np.testing.assert_array_equal(x_ours, x_theirs)
        np.testing.assert_array_equal(y_ours, y_theirs)
    assert ours[0][0].shape == (60_000, 28, 28) and ours[1][1].shape == (10_000,)


def test_class_names_are_the_ten_fashion_classes():
    names = data.fashion_mnist_class_names()
    assert len(names) == 10
    assert names[0] == "T-shirt/top" and names[6] == "Shirt" and names[9] == "Ankle boot"


def test_the_source_names_the_copy_used(fashion_copy):
    assert fashion_mnist.fashion_mnist_source(fashion_copy).endswith("(data_dir argument)")


# Each way a file can be bad, the error class it must raise, and words its message must hold.
def truncate_gz(folder):
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path.name


def not_gzip(folder):
    path = folder / "t10k-labels-idx1-ubyte.gz"
    path.write_text("<html>404 Not Found</html>")
    return path.name


def swap_train_and_test_images(folder):
    a, b = folder / "train-images-idx3-ubyte.gz", folder / "t10k-images-idx3-ubyte.gz"
    tmp = folder / "swap.tmp"
    a.rename(tmp), b.rename(a), tmp.rename(b)
    return "train-images-idx3-ubyte.gz"  # checked first of the two, in FASHION_FILES order


def labels_in_place_of_images(folder):
    shutil.copyfile(folder / "t10k-labels-idx1-ubyte.gz", folder / "t10k-images-idx3-ubyte.gz")
    return "t10k-images-idx3-ubyte.gz"


def edited_pixel(folder):
    path = folder / "t10k-images-idx3-ubyte.gz"
    raw = bytearray(raw_of(path))
    raw[1000] ^= 0xFF
    rewrite_gz(path, bytes(raw))
    return path.name


def other_image_size(folder):
    path = folder / "t10k-images-idx3-ubyte.gz"
    rewrite_gz(path, struct.pack(">IIII", 2051, 10_000, 32, 32) + bytes(10_000 * 32 * 32))
    return path.name


def short_content(folder):
    path = folder / "train-labels-idx1-ubyte.gz"
    rewrite_gz(path, raw_of(path)[:-100])
    return path.name


def bad_magic(folder):
    path = folder / "train-labels-idx1-ubyte.gz"
    rewrite_gz(path, b"\x89PNG\r\n\x1a\n" + raw_of(path)[8:])
    return path.name


def missing_file(folder):
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    return "t10k-labels-idx1-ubyte.gz"


BAD_FILES = [
    (truncate_gz, errors.CorruptFileError, "truncated"),
    (not_gzip, errors.CorruptFileError, "not a valid gzip"),
    (swap_train_and_test_images, errors.WrongFileError, "swapped"),
    (labels_in_place_of_images, errors.WrongFileError, "holds labels"),
    (edited_pixel, errors.WrongFileError, "SHA-256"),
    (other_image_size, errors.WrongFileError, "32x32"),
    (short_content, errors.CorruptFileError, "truncated or padded"),
    (bad_magic, errors.WrongFileError, "magic number"),
    (missing_file, errors.MissingFileError, "lacks"),
]


@pytest.mark.parametrize("damage, error, words", BAD_FILES, ids=[f[0].__name__ for f in BAD_FILES])
def test_each_bad_file_gives_its_own_clear_error(fashion_copy, damage, error, words):
    bad_name = damage(fashion_copy)
    before = snapshot(fashion_copy)
    with pytest.raises(error) as info:
        data.load_fashion_mnist(fashion_copy)
    message = str(info.value)
    assert isinstance(info.value, data.DataError)
    assert bad_name in message, message
    assert words in message, message
    assert "make data" in message or "original" in message, message  # says how to fix it
    assert snapshot(fashion_copy) == before  # nothing deleted or rewritten


def test_an_explicit_folder_is_never_swapped_for_another_copy(fashion_copy, monkeypatch):
    truncate_gz(fashion_copy)
    with pytest.raises(errors.CorruptFileError):
        data.load_fashion_mnist(fashion_copy)
    monkeypatch.setenv("COURSE_DATA_DIR", str(fashion_copy.parent))
    with pytest.raises(errors.CorruptFileError):
        data.load_fashion_mnist()


def test_an_explicit_folder_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(data.DataNotFoundError, match="is not a folder"):
        data.load_fashion_mnist(tmp_path / "nowhere")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(data.DataNotFoundError, match="from the COURSE_DATA_DIR"):
        data.load_fashion_mnist()


def test_course_data_dir_is_used(fashion_copy, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(fashion_copy.parent))
    assert fashion_mnist.fashion_mnist_source() == f"{paths.display_path(fashion_copy)} (COURSE_DATA_DIR)"


def test_a_bad_project_copy_is_skipped_loudly(fashion_copy, monkeypatch, tmp_path, real_fashion_dir):
    project = tmp_path / "course"
    (project / "data").mkdir(parents=True)
    shutil.copytree(fashion_copy, project / "data" / "fashion-mnist")
    not_gzip(project / "data" / "fashion-mnist")
    monkeypatch.setattr(paths, "PROJECT_ROOT", project)
    monkeypatch.setattr(fashion_mnist, "DEBIAN_FASHION_DIR", fashion_copy)  # the good copy, next in line
    with pytest.warns(data.DataWarning, match="t10k-labels-idx1-ubyte.gz"):
        arrays, source = data.find_fashion_mnist()
    assert source.endswith("(Debian package dataset-fashion-mnist)")
    assert arrays["test_labels"].shape == (10_000,)


def test_no_data_and_no_network_lists_the_fixes(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "course")
    monkeypatch.setattr(fashion_mnist, "DEBIAN_FASHION_DIR", tmp_path / "no-debian-package")
    monkeypatch.setattr(fashion_mnist, "FASHION_ORIGIN", "http://127.0.0.1:9/")  # the discard port: refused at once

    def hang(signum, frame):
        raise AssertionError("looking for data without a network hung for 120 s")

    signal.signal(signal.SIGALRM, hang)
    signal.alarm(120)
    try:
        with pytest.raises(data.DataNotFoundError) as info:
            data.load_fashion_mnist()
    finally:
        signal.alarm(0)
    message = str(info.value)
    for fix in ("make data", "apt-get install dataset-fashion-mnist", "COURSE_DATA_DIR"):
        assert fix in message
    assert "could not be downloaded" in message
    cache = Path(os.environ["KERAS_HOME"])
    assert not [p for p in cache.rglob("*") if p.is_file()]  # no half-downloaded file left behind


def test_no_data_without_download_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "course")
    monkeypatch.setattr(fashion_mnist, "DEBIAN_FASHION_DIR", tmp_path / "no-debian-package")
    with pytest.raises(data.DataNotFoundError) as info:
        data.find_fashion_mnist(download=False)
    assert "Looked in" in str(info.value) and "no-debian-package" in str(info.value)


def gzip_of_zeros(path: Path, header: bytes, mebibytes: int) -> None:
    """Write a small gzip file that decompresses to header plus many MiB of zeros (a gzip bomb)."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip container
    chunk = bytes(1 << 20)
    parts = [packer.compress(header), *(packer.compress(chunk) for _ in range(mebibytes)), packer.flush()]
    path.write_bytes(b"".join(parts))


def test_a_gzip_bomb_is_refused_before_it_is_decompressed_whole(fashion_copy):
    import tracemalloc

    path = fashion_copy / "train-labels-idx1-ubyte.gz"  # the first file read
    gzip_of_zeros(path, struct.pack(">II", 2049, 60_000), mebibytes=128)
    assert path.stat().st_size < 1 << 20  # under 1 MiB on disk, 128 MiB inside
    tracemalloc.start()
    try:
        with pytest.raises(errors.CorruptFileError) as info:
            data.load_fashion_mnist(fashion_copy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "train-labels-idx1-ubyte.gz decompresses to more than the 60,008 bytes" in str(info.value)
    assert peak < 16 << 20, f"{peak / 2**20:.0f} MiB held while refusing it"


def test_an_unreadable_file_the_user_named_is_a_course_error(fashion_copy, deny):
    deny(fashion_copy / "t10k-images-idx3-ubyte.gz")
    with pytest.raises(errors.UnreadableFileError) as info:
        data.load_fashion_mnist(fashion_copy)
    message = str(info.value)
    assert "t10k-images-idx3-ubyte.gz cannot be read by this user (permission denied)" in message
    assert "chmod u+r" in message and "make data" in message


def test_an_unreadable_folder_the_user_named_is_a_course_error(fashion_copy, deny, monkeypatch):
    deny(fashion_copy)
    monkeypatch.setenv("COURSE_DATA_DIR", str(fashion_copy.parent))
    with pytest.raises(errors.UnreadableFileError, match="fashion-mnist.* cannot be read by this user"):
        data.load_fashion_mnist()


def test_an_unreadable_automatic_copy_is_skipped_for_the_next_good_one(fashion_copy, monkeypatch, tmp_path, deny):
    project = tmp_path / "course"
    shutil.copytree(fashion_copy, project / "data" / "fashion-mnist")
    monkeypatch.setattr(paths, "PROJECT_ROOT", project)
    monkeypatch.setattr(fashion_mnist, "DEBIAN_FASHION_DIR", fashion_copy)  # the good copy, next in line
    deny(project / "data" / "fashion-mnist")
    with pytest.warns(data.DataWarning, match="Skipping a bad copy of Fashion-MNIST.* cannot be read"):
        arrays, source = data.find_fashion_mnist()
    assert source.endswith("(Debian package dataset-fashion-mnist)")
    assert arrays["train_labels"].shape == (60_000,)
