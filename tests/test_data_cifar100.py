"""The CIFAR-100 loader and its fixture: Keras' format and arrays, and nothing unpickled unverified."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import signal
import tarfile
from pathlib import Path

import numpy as np
import pytest

from helpers import capstone, data, paths
from helpers.data import cifar100, cifar100_fixture, cifar100_format
from helpers.data.cifar100_fixture import FIXTURE_MANIFEST
from helpers.data.cifar100_format import CIFAR100_ARCHIVE, CIFAR100_KERAS_NAME
from helpers.data.errors import (
    CorruptFileError,
    MissingFileError,
    UnreadableFileError,
    UnverifiedFileError,
    WrongFileError,
)

SMALL = {"train_per_class": 3, "test_per_class": 2, "seed": 7}  # 300 + 200 images: fast to make and check


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test reads its files afresh."""
    cifar100._verified_arrays.cache_clear()
    cifar100_fixture._fixture_tar.cache_clear()


@pytest.fixture
def fixture_dir(tmp_path) -> Path:
    folder = tmp_path / "cifar-100"
    data.make_cifar100_fixture(folder, **SMALL)
    return folder


@pytest.fixture
def no_network(monkeypatch, tmp_path):
    """No project copy, and downloads go to the discard port (refused at once)."""
    monkeypatch.setattr(paths, "PROJECT_ROOT", tmp_path / "course")
    monkeypatch.setattr(cifar100_format, "CIFAR100_ORIGIN", "http://127.0.0.1:9/cifar-100-python.tar.gz")
    monkeypatch.setattr(capstone, "RESNET50_WEIGHTS_ORIGIN", "http://127.0.0.1:9/weights.h5")


def snapshot(folder: Path) -> dict[str, str]:
    """Hash of every file under a folder, to prove that a failed call changed nothing."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def repack(archive: Path, files: dict[str, bytes], update_manifest: bool = True) -> None:
    """Rewrite a test archive with other member contents; optionally make its manifest agree (a forgery)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, payload in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    archive.write_bytes(gzip.compress(buffer.getvalue()))
    if update_manifest:
        manifest_path = archive.parent / FIXTURE_MANIFEST
        manifest = json.loads(manifest_path.read_text())
        manifest["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
        manifest_path.write_text(json.dumps(manifest))


class Payload:
    """A pickle that runs code when loaded: what a tampered archive could hold."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


# --- What the loader returns ---------------------------------------------------------------


def test_fixture_loads_with_the_documented_shapes_dtypes_and_labels(fixture_dir):
    (x_train, y_train), (x_test, y_test) = data.load_cifar100(data_dir=fixture_dir)
    assert x_train.shape == (300, 32, 32, 3) and x_test.shape == (200, 32, 32, 3)
    assert x_train.dtype == x_test.dtype == np.uint8
    assert y_train.shape == (300, 1) and y_test.shape == (200, 1)
    assert y_train.dtype == y_test.dtype == np.int64
    assert np.array_equal(np.bincount(y_train.ravel(), minlength=100), np.full(100, 3))
    assert np.array_equal(np.bincount(y_test.ravel(), minlength=100), np.full(100, 2))
    assert x_train.std() > 20  # real pictures, not a blank array
    (_, coarse_train), (_, coarse_test) = data.load_cifar100("coarse", fixture_dir)
    mapping = data.cifar100_fine_to_coarse()
    assert np.array_equal(coarse_train, mapping[y_train]) and np.array_equal(coarse_test, mapping[y_test])
    assert coarse_train.max() == 19 and coarse_train.dtype == np.int64


def test_keras_own_reader_returns_the_same_arrays_from_the_fixture(fixture_dir, tmp_path, monkeypatch):
    # keras.datasets.cifar100.load_data, with its download pointed at the extracted fixture.
    extracted = tmp_path / "extracted"
    with tarfile.open(fixture_dir / CIFAR100_ARCHIVE) as tar:
        tar.extractall(extracted, filter="data")
    from keras.src.datasets import cifar100 as keras_reader

    monkeypatch.setattr(keras_reader, "get_file", lambda **kwargs: str(extracted))
    import keras

    for mode in ("fine", "coarse"):
        theirs = keras.datasets.cifar100.load_data(label_mode=mode)
        ours = data.load_cifar100(mode, data_dir=fixture_dir)
        for (x_ours, y_ours), (x_theirs, y_theirs) in zip(ours, theirs, strict=True):
            assert x_ours.dtype == x_theirs.dtype and y_ours.dtype == y_theirs.dtype
            np.testing.assert_array_equal(x_ours, x_theirs)
            np.testing.assert_array_equal(y_ours, y_theirs)


def test_names_and_mapping_are_cifar100s():
    fine, coarse, mapping = data.cifar100_fine_names(), data.cifar100_coarse_names(), data.cifar100_fine_to_coarse()
    assert len(fine) == len(set(fine)) == 100 and len(coarse) == len(set(coarse)) == 20
    assert (fine[0], fine[1], fine[46], fine[82], fine[99]) == ("apple", "aquarium_fish", "man", "sunflower", "worm")
    assert (coarse[0], coarse[14], coarse[19]) == ("aquatic_mammals", "people", "vehicles_2")
    assert mapping.shape == (100,) and mapping.dtype == np.int64
    assert np.array_equal(np.bincount(mapping), np.full(20, 5))
    assert coarse[mapping[fine.index("maple_tree")]] == "trees"
    assert coarse[mapping[fine.index("apple")]] == "fruit_and_vegetables"
    assert coarse[mapping[fine.index("lawn_mower")]] == "vehicles_2"


def test_fixture_has_the_exact_cifar100_layout(fixture_dir):
    files = members(fixture_dir / CIFAR100_ARCHIVE)
    assert set(files) == {"cifar-100-python/meta", "cifar-100-python/train", "cifar-100-python/test"}
    meta = pickle.loads(files["cifar-100-python/meta"], encoding="bytes")
    assert set(meta) == {b"fine_label_names", b"coarse_label_names"}
    assert [n.decode() for n in meta[b"fine_label_names"]] == data.cifar100_fine_names()
    assert [n.decode() for n in meta[b"coarse_label_names"]] == data.cifar100_coarse_names()
    train = pickle.loads(files["cifar-100-python/train"], encoding="bytes")
    assert set(train) == {b"filenames", b"batch_label", b"fine_labels", b"coarse_labels", b"data"}
    assert train[b"batch_label"] == b"training batch 1 of 1"
    assert train[b"data"].shape == (300, 3072) and train[b"data"].dtype == np.uint8
    assert isinstance(train[b"fine_labels"], list) and isinstance(train[b"filenames"][0], bytes)


def test_fixture_round_trip_gives_back_the_generated_images(fixture_dir):
    # The generator's own split, rebuilt from the same seed, against what the loader read from disk.
    rng = np.random.default_rng([SMALL["seed"], 0])
    expected = cifar100_fixture._fixture_split(SMALL["train_per_class"], rng, "train")
    (x_train, y_train), _ = data.load_cifar100(data_dir=fixture_dir)
    np.testing.assert_array_equal(y_train.ravel(), expected[b"fine_labels"])
    np.testing.assert_array_equal(x_train.transpose(0, 3, 1, 2).reshape(300, 3072), expected[b"data"])


def test_fixture_classes_differ_in_colour_within_a_superclass(fixture_dir):
    # Learnable: the five classes of a superclass have clearly different mean colours.
    (x_train, y_train), _ = data.load_cifar100(data_dir=fixture_dir)
    means = np.stack([x_train[y_train.ravel() == k].reshape(-1, 3).mean(axis=0) for k in range(100)])
    members_of_first = np.flatnonzero(data.cifar100_fine_to_coarse() == 0)
    distances = [np.linalg.norm(means[a] - means[b]) for a in members_of_first for b in members_of_first if a < b]
    assert min(distances) > 10


def test_making_the_same_fixture_again_changes_nothing(fixture_dir):
    before = snapshot(fixture_dir)
    data.make_cifar100_fixture(fixture_dir, **SMALL)
    assert snapshot(fixture_dir) == before


def test_the_fixture_never_overwrites_a_file(fixture_dir):
    before = snapshot(fixture_dir)
    with pytest.raises(data.DataError, match="already exists .* left as it is"):
        data.make_cifar100_fixture(fixture_dir, train_per_class=4, test_per_class=2, seed=7)
    assert snapshot(fixture_dir) == before


def test_fixture_settings_are_checked():
    with pytest.raises(ValueError, match="train_per_class = 0 is out of range"):
        data.make_cifar100_fixture("unused", train_per_class=0)


def test_label_mode_is_checked(fixture_dir):
    with pytest.raises(ValueError, match="label_mode = 'medium' is not allowed: choose 'fine' or 'coarse'"):
        data.load_cifar100("medium", fixture_dir)


def test_the_loaded_arrays_cannot_be_changed_by_accident(fixture_dir):
    (x_train, _), _ = data.load_cifar100(data_dir=fixture_dir)
    with pytest.raises(ValueError, match="read-only"):
        x_train[0, 0, 0, 0] = 0


# --- Bad archives: rejected before anything is unpickled -------------------------------------


def truncated(folder):
    path = folder / CIFAR100_ARCHIVE
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def edited_image_byte(folder):
    path = folder / CIFAR100_ARCHIVE
    raw = bytearray(gzip.decompress(path.read_bytes()))
    raw[-100] ^= 0xFF  # a pixel of the last member
    path.write_bytes(gzip.compress(bytes(raw)))


def edited_along_with_its_manifest(folder):
    archive = folder / CIFAR100_ARCHIVE
    files = members(archive)
    train = pickle.loads(files["cifar-100-python/train"], encoding="bytes")
    train[b"fine_labels"][0] = (train[b"fine_labels"][0] + 1) % 100
    files["cifar-100-python/train"] = pickle.dumps(train, protocol=4)
    repack(archive, files)


def manifest_removed(folder):
    (folder / FIXTURE_MANIFEST).unlink()


def manifest_garbled(folder):
    (folder / FIXTURE_MANIFEST).write_text("{not json")


def not_gzip_with_forged_manifest(folder):
    archive = folder / CIFAR100_ARCHIVE
    archive.write_text("<html>404 Not Found</html>")
    manifest_path = folder / FIXTURE_MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))


BAD_ARCHIVES = [
    (truncated, CorruptFileError, "has changed since make_cifar100_fixture wrote it"),
    (edited_image_byte, CorruptFileError, "truncated or edited"),
    (edited_along_with_its_manifest, UnverifiedFileError, "not what make_cifar100_fixture makes"),
    (manifest_removed, UnverifiedFileError, "not the CIFAR-100 archive that Keras pins"),
    (manifest_garbled, WrongFileError, "is not a fixture manifest"),
    (not_gzip_with_forged_manifest, CorruptFileError, "not a valid gzip file"),
]


@pytest.mark.parametrize("damage, error, words", BAD_ARCHIVES, ids=[b[0].__name__ for b in BAD_ARCHIVES])
def test_each_bad_archive_gives_its_own_clear_error(fixture_dir, damage, error, words):
    damage(fixture_dir)
    before = snapshot(fixture_dir)
    with pytest.raises(error) as info:
        data.load_cifar100(data_dir=fixture_dir)
    message = str(info.value)
    assert isinstance(info.value, data.DataError)
    assert words in message, message
    assert CIFAR100_ARCHIVE in message or FIXTURE_MANIFEST in message, message  # names the file
    assert "aside" in message, message  # says how to fix it
    assert snapshot(fixture_dir) == before  # nothing deleted or rewritten


def test_a_forged_archive_is_never_unpickled(fixture_dir, tmp_path):
    # A pickle that would create a file when loaded, in an archive whose manifest was forged to match.
    marker = tmp_path / "code-ran"
    archive = fixture_dir / CIFAR100_ARCHIVE
    files = members(archive)
    files["cifar-100-python/meta"] = pickle.dumps(Payload(marker), protocol=4)
    repack(archive, files)
    with pytest.raises(UnverifiedFileError):
        data.load_cifar100(data_dir=fixture_dir)
    assert not marker.exists()


def test_the_unpickler_refuses_code_even_in_a_verified_archive(fixture_dir, tmp_path, monkeypatch):
    # Second line of defence: pretend the forged archive had the pinned checksum.
    marker = tmp_path / "code-ran"
    archive = fixture_dir / CIFAR100_ARCHIVE
    files = members(archive)
    files["cifar-100-python/meta"] = pickle.dumps(Payload(marker), protocol=4)
    repack(archive, files, update_manifest=False)
    monkeypatch.setattr(cifar100_format, "CIFAR100_SHA256", hashlib.sha256(archive.read_bytes()).hexdigest())
    with pytest.raises(WrongFileError, match="refused to load the global pathlib"):
        data.load_cifar100(data_dir=fixture_dir)
    assert not marker.exists()


def test_an_archive_with_the_pinned_checksum_is_read_as_the_original(fixture_dir, monkeypatch):
    # The original's path: no manifest needed, and the copy is not called a fixture.
    archive = fixture_dir / CIFAR100_ARCHIVE
    monkeypatch.setattr(cifar100_format, "CIFAR100_SHA256", hashlib.sha256(archive.read_bytes()).hexdigest())
    manifest_removed(fixture_dir)
    copy = data.find_cifar100(fixture_dir)
    assert not copy.is_fixture and copy.kind == "CIFAR-100" and copy.n_train == 300
    assert "FIXTURE" not in copy.description


def test_extracted_files_without_the_archive_are_explained(tmp_path):
    folder = tmp_path / "cifar-100"
    (folder / "cifar-100-python").mkdir(parents=True)
    (folder / "cifar-100-python" / "train").write_bytes(b"pickles")
    with pytest.raises(MissingFileError, match="only the archive can be verified"):
        data.load_cifar100(data_dir=folder)


def test_an_explicit_folder_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    with pytest.raises(data.DataNotFoundError, match="is not a folder"):
        data.load_cifar100(data_dir=tmp_path / "nowhere")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(data.DataNotFoundError, match="from the COURSE_DATA_DIR"):
        data.load_cifar100()


# --- Where the loader looks --------------------------------------------------------------


def test_course_data_dir_is_used(fixture_dir, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(fixture_dir.parent))
    assert data.find_cifar100().label == "COURSE_DATA_DIR"


def test_the_keras_cache_is_found_under_keras_own_name(fixture_dir, no_network, monkeypatch):
    cache = Path(os.environ["KERAS_HOME"]) / "datasets"
    cache.mkdir(parents=True)
    archive = fixture_dir / CIFAR100_ARCHIVE
    (cache / f"{CIFAR100_KERAS_NAME}_archive").write_bytes(archive.read_bytes())
    monkeypatch.setattr(cifar100_format, "CIFAR100_SHA256", hashlib.sha256(archive.read_bytes()).hexdigest())
    copy = data.find_cifar100()
    assert copy.label == "Keras cache" and not copy.is_fixture


def test_a_bad_copy_in_an_automatic_place_is_skipped_loudly(tmp_path, no_network):
    project_copy = tmp_path / "course" / "data" / "cifar-100"
    project_copy.mkdir(parents=True)
    (project_copy / CIFAR100_ARCHIVE).write_bytes(b"not the archive")
    with pytest.warns(data.DataWarning, match="Skipping a bad copy of CIFAR-100"):
        with pytest.raises(data.DataNotFoundError) as info:
            data.find_cifar100()
    assert "Skipped project data folder" in str(info.value)
    assert (project_copy / CIFAR100_ARCHIVE).read_bytes() == b"not the archive"


def test_no_data_and_no_network_fails_quickly_with_the_fixes(no_network):
    def hang(signum, frame):
        raise AssertionError("looking for CIFAR-100 without a network hung for 60 s")

    signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        with pytest.raises(data.DataNotFoundError) as info:
            data.load_cifar100()
    finally:
        signal.alarm(0)
    message = str(info.value)
    assert "could not be downloaded" in message and "Looked in" in message
    for fix in ("make data", CIFAR100_ARCHIVE, "COURSE_DATA_DIR", "fixture"):
        assert fix in message
    cache = Path(os.environ["KERAS_HOME"])
    assert not [p for p in cache.rglob("*") if p.is_file()]  # no half-downloaded file left behind


def test_a_bad_keras_cache_copy_is_not_downloaded_over(tmp_path, no_network):
    cache = Path(os.environ["KERAS_HOME"]) / "datasets"
    cache.mkdir(parents=True)
    bad = cache / f"{CIFAR100_KERAS_NAME}_archive"
    bad.write_bytes(b"half a download")
    with pytest.warns(data.DataWarning):
        with pytest.raises(data.DataNotFoundError, match="No usable copy"):
            data.find_cifar100()
    assert bad.read_bytes() == b"half a download"


# --- Which copy a notebook run uses --------------------------------------------------------


def test_smoke_always_uses_the_fixture(no_network, fixture_dir, monkeypatch):
    monkeypatch.setenv("COURSE_DATA_DIR", str(fixture_dir.parent))  # even where another copy exists
    monkeypatch.setattr(cifar100, "FIXTURE_DEFAULTS", SMALL)
    copy = cifar100.choose_cifar100("smoke")
    assert copy.is_fixture and copy.folder == cifar100_fixture.cifar100_fixture_dir()
    assert "smoke profile" in copy.note
    assert (cifar100_fixture.cifar100_fixture_dir() / FIXTURE_MANIFEST).is_file()


def test_without_cifar100_other_profiles_fall_back_to_the_fixture_and_say_why(no_network, monkeypatch):
    monkeypatch.setattr(cifar100, "FIXTURE_DEFAULTS", SMALL)
    copy = cifar100.choose_cifar100("full")
    assert copy.is_fixture and copy.n_train == 300
    assert "could not be downloaded" in copy.note


def test_a_bad_copy_the_user_named_stops_the_run(fixture_dir, no_network, monkeypatch):
    truncated(fixture_dir)
    monkeypatch.setenv("COURSE_DATA_DIR", str(fixture_dir.parent))
    with pytest.raises(CorruptFileError):
        cifar100.choose_cifar100("full")


def test_setup_names_the_fixture_and_checks_the_subset_against_it(no_network, monkeypatch, capsys):
    from helpers import profiles

    monkeypatch.setattr(cifar100, "FIXTURE_DEFAULTS", SMALL)
    epochs = {"smoke": 1, "quick": 1, "full": 1}
    run = profiles.setup("09_test", "smoke", epochs, dataset="cifar100", smoke_sizes=(100, 50))
    line = capsys.readouterr().out
    assert "course FIXTURE: synthetic images, NOT CIFAR-100" in line
    assert (run.train_size, run.test_size) == (100, 50)
    assert run.data_copy.is_fixture and run.data_copy.description in line
    with pytest.raises(ValueError, match="TRAIN_SIZE = 301 is more than the 300 training images of"):
        profiles.setup("09_test", "full", epochs, train_size=301, dataset="cifar100")


# --- ResNet50 weights and the banner ----------------------------------------------------------


def test_weights_are_random_in_smoke_and_without_network(no_network):
    assert data.resnet50_weights("smoke").argument is None
    weights = data.resnet50_weights("full")
    assert weights.path is None and weights.kind == "random"
    assert "could not be downloaded" in weights.note
    assert not [p for p in Path(os.environ["KERAS_HOME"]).rglob("*") if p.is_file()]


def test_a_cached_weights_file_is_used_only_if_it_matches_the_pin(no_network, monkeypatch):
    target = Path(os.environ["KERAS_HOME"]) / "models" / capstone.RESNET50_WEIGHTS_FILE
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not weights")
    weights = data.resnet50_weights("full")
    assert weights.path is None and "MD5" in weights.note and "move it aside" in weights.note
    assert target.read_bytes() == b"not weights"
    monkeypatch.setattr(capstone, "RESNET50_WEIGHTS_MD5", hashlib.md5(b"not weights").hexdigest())
    assert data.resnet50_weights("full").argument == str(target)


def test_the_banner_is_loud_unless_data_and_weights_are_real(fixture_dir):
    fixture = data.find_cifar100(fixture_dir)
    random_weights = capstone.ResNet50Weights(None, "no network")
    banner = data.cifar100_banner(fixture, random_weights)
    assert "NOT CIFAR-100" in banner and "RANDOM weights" in banner and "meaningless" in banner
    assert banner.startswith("!" * 78)
    real = cifar100.Cifar100Copy(fixture.archive, "Keras cache", False, 50_000, 10_000)
    imagenet = capstone.ResNet50Weights(Path("weights.h5"), "ImageNet weights")
    assert "real results" in data.cifar100_banner(real, imagenet)
    only_weights = data.cifar100_banner(real, random_weights)
    assert "RANDOM" in only_weights and "FIXTURE" not in only_weights


# --- Bad inputs that must not escape as raw Python errors ---------------------------------------


def test_a_foreign_archive_refuses_the_fixture_and_leaves_nothing_new(tmp_path):
    folder = tmp_path / "cifar-100"
    folder.mkdir()
    (folder / CIFAR100_ARCHIVE).write_bytes(b"someone else's archive")
    before = snapshot(folder)
    with pytest.raises(WrongFileError, match="already exists .* Nothing was written"):
        data.make_cifar100_fixture(folder, **SMALL)
    assert snapshot(folder) == before and sorted(p.name for p in folder.iterdir()) == [CIFAR100_ARCHIVE]
    with pytest.raises(UnverifiedFileError, match="no fixture manifest"):  # not "the archive was edited"
        data.load_cifar100(data_dir=folder)


def test_a_folder_where_the_archive_should_be_is_a_course_error(tmp_path):
    folder = tmp_path / "cifar-100"
    (folder / CIFAR100_ARCHIVE).mkdir(parents=True)
    with pytest.raises(WrongFileError, match="cifar-100-python.tar.gz is a folder where .* Move it aside"):
        data.load_cifar100(data_dir=folder)
    with pytest.raises(WrongFileError, match="is a folder where the fixture's cifar-100-python.tar.gz should be"):
        data.make_cifar100_fixture(folder, **SMALL)
    with pytest.raises(WrongFileError, match="is a folder where a file should be"):
        cifar100.read_copy(folder / CIFAR100_ARCHIVE, "data_dir argument")
    assert sorted(p.name for p in folder.iterdir()) == [CIFAR100_ARCHIVE]  # nothing written beside it


def test_a_forged_manifest_cannot_vouch_for_a_gzip_bomb(fixture_dir):
    import zlib

    archive = fixture_dir / CIFAR100_ARCHIVE
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    archive.write_bytes(b"".join([*(packer.compress(bytes(1 << 20)) for _ in range(64)), packer.flush()]))
    manifest_path = fixture_dir / FIXTURE_MANIFEST
    manifest = json.loads(manifest_path.read_text())
    manifest["sha256"] = hashlib.sha256(archive.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(CorruptFileError, match="cifar-100-python.tar.gz decompresses to more than the"):
        data.load_cifar100(data_dir=fixture_dir)


def test_an_unreadable_archive_is_a_course_error(fixture_dir, deny):
    deny(fixture_dir / CIFAR100_ARCHIVE)
    with pytest.raises(UnreadableFileError, match="cifar-100-python.tar.gz cannot be read by this user"):
        data.load_cifar100(data_dir=fixture_dir)


def test_an_unreadable_weights_file_falls_back_to_random_weights_and_says_why(no_network, deny):
    target = Path(os.environ["KERAS_HOME"]) / "models" / capstone.RESNET50_WEIGHTS_FILE
    target.parent.mkdir(parents=True)
    target.write_bytes(b"weights")
    deny(target)
    weights = data.resnet50_weights("full")
    assert weights.path is None and "cannot be read" in weights.note and "chmod u+r" in weights.note
