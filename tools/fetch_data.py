"""Fetch the course's data: Fashion-MNIST (required), then CIFAR-100 and ResNet50's weights (optional).

    python tools/fetch_data.py                   # make data: all three
    python tools/fetch_data.py --fashion-mnist   # before make run and make test: Fashion-MNIST only

Fashion-MNIST is first looked for where the notebooks look (no download, so a machine
that has it pays a second for the check). When there is none, it comes from a Keras
download; where that fails and apt-get can be used (as root), from Debian's
dataset-fashion-mnist package. When nothing can fetch it, the data loader's own
DataNotFoundError says where it looked and what to do. CIFAR-100 and the ResNet50
ImageNet weights exist only online: without the internet this says so and moves on,
and the capstone runs on its generated fixture instead.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from helpers import data
from tools import debian
from tools.common import quiet_tensorflow

DEBIAN_PACKAGE = "dataset-fashion-mnist"


def fashion_mnist_here(download: bool) -> str:
    """Where the notebooks will take Fashion-MNIST from (downloading it first when allowed)."""
    if download:
        quiet_tensorflow()  # the download imports Keras: no start-up notices on the terminal
    return data.find_fashion_mnist(download=download)[1]


def install_package() -> bool:
    """Install Debian's Fashion-MNIST package; True when apt-get succeeded."""
    return debian.install(DEBIAN_PACKAGE)


def fashion_mnist(
    here: Callable[[bool], str] = fashion_mnist_here,
    can_install: Callable[[], bool] = debian.can_install,
    install: Callable[[], bool] = install_package,
) -> bool:
    """Make sure a verified Fashion-MNIST is on this machine, fetching it if need be; True when it is."""
    try:
        print(f"Fashion-MNIST: {here(False)}")
        return True
    except data.DataError as exc:
        error = exc
    # A folder the user named is the only place the notebooks look: fetching elsewhere would not help.
    if not os.environ.get("COURSE_DATA_DIR"):
        print("Fashion-MNIST: no usable copy on this machine; fetching it (Keras download)", flush=True)
        try:
            print(f"Fashion-MNIST: {here(True)}")
            return True
        except data.DataError as exc:
            error = exc
        if can_install():
            print(f"Fashion-MNIST: the download failed; installing Debian's {DEBIAN_PACKAGE} package", flush=True)
            if install():
                try:
                    print(f"Fashion-MNIST: {here(False)}")
                    return True
                except data.DataError as exc:
                    error = exc
    print(f"Fashion-MNIST: NOT AVAILABLE. {type(error).__name__}: {error}", file=sys.stderr)
    return False


def cifar100() -> None:
    """Fetch CIFAR-100 where the capstone's loader looks (a verified Keras download); explain the fallback."""
    quiet_tensorflow()
    try:
        copy = data.find_cifar100()
    except data.DataError as exc:
        print(
            "CIFAR-100: not available. It is only published online and could not be had here:\n"
            f"  {str(exc).splitlines()[0]}\n"
            "  The capstone (notebook 09) will run on a small generated fixture in the same format, "
            "and says so loudly. Run `make data` again where the internet is reachable for real results."
        )
        return
    what = "the course's FIXTURE, not CIFAR-100" if copy.is_fixture else "verified by its SHA-256"
    print(f"CIFAR-100: {copy.description} ({copy.n_train:,} training images, {what})")


def resnet50_weights() -> None:
    """Fetch the ResNet50 ImageNet weights into the Keras cache, as the capstone loads them; explain the fallback."""
    quiet_tensorflow()
    weights = data.resnet50_weights("full")
    if weights.path is not None:
        print(f"ResNet50 ImageNet weights: {weights.note}")
        return
    print(
        f"ResNet50 ImageNet weights: not available ({weights.note}).\n"
        "  The capstone will build ResNet50 with random weights and says that its transfer-learning "
        "numbers are then meaningless."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fashion-mnist", action="store_true", help="Fashion-MNIST only (what every notebook needs)")
    args = parser.parse_args(argv)
    ok = fashion_mnist()
    if not args.fashion_mnist:
        cifar100()
        resnet50_weights()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
