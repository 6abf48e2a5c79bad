"""make run and make test fetch Fashion-MNIST themselves, and keep the loader's clear error when nothing can."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from helpers import data
from tools import fetch_data
from tools.common import ROOT

NOT_FOUND = "No usable copy of Fashion-MNIST was found.\nLooked in:\n  - data/fashion-mnist (project data folder)"


class Machine:
    """A stand-in for the places Fashion-MNIST can come from: which of them work, and what was tried."""

    def __init__(self, present: bool = False, download_works: bool = False, root: bool = False):
        self.present, self.download_works, self.root = present, download_works, root
        self.tried: list[str] = []

    def here(self, download: bool) -> str:
        self.tried.append("download" if download else "look")
        if self.present or (download and self.download_works):
            self.present = True
            return "data/fashion-mnist (project data folder)"
        raise data.DataNotFoundError(NOT_FOUND)

    def can_install(self) -> bool:
        return self.root

    def install(self) -> bool:
        self.tried.append("apt-get")
        self.present = True
        return True

    def fetch(self) -> bool:
        return fetch_data.fashion_mnist(self.here, self.can_install, self.install)


def test_a_usable_copy_is_only_looked_at():
    machine = Machine(present=True)
    assert machine.fetch()
    assert machine.tried == ["look"]


def test_without_a_copy_it_is_downloaded():
    machine = Machine(download_works=True)
    assert machine.fetch()
    assert machine.tried == ["look", "download"]


def test_a_failed_download_installs_debians_package_as_root():
    machine = Machine(root=True)
    assert machine.fetch()
    assert machine.tried == ["look", "download", "apt-get", "look"]


def test_when_nothing_can_fetch_it_the_loaders_error_stays(capsys):
    machine = Machine()
    assert not machine.fetch()
    assert machine.tried == ["look", "download"]  # not root: no apt-get
    err = capsys.readouterr().err
    assert f"Fashion-MNIST: NOT AVAILABLE. DataNotFoundError: {NOT_FOUND}" in err


def test_a_folder_the_user_named_is_not_fetched_around(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    machine = Machine(download_works=True, root=True)
    assert not machine.fetch()
    assert machine.tried == ["look"]  # the notebooks look only there: fetching elsewhere would not help
    assert NOT_FOUND in capsys.readouterr().err


def test_the_command_fails_with_the_error_and_no_tensorflow_noise(tmp_path):
    env = {**os.environ, "COURSE_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "tools/fetch_data.py", "--fashion-mnist"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "DataNotFoundError" in done.stderr and "COURSE_DATA_DIR" in done.stderr


QUIET_DOWNLOAD = """
import sys

from helpers import data
from tools import fetch_data


def find(download):
    if not download:
        raise data.DataNotFoundError("none here")
    import keras  # a real download imports Keras, and with it TensorFlow
    return {}, "downloaded now"


data.find_fashion_mnist = find
sys.exit(fetch_data.main(["--fashion-mnist"]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [True, False])
def test_a_download_keeps_tensorflows_start_up_lines_off_the_terminal(quiet):
    script = QUIET_DOWNLOAD if quiet else QUIET_DOWNLOAD.replace("import fetch_data\n",
                                                                 "import fetch_data\nfetch_data.quiet_tensorflow = "
                                                                 "lambda: None\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "downloaded now" in done.stdout
    noise = [line for line in done.stderr.splitlines() if "oneDNN" in line or "absl" in line]
    # Without the quieting (the broken copy) TensorFlow's notices do reach the terminal.
    assert (noise == []) == quiet, done.stderr


@pytest.mark.parametrize("target", ["run", "smoke", "test", "nbval", "student-check"])
def test_make_targets_fetch_fashion_mnist_before_they_run(target):
    done = subprocess.run(["make", "-n", target, "PROFILE=smoke"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    commands = done.stdout
    fetch = commands.find("tools/fetch_data.py --fashion-mnist")
    runs = [commands.find(word) for word in ("run_notebooks.py", "pytest") if word in commands]
    assert fetch != -1 and runs and fetch < min(runs), commands
