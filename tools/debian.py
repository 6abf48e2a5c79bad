"""Installing Debian's packages for the course (Fashion-MNIST, Chromium), where apt-get can be used as root.

Standard library only: tools.browser runs it with the system's Python, before .venv exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys


def can_install() -> bool:
    """Whether Debian's packages can be installed here: apt-get exists and this runs as root."""
    return shutil.which("apt-get") is not None and os.geteuid() == 0


def install(*packages: str) -> bool:
    """Install Debian's packages (after refreshing the package lists); True when apt-get succeeded.

    apt-get's own output is shown only when it fails: it is hundreds of lines of unpacking otherwise.
    """
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"`{' '.join(command)}` failed:\n{(done.stdout + done.stderr).strip()[-3000:]}", file=sys.stderr)
            return False
    return True
