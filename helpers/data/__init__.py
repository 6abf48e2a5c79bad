"""Find, verify and load the course's data sets without surprises: `from helpers import data`.

One module per job: `fashion_mnist` (IDX files), `cifar100` (finding and loading the archive),
`cifar100_archive` (verification and the restricted unpickler), `cifar100_fixture` (the generated
stand-in), `finder` (the one search order), `files` (safe reading), `errors`, and `choice` (which copy
a notebook run uses). Every problem is a DataError that names the file, what is wrong and the fix;
nothing here deletes or overwrites a file that is already on disk. The capstone's ResNet50 weights
and banner live in helpers.capstone and are re-exported here, as before.
"""

from helpers.capstone import (
    RESNET50_WEIGHTS_FILE,
    RESNET50_WEIGHTS_MD5,
    RESNET50_WEIGHTS_ORIGIN,
    ResNet50Weights,
    cifar100_banner,
    resnet50_weights,
)
from helpers.data.choice import DATASET_SIZES, choose_data
from helpers.data.cifar100 import (
    Cifar100Copy,
    choose_cifar100,
    cifar100_candidates,
    cifar100_coarse_names,
    cifar100_fine_names,
    cifar100_fine_to_coarse,
    find_cifar100,
    load_cifar100,
)
from helpers.data.cifar100_archive import read_cifar100_archive
from helpers.data.cifar100_fixture import (
    FIXTURE_DEFAULTS,
    FIXTURE_MANIFEST,
    FIXTURE_VERSION,
    cifar100_fixture_dir,
    make_cifar100_fixture,
)
from helpers.data.cifar100_format import (
    CIFAR100_ARCHIVE,
    CIFAR100_ARCHIVE_NAMES,
    CIFAR100_COARSE_NAMES,
    CIFAR100_FINE_NAMES,
    CIFAR100_KERAS_NAME,
    CIFAR100_ORIGIN,
    CIFAR100_SHA256,
    HOW_TO_GET_CIFAR100,
)
from helpers.data.errors import (
    CorruptFileError,
    DataError,
    DataNotFoundError,
    DataWarning,
    MissingFileError,
    UnreadableFileError,
    UnverifiedFileError,
    WrongFileError,
)
from helpers.data.fashion_mnist import (
    FASHION_CLASS_NAMES,
    FASHION_FILES,
    HOW_TO_GET_FASHION,
    IdxFile,
    fashion_mnist_candidates,
    fashion_mnist_class_names,
    fashion_mnist_source,
    find_fashion_mnist,
    load_fashion_mnist,
    read_fashion_folder,
    read_idx,
)
from helpers.data.finder import Candidate
from helpers.downloads import keras_cache_dir

__all__ = [
    "CIFAR100_ARCHIVE", "CIFAR100_ARCHIVE_NAMES", "CIFAR100_COARSE_NAMES", "CIFAR100_FINE_NAMES",
    "CIFAR100_KERAS_NAME", "CIFAR100_ORIGIN", "CIFAR100_SHA256", "DATASET_SIZES", "FASHION_CLASS_NAMES",
    "FASHION_FILES", "FIXTURE_DEFAULTS", "FIXTURE_MANIFEST", "FIXTURE_VERSION", "HOW_TO_GET_CIFAR100",
    "HOW_TO_GET_FASHION", "RESNET50_WEIGHTS_FILE", "RESNET50_WEIGHTS_MD5", "RESNET50_WEIGHTS_ORIGIN",
    "Candidate", "Cifar100Copy", "CorruptFileError", "DataError", "DataNotFoundError", "DataWarning", "IdxFile",
    "MissingFileError", "ResNet50Weights", "UnreadableFileError", "UnverifiedFileError", "WrongFileError",
    "choose_cifar100", "choose_data", "cifar100_banner", "cifar100_candidates", "cifar100_coarse_names",
    "cifar100_fine_names", "cifar100_fine_to_coarse", "cifar100_fixture_dir", "fashion_mnist_candidates",
    "fashion_mnist_class_names", "fashion_mnist_source", "find_cifar100", "find_fashion_mnist", "keras_cache_dir",
    "load_cifar100", "load_fashion_mnist", "make_cifar100_fixture", "read_cifar100_archive", "read_fashion_folder",
    "read_idx", "resnet50_weights",
]  # fmt: skip
