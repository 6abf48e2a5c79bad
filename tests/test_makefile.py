"""make help names every target of the Makefile, and make unit-fast leaves out exactly the tests marked slow."""

from __future__ import annotations

import re
import subprocess

from tools.common import ROOT


def make(*args: str) -> str:
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def targets() -> list[str]:
    """The Makefile's targets, as its .PHONY line lists them."""
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    return phony.group(1).split()


def unnamed(help_text: str, names: list[str]) -> list[str]:
    """Targets that a help text does not name."""
    return [t for t in names if t != "help" and not re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", help_text)]


def test_make_help_names_every_target():
    names = targets()
    assert {"unit", "unit-fast", "nbval", "lock", "browser", "test"} <= set(names)
    assert unnamed(make("help"), names) == []


def test_the_check_sees_a_target_help_leaves_out():
    assert unnamed("make unit-fast  the fast tests", ["unit", "unit-fast", "help"]) == ["unit"]


def test_unit_fast_runs_the_tests_not_marked_slow():
    assert '-m "not slow"' in make("-n", "unit-fast")
    assert "not slow" not in make("-n", "unit")
