"""Shared fixtures: a real copy of Fashion-MNIST to damage, and an isolated environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.data import fashion_mnist


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path_factory):
    """No test sees the user's COURSE_* settings, Keras cache or results."""
    for name in ("COURSE_PROFILE", "COURSE_DATA_DIR", "COURSE_RESULTS_DIR", "COURSE_MODELS_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path_factory.mktemp("keras_home")))
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path_factory.mktemp("results")))
    fashion_mnist._read_folder.cache_clear()


@pytest.fixture(scope="session")
def real_fashion_dir() -> Path:
    """A folder with the real, verified Fashion-MNIST files (found the way notebooks find them)."""
    for cand in fashion_mnist.fashion_mnist_candidates():
        if all((cand.path / f.name).is_file() for f in fashion_mnist.FASHION_FILES.values()):
            return cand.path
    pytest.fail(
        "These tests need the real Fashion-MNIST files: run `make data` or "
        "`apt-get install dataset-fashion-mnist` first."
    )


@pytest.fixture
def fashion_copy(tmp_path, real_fashion_dir) -> Path:
    """A private copy of the real files that a test may damage."""
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    for spec in fashion_mnist.FASHION_FILES.values():
        shutil.copyfile(real_fashion_dir / spec.name, folder / spec.name)
    return folder


@pytest.fixture
def deny(monkeypatch):
    """Make a file or folder unreadable: by its permissions, or, as root (whom they do not bind), by refusing
    what a chmod 000 would refuse: opening it or anything under it, and looking inside it."""
    import builtins
    import io
    import os

    restore: list[tuple[Path, int]] = []

    def refuser(real, target: Path, inside_only: bool):
        def call(path, *args, **kwargs):
            if isinstance(path, str | bytes | os.PathLike):
                where = Path(os.fsdecode(path)).absolute()
                if target in where.parents or (where == target and not inside_only):
                    raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)

        return call

    def make_unreadable(target: Path) -> None:
        target = target.absolute()
        if os.geteuid() != 0:
            restore.append((target, target.stat().st_mode))
            target.chmod(0)
            return
        monkeypatch.setattr(builtins, "open", refuser(builtins.open, target, False))
        monkeypatch.setattr(io, "open", refuser(io.open, target, False))
        monkeypatch.setattr(os, "stat", refuser(os.stat, target, True))
        monkeypatch.setattr(os, "scandir", refuser(os.scandir, target, False))

    yield make_unreadable
    for target, mode in restore:
        target.chmod(mode)
