"""Fetch the course's data: Fashion-MNIST (required), then CIFAR-100 and ResNet50's weights (optional).

Fashion-MNIST comes from a Keras download; where that fails and apt-get can be
used (as root), from Debian's dataset-fashion-mnist package. CIFAR-100 and the
ResNet50 ImageNet weights exist only online: without the internet this says so
and moves on, and the capstone runs on its generated fixture instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import helpers  # noqa: F401  (quietens TensorFlow before anything imports it)
from helpers import data
from helpers.profiles import quiet_tensorflow


def fashion_mnist() -> bool:
    """Make sure a verified Fashion-MNIST is on this machine; True when it is."""
    try:
        print(f"Fashion-MNIST: {data.fashion_mnist_source()}")
        return True
    except data.DataError as exc:
        first_error = exc
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Fashion-MNIST: download failed; installing Debian's dataset-fashion-mnist package instead")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "dataset-fashion-mnist"]):
            if subprocess.run(command, env=env).returncode != 0:
                break
        else:
            try:
                print(f"Fashion-MNIST: {data.fashion_mnist_source()}")
                return True
            except data.DataError as exc:
                first_error = exc
    print(f"Fashion-MNIST: NOT AVAILABLE.\n{first_error}", file=sys.stderr)
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
    weights = data.resnet50_weights("full")
    if weights.path is not None:
        print(f"ResNet50 ImageNet weights: {weights.note}")
        return
    print(
        f"ResNet50 ImageNet weights: not available ({weights.note}).\n"
        "  The capstone will build ResNet50 with random weights and says that its transfer-learning "
        "numbers are then meaningless."
    )


def main() -> int:
    ok = fashion_mnist()
    cifar100()
    resnet50_weights()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
