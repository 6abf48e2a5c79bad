"""Which copy of its data set a notebook run uses, and how large each data set is."""

from __future__ import annotations

from helpers.checks import check_choice
from helpers.data.cifar100 import Cifar100Copy, choose_cifar100
from helpers.data.fashion_mnist import fashion_mnist_source

# (training images, test images) of each data set a notebook can name in helpers.setup(dataset=...).
DATASET_SIZES = {"fashion-mnist": (60_000, 10_000), "cifar100": (50_000, 10_000)}


def choose_data(
    dataset: str, profile: str, train_size: int | None, test_size: int | None
) -> tuple[str, Cifar100Copy | None, int | None]:
    """Find and verify a run's data: (its description, the CIFAR-100 copy or None, the test subset to use).

    A TRAIN_SIZE larger than the copy (the fixture is smaller than CIFAR-100) is a ValueError;
    a profile's test subset larger than the copy becomes all of its test images.
    """
    check_choice("dataset", dataset, tuple(DATASET_SIZES))
    if dataset == "fashion-mnist":
        return fashion_mnist_source(), None, test_size
    copy = choose_cifar100(profile)
    if train_size and train_size > copy.n_train:
        raise ValueError(
            f"TRAIN_SIZE = {train_size:,} is more than the {copy.n_train:,} training images of "
            f"{copy.description}. Choose at most {copy.n_train:,}, or None for all of them."
        )
    return copy.description, copy, None if test_size and test_size > copy.n_test else test_size
