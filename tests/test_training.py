"""The batch-norm momentum rule that notebooks 05, 06 and 07 share."""

from __future__ import annotations

import pytest

from helpers.training import momentum_for, steps_per_epoch


def test_after_one_epoch_the_starting_values_weigh_at_most_one_percent():
    for steps in (1, 16, 94, 422):
        momentum = momentum_for(steps)
        assert momentum ** steps == pytest.approx(0.01)
    assert momentum_for(94) == pytest.approx(0.9522, abs=1e-4)  # notebook 07's experiment epoch


def test_long_epochs_keep_the_keras_default():
    assert momentum_for(460) == momentum_for(5_000) == 0.99
    assert 0.99 ** 5_000 < 0.01


def test_steps_count_the_last_short_batch():
    assert steps_per_epoch(12_000, 128) == 94 and steps_per_epoch(128, 128) == 1 and steps_per_epoch(129, 128) == 2


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "94"])
def test_anything_but_a_step_count_is_refused_with_the_fix(bad):
    with pytest.raises(ValueError, match="steps per epoch.*steps_per_epoch\\(images, batch_size\\)"):
        momentum_for(bad)


def test_bfloat16_is_used_only_where_the_cpu_reports_instructions_for_it():
    from helpers.training import bfloat16_supported

    plain = "processor\t: 0\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx2 avx512f avx512bw\n"
    assert bfloat16_supported(plain) is False
    assert bfloat16_supported(plain.replace("avx512bw", "avx512bw avx512_bf16")) is True  # AMD Zen 4
    assert bfloat16_supported(plain.replace("avx512bw", "avx512bw amx_bf16 amx_tile")) is True  # Intel AMX
    assert bfloat16_supported(plain.replace("avx512bw", "avx512_bf16x")) is False  # a whole flag, not a prefix
    assert bfloat16_supported("model name\t: no flags line\n") is False
