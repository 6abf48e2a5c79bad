"""Training on more than one device with tf.distribute: choose the strategy, size the batch, check the scope.

The notebook keeps the lesson (build and compile inside ``strategy.scope()``, fit with the
global batch); this module holds the plumbing around it: which strategy a knob asks for,
how a CPU-only machine gets two replicas, and a check that a model really was built
inside the strategy's scope.
"""

from __future__ import annotations

MODES = ("auto", "mirrored", "off")
CPU_REPLICAS = 2  # logical CPU devices made when "mirrored" finds no GPU, so the same code path runs in CI


def split_cpu(n: int = CPU_REPLICAS) -> None:
    """Split the physical CPU into n logical devices; possible only before TensorFlow first runs an op."""
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is not None and len(current) == n:
        return
    try:
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)])
    except RuntimeError as exc:  # TensorFlow has already placed its devices in this process
        raise RuntimeError(
            f"DISTRIBUTE = 'mirrored' needs {n} logical CPU devices, but TensorFlow in this kernel has already "
            "started on one device, and that cannot change while it runs. Fix: restart the kernel and run the "
            "notebook from the top (the setup cell makes the devices before anything else uses TensorFlow)."
        ) from exc


def choose_strategy(mode: str, profile: str):
    """The tf.distribute strategy that DISTRIBUTE asks for (see MODES), before any TensorFlow op runs.

    "off": one device. "mirrored": MirroredStrategy on every GPU, or on CPU_REPLICAS logical CPU
    devices when there is no GPU. "auto": mirrored when more than one GPU is present, and under the
    smoke profile (so CI runs the distributed code path); otherwise one device.
    """
    from helpers.profiles import check_choice

    check_choice("DISTRIBUTE", mode, MODES)
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if mode == "auto":
        mode = "mirrored" if len(gpus) > 1 or profile == "smoke" else "off"
    if mode == "off":
        return tf.distribute.get_strategy()  # the default strategy: one device, no replicas to keep in sync
    if not gpus:
        split_cpu(CPU_REPLICAS)
    logger, level = tf.get_logger(), tf.get_logger().level
    logger.setLevel("WARNING")  # MirroredStrategy logs its devices at INFO level, into the notebook's output
    try:
        return tf.distribute.MirroredStrategy(None if gpus else [f"/cpu:{i}" for i in range(CPU_REPLICAS)])
    finally:
        logger.setLevel(level)


def describe(strategy) -> str:
    """One line: which strategy, on how many replicas, on which devices."""
    name = type(strategy).__name__
    if name == "_DefaultDistributionStrategy":  # it has no worker_devices (asking raises)
        return "one device (no tf.distribute strategy): 1 replica"
    devices = [device.split("device:")[-1] for device in strategy.extended.worker_devices]
    return f"{name} on {strategy.num_replicas_in_sync} replicas ({', '.join(devices)})"


def global_batch(per_replica: int, strategy) -> int:
    """The batch size to give fit(): each replica gets per_replica examples of every global batch."""
    return per_replica * strategy.num_replicas_in_sync


def check_built_in_scope(model, strategy) -> None:
    """Raise if any of the model's variables was created outside strategy.scope() (they would not be mirrored)."""
    outside = [v.path for v in model.variables if not strategy.extended.variable_created_in_scope(v.value)]
    if outside:
        raise RuntimeError(
            f"Model {model.name!r} has {len(outside)} variables made outside the scope of {describe(strategy)}, "
            f"e.g. {outside[0]!r}: they would train on one device only. Fix: build and compile the model inside "
            "`with strategy.scope():`."
        )
