"""make test gets its browser itself (Debian's Chromium, as root), or stops at once saying what to install."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tools import browser
from tools.common import ROOT


class Machine:
    """A stand-in for this machine: whether the browser is here, whether apt-get works as root, what was tried."""

    def __init__(self, present: bool = False, root: bool = False, apt_works: bool = True):
        self.present, self.root, self.apt_works = present, root, apt_works
        self.installed: list[tuple[str, ...]] = []

    def lacking(self) -> list[Path]:
        return [] if self.present else [browser.CHROMIUM, browser.CHROMEDRIVER]

    def can_install(self) -> bool:
        return self.root

    def install(self, *packages: str) -> bool:
        self.installed.append(packages)
        self.present = self.apt_works
        return self.apt_works

    def ensure(self) -> str | None:
        return browser.ensure(self.lacking, self.can_install, self.install)


def test_a_browser_that_is_here_is_only_looked_at():
    machine = Machine(present=True, root=True)
    assert machine.ensure() is None and machine.installed == []


def test_a_missing_browser_is_installed_from_debian_as_root():
    machine = Machine(root=True)
    assert machine.ensure() is None
    assert machine.installed == [("chromium", "chromium-driver")]


def test_without_root_and_apt_the_message_names_what_to_install():
    machine = Machine(root=False)
    problem = machine.ensure()
    assert machine.installed == []
    assert "/usr/bin/chromium and /usr/bin/chromedriver" in problem
    assert "apt-get install -y chromium chromium-driver" in problem and "tests/test_book.py" in problem


def test_a_failed_install_says_so():
    machine = Machine(root=True, apt_works=False)
    assert "apt-get could not install chromium and chromium-driver" in machine.ensure()


# The command itself, on a machine without the browser and without apt-get: one message, in seconds.
NO_BROWSER = """
import sys
from pathlib import Path

from tools import browser

browser.CHROMIUM, browser.CHROMEDRIVER = Path("/nonexistent/chromium"), Path("/nonexistent/chromedriver")
sys.exit(browser.main())
"""


def test_the_command_stops_at_once_where_nothing_can_install_it(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path)}  # no apt-get on this PATH
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", NO_BROWSER], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)
    assert time.perf_counter() - start < 10
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Chromium: NOT AVAILABLE.")
    assert "/nonexistent/chromium and /nonexistent/chromedriver" in done.stderr
    assert "apt-get install -y chromium chromium-driver" in done.stderr


def test_the_command_runs_with_the_systems_python_alone():
    """Before .venv exists: the module imports nothing beyond the standard library and tools.debian."""
    code = "import sys, tools.browser; print(sorted(m for m in sys.modules if m.split('.')[0] in ('helpers', 'numpy')))"
    done = subprocess.run([sys.executable, "-S", "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_make_test_checks_the_browser_before_it_builds_or_runs_anything():
    for target in ("test", "unit"):
        done = subprocess.run(["make", "--no-print-directory", "-n", target], cwd=ROOT, capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0] == "python3 -m tools.browser", lines[:3]


def test_ci_has_no_browser_step_of_its_own():
    assert "chromium" not in (ROOT / ".ci" / "run").read_text()
