"""Find, verify and load the course's data sets without surprises: `from helpers import data`.

What the notebooks, the tools and helpers.profiles use, from one place. Behind it, one module per
job: `fashion_mnist` (the IDX files), `cifar100` (find, verify, read the archive, in one pass),
`cifar100_format` (its names, files and pin), `cifar100_fixture` (the generated stand-in),
`finder` (the one search order), `files` (safe reading), `errors`, and `choice` (which copy a
notebook run uses). Every problem is a DataError that names the file, what is wrong and the fix;
nothing here deletes or overwrites a file that is already on disk.
"""

from helpers.capstone import cifar100_banner, resnet50_weights
from helpers.data.choice import DATASET_SIZES, choose_data
from helpers.data.cifar100 import (
    cifar100_coarse_names,
    cifar100_fine_names,
    cifar100_fine_to_coarse,
    find_cifar100,
    load_cifar100,
)
from helpers.data.cifar100_fixture import make_cifar100_fixture
from helpers.data.errors import DataError, DataNotFoundError, DataWarning
from helpers.data.fashion_mnist import fashion_mnist_class_names, find_fashion_mnist, load_fashion_mnist

__all__ = [
    "DATASET_SIZES", "DataError", "DataNotFoundError", "DataWarning", "choose_data", "cifar100_banner",
    "cifar100_coarse_names", "cifar100_fine_names", "cifar100_fine_to_coarse", "fashion_mnist_class_names",
    "find_cifar100", "find_fashion_mnist", "load_cifar100", "load_fashion_mnist", "make_cifar100_fixture",
    "resnet50_weights",
]  # fmt: skip
