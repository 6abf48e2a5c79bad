"""What a CIFAR-100 archive is: its class names, its files, its pin, and where to get it.

CIFAR-100 is published as one archive of Python pickles, and unpickling a file runs
whatever code its author put in it. So nothing is unpickled before the archive is
verified (helpers.data.cifar100), and only two kinds of archive pass: the original, by the
SHA-256 that Keras pins, and the course's own fixture (cifar100_fixture).
"""

from __future__ import annotations

# The 20 superclasses and their five classes each, as listed on the CIFAR-100 page.
# Label numbers are the alphabetical order of the names, as in the archive's meta file.
CIFAR100_SUPERCLASSES: dict[str, tuple[str, ...]] = {
    "aquatic_mammals": ("beaver", "dolphin", "otter", "seal", "whale"),
    "fish": ("aquarium_fish", "flatfish", "ray", "shark", "trout"),
    "flowers": ("orchid", "poppy", "rose", "sunflower", "tulip"),
    "food_containers": ("bottle", "bowl", "can", "cup", "plate"),
    "fruit_and_vegetables": ("apple", "mushroom", "orange", "pear", "sweet_pepper"),
    "household_electrical_devices": ("clock", "keyboard", "lamp", "telephone", "television"),
    "household_furniture": ("bed", "chair", "couch", "table", "wardrobe"),
    "insects": ("bee", "beetle", "butterfly", "caterpillar", "cockroach"),
    "large_carnivores": ("bear", "leopard", "lion", "tiger", "wolf"),
    "large_man-made_outdoor_things": ("bridge", "castle", "house", "road", "skyscraper"),
    "large_natural_outdoor_scenes": ("cloud", "forest", "mountain", "plain", "sea"),
    "large_omnivores_and_herbivores": ("camel", "cattle", "chimpanzee", "elephant", "kangaroo"),
    "medium_mammals": ("fox", "porcupine", "possum", "raccoon", "skunk"),
    "non-insect_invertebrates": ("crab", "lobster", "snail", "spider", "worm"),
    "people": ("baby", "boy", "girl", "man", "woman"),
    "reptiles": ("crocodile", "dinosaur", "lizard", "snake", "turtle"),
    "small_mammals": ("hamster", "mouse", "rabbit", "shrew", "squirrel"),
    "trees": ("maple_tree", "oak_tree", "palm_tree", "pine_tree", "willow_tree"),
    "vehicles_1": ("bicycle", "bus", "motorcycle", "pickup_truck", "train"),
    "vehicles_2": ("lawn_mower", "rocket", "streetcar", "tank", "tractor"),
}
CIFAR100_COARSE_NAMES = tuple(sorted(CIFAR100_SUPERCLASSES))
CIFAR100_FINE_NAMES = tuple(sorted(name for members in CIFAR100_SUPERCLASSES.values() for name in members))
COARSE_OF = {fine: coarse for coarse, members in CIFAR100_SUPERCLASSES.items() for fine in members}
CIFAR100_FINE_TO_COARSE = tuple(CIFAR100_COARSE_NAMES.index(COARSE_OF[name]) for name in CIFAR100_FINE_NAMES)

# The original archive, where keras.datasets.cifar100.load_data() downloads it from,
# and the SHA-256 that Keras checks it against.
CIFAR100_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
CIFAR100_SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"
CIFAR100_ARCHIVE = "cifar-100-python.tar.gz"  # its published name
# Keras 3 keeps the download as <datasets>/cifar-100-python-target_archive (and extracts it
# next to it); older tf.keras kept it under its published name. Both are recognised.
CIFAR100_KERAS_NAME = "cifar-100-python-target"
CIFAR100_ARCHIVE_NAMES = (CIFAR100_ARCHIVE, f"{CIFAR100_KERAS_NAME}_archive")
CIFAR100_MEMBERS = ("meta", "train", "test")  # inside the archive's cifar-100-python/ folder

HOW_TO_GET_CIFAR100 = (
    "How to fix it, any one of:\n"
    "  - run `make data` where the internet is reachable (Keras downloads the archive into its cache);\n"
    f"  - copy the original {CIFAR100_ARCHIVE} into data/cifar-100/ in the course folder,\n"
    "    or into $COURSE_DATA_DIR/cifar-100/;\n"
    "  - without it, notebook 09 runs on the course's generated fixture (not CIFAR-100) and says so."
)
