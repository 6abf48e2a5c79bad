"""The rule "numbers in prose come from the page": what it accepts, what it refuses, and that it bites on real pages."""

from __future__ import annotations

import copy
import json
import re

import pytest

from tools import lint_notebooks as lint
from tools import prose_numbers
from tools.cells import source
from tools.common import all_notebooks


def page(prose: str, output: str = "", code: str = "x = 1") -> dict:
    """A notebook of one markdown cell and one code cell with one printed output."""
    cell = {
        "cell_type": "code",
        "metadata": {},
        "execution_count": 1,
        "source": code,
        "outputs": [{"output_type": "stream", "name": "stdout", "text": output}],
    }
    return {"cells": [{"cell_type": "markdown", "metadata": {}, "source": prose}, cell]}


def flagged(prose: str, output: str = "", code: str = "x = 1", stem: str = "00_test") -> list[str]:
    """The claims of the prose that the rule refuses, by their text."""
    return [
        re.search(r"says '([^']*)'", p).group(1)
        for p in prose_numbers.problems(page(prose, output, code), stem)
        if "says" in p
    ]


@pytest.mark.parametrize(
    ("prose", "output"),
    [
        ("the CNN reaches 91.15%", "test accuracy 0.9115"),
        ("it sits at 0.10 after epoch 1", "val_accuracy: 0.1003"),  # prose may round
        ("gained -0.0041", "gained by keeping the best epoch: -0.0041"),
        ("a gain of 0.0041", "gained: -0.0041"),  # the sign is the prose's to word
        ("1,283 images", "1283 images"),
        ("1283 s in all", "took 1,283 s"),
        ("22 minutes of training", "trained in 1318 s"),
        ("22.0 minutes", "(22.0 minutes, 109.9 s per epoch)"),
        ("at 2.0x the time", "cost: 2.0x the seconds per epoch"),
        ("3.6 million multiply-adds", "block2_conv 3612672"),
        ("+0.68 points", "+0.68 percentage points"),
        ("a summary of 1,728,127", "\x1b[1m Total params: \x1b[0m\x1b[38;5;34m1,728,127\x1b[0m"),
    ],
)
def test_a_number_the_outputs_show_passes_in_any_usual_format(prose, output):
    assert flagged(prose, output) == []


@pytest.mark.parametrize(
    ("prose", "output"),
    [
        ("93.1% after 16 epochs", "test accuracy 0.9357"),  # a figure of an older run
        ("0.9340 in 15 epochs", "0.9357"),
        ("at 1.7x the time", "2.0x the seconds per epoch"),
        ("42 minutes on a 2-core CPU", "seed 42, 94/94 - 42s"),  # a time must match a time
        ("1,115.6 s", "1318 s"),
        ("1,283 images", "1284 images"),
        ("a gain of -0.0051", "gained: -0.0041"),
        ("3.5 million", "3612672"),
    ],
)
def test_a_number_the_outputs_do_not_show_is_refused(prose, output):
    assert flagged(prose, output) != []


def test_settings_in_code_count_but_comments_do_not():
    assert flagged("dropout of 30% and a rate of 2e-3", code="Dropout(0.3)\nrate = 2e-3") == []
    assert flagged("the first 20,000 images", code="x[:20_000]") == []
    assert flagged("93.1% in a trial", code="x = 1  # 93.1% in a trial") == ["93.1%"]


def test_a_solution_comment_is_checked_like_prose_and_other_comments_are_not():
    doc = page("", output="test accuracy 0.9357", code="print(accuracy)\n# it reached 93.1% in trials")
    assert prose_numbers.problems(doc, "00_test") == []  # a comment that documents code
    doc["cells"][1]["metadata"]["tags"] = ["solution"]
    [problem] = prose_numbers.problems(doc, "00_test")
    assert "solution's comment says '93.1%'" in problem
    doc["cells"][1]["source"] = "print(accuracy)\n# it reached 93.57% here"
    assert prose_numbers.problems(doc, "00_test") == []


def test_what_is_not_a_claim_is_not_checked():
    prose = (
        "## 3. Three blocks\n\n15 epochs of 3 x 3 kernels, `lr=0.0042`, $0.99^{94}$, "
        "[the paper](https://arxiv.org/abs/1502.03167) arXiv:1502.03167, Keras 3.15.1, "
        "32 × 32 × 3 = 3,072 inputs\n\n```\nprint(0.1234)\n```"
    )
    assert flagged(prose) == []


def test_an_allowed_number_needs_its_entry_and_the_entry_needs_the_number(monkeypatch):
    monkeypatch.setitem(prose_numbers.ALLOWED, "00_test", {"0.99": "Keras' default momentum"})
    assert prose_numbers.problems(page("momentum 0.99"), "00_test") == []
    assert flagged("momentum 0.99", stem="00_other") == ["0.99"]
    stale = prose_numbers.problems(page("no number"), "00_test")
    assert len(stale) == 1 and "no longer says it" in stale[0]


MINE = [p for p in all_notebooks() if p.name[:2] in ("05", "06", "07", "08")]


@pytest.mark.parametrize("path", MINE, ids=[p.stem for p in MINE])
def test_a_real_page_fails_when_a_figure_of_its_prose_is_changed(tmp_path, path):
    doc = json.loads(path.read_text())
    copy_path = tmp_path / path.name
    copy_path.write_text(json.dumps(doc))
    assert [r for r, _ in lint.lint(copy_path) if r == "prose_numbers"] == []
    broken = copy.deepcopy(doc)
    numbers, times = prose_numbers.page_numbers(doc)
    for cell in broken["cells"]:
        text = source(cell)
        claims = prose_numbers.claims(prose_numbers.prose(text)) if cell["cell_type"] == "markdown" else []
        checked = [c for c in claims if c.text not in prose_numbers.ALLOWED.get(path.stem, {})]
        # 0.9357 -> 90.9357; skipped where the changed figure happens to be on the page in another format
        unseen = [c for c in checked if not any(prose_numbers.on_page(b, numbers, times)
                                                for b in prose_numbers.claims(" 9" + c.text + " "))]
        if unseen:
            cell["source"] = text.replace(unseen[0].text, "9" + unseen[0].text, 1)
            break
    else:
        pytest.fail(f"{path.name} cites no run figure in its prose to change")
    copy_path.write_text(json.dumps(broken))
    assert [r for r, _ in lint.lint(copy_path) if r == "prose_numbers"] == ["prose_numbers"]


def test_the_rule_is_registered_in_the_lint():
    assert lint.RULES["prose_numbers"] is prose_numbers.check_prose_numbers


# ----- a run of another profile: the convention for figures of the committed full run -----


def flagged_under(profile: str, prose: str, output: str = "") -> list[str]:
    return [re.search(r"says '([^']*)'", p).group(1)
            for p in prose_numbers.problems(page(prose, output), "00_test", profile)]


def test_a_quick_run_skips_figures_marked_as_the_full_runs_and_checks_the_rest():
    prose = ("In the full run on this page, the shifts cost -0.0148. Here they cost 0.0210. "
             "The full-run figure 0.9413 stays.")
    assert flagged_under("quick", prose, "cost 0.0211") == ["0.0210"]
    assert flagged_under("quick", prose, "cost 0.0210") == []


def test_the_committed_page_checks_marked_figures_too():
    prose = "In the full run on this page, the shifts cost -0.0148."
    assert flagged_under("full", prose, "nothing") == ["0.0148"]
    assert flagged_under("full", prose, "shifts -0.0148") == []


def test_a_mark_covers_its_own_sentence_only():
    prose = "In the full run, dropout lost 0.0072.\n\n- The gap fell to 0.0025.\n- Batch norm: 0.9050 (full run)."
    assert flagged_under("smoke", prose) == ["0.0025"]
    assert flagged_under("smoke", "The full run took 22.9 minutes. Yours took 1.5 minutes.") == ["1.5 minutes"]
