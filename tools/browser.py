"""Make sure the browser of the course site's test is on this machine: Debian's Chromium and its driver.

    python3 -m tools.browser      # make test and make unit run this before anything else

tests/test_book.py opens every page of the course site in headless Chromium. Where the browser
is missing and apt-get can be used as root, this installs Debian's `chromium` and
`chromium-driver`, as `make run` fetches its data; where nothing can install it, it stops at
once with one message that names what to install. Standard library only: it runs with the
system's Python, before `make setup` has built .venv, so a machine that cannot have the
browser learns it in seconds, not after minutes of installing and testing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tools import debian

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
PACKAGES = ("chromium", "chromium-driver")
HOW_TO_INSTALL = (
    f"Install Debian's {' and '.join(PACKAGES)} as root (`apt-get install -y {' '.join(PACKAGES)}`, or with "
    f"sudo), or put your system's Chromium and chromedriver at {CHROMIUM} and {CHROMEDRIVER}; then run the "
    "command again."
)


def missing() -> list[Path]:
    """The browser's files this machine lacks."""
    return [path for path in (CHROMIUM, CHROMEDRIVER) if not path.is_file()]


def ensure(
    lacking: Callable[[], list[Path]] = missing,
    can_install: Callable[[], bool] = debian.can_install,
    install: Callable[..., bool] = debian.install,
) -> str | None:
    """Install the browser if it is missing and can be; None when it is here, else why not and what to do."""
    gone = lacking()
    if not gone:
        return None
    names = " and ".join(str(path) for path in gone)
    if not can_install():
        return (f"The course site's browser test (tests/test_book.py) needs Chromium and its driver, and this "
                f"machine has no {names}; apt-get cannot be used here as root to install them. {HOW_TO_INSTALL}")
    print(f"Chromium: {names} not found; installing Debian's {' and '.join(PACKAGES)}", flush=True)
    if not install(*PACKAGES):
        return f"apt-get could not install {' and '.join(PACKAGES)} (its messages are above). {HOW_TO_INSTALL}"
    still = lacking()
    if still:
        return (f"apt-get installed {' and '.join(PACKAGES)}, but {' and '.join(map(str, still))} is still "
                f"missing. {HOW_TO_INSTALL}")
    return None


def main() -> int:
    problem = ensure()
    if problem:
        print(f"Chromium: NOT AVAILABLE. {problem}", file=sys.stderr)
        return 1
    print(f"Chromium: {CHROMIUM} and {CHROMEDRIVER}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
