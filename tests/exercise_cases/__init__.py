"""Cases for the exercise checks: for each exercise, a right answer that must pass and wrong ones that must not.

Each module nbNN.py lists CASES for its notebook. tests/test_exercises.py runs them all, and
runs them again with every check replaced by one that accepts anything, to see the cases bite.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from helpers.profiles import Run


@dataclass
class Case:
    """One answer to one exercise: right (wrong is None) or wrong (a phrase the message must contain)."""

    notebook: str
    number: int
    label: str
    answers: tuple
    context: dict = field(default_factory=dict)
    wrong: str | None = None
    run: Run | None = None


def a_run(notebook: str, profile: str = "smoke", epochs: int = 2, train_size: int | None = 2_000,
          test_size: int | None = 1_000, batch_size: int = 128, seed: int = 42) -> Run:
    """A learner's run as setup() would return it."""
    return Run(notebook, profile, epochs, train_size, test_size, batch_size, seed, data_source="test")


def history(model, losses: list[float], steps: int, **metrics: list[float]):
    """A History as fit returns it, for a model trained len(losses) epochs of `steps` steps."""
    import keras

    h = keras.callbacks.History()
    h.set_model(model)
    h.history = {"loss": list(losses), **{k: list(v) for k, v in metrics.items()}}
    h.params = {"epochs": len(losses), "steps": steps, "verbose": 0}
    return h
