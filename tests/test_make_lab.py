"""`make lab` starts the kernels on the quick profile unless PROFILE asks for another."""

from __future__ import annotations

import os
import subprocess

import pytest

from tools.common import ROOT


def lab_command(*args: str) -> str:
    """The command `make lab` would run (make -n prints it without running anything)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PROFILE", "COURSE_PROFILE", "MAKEFLAGS")}
    done = subprocess.run(["make", "-n", "lab", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return next(line for line in done.stdout.splitlines() if "jupyter lab" in line)


@pytest.mark.parametrize(("args", "profile"), [((), "quick"), (("PROFILE=full",), "full"),
                                               (("PROFILE=smoke",), "smoke")])
def test_lab_exports_the_profile_to_its_kernels(args, profile):
    command = lab_command(*args)
    assert command.startswith(f"COURSE_PROFILE={profile} "), command
