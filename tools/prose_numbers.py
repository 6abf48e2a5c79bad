"""The lint rule "numbers in prose come from the page", and the few lesson facts it allows.

A number in a notebook's markdown that looks like a run result (a decimal such as 0.9115,
a percentage, a time, a ratio such as 1.7x, a count with thousands separators, "3.6 million")
must appear in that notebook's own outputs or code. Formats may differ: 91.15% matches 0.9115,
1,283 matches 1283, 22 minutes matches 1318 s, and prose may round (0.10 matches 0.1003).
Plain small integers (section numbers, 3 x 3 kernels, 15 epochs) are not checked: they are
settings far more often than results, and code holds every small integer anyway.

What is not checked: inline code, LaTeX, fenced code, link targets, arXiv numbers. A number
that is a fact of the lesson but printed nowhere on the page goes into ALLOWED, with its reason.

The course's convention for prose under every profile: a figure of a run either is printed by
code (so it is the reader's own), or stands in a sentence that says it is the committed full
run's ("in the full run on this page, ..."). On the committed notebook every figure is checked
against the full run's outputs; on a run of another profile (`make run`, `make smoke` check
their executed copies) the figures of such marked sentences are skipped and every other one
must be among that run's outputs.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
from dataclasses import dataclass

from tools.cells import SOLUTION_TAG, Notebook, prose_lines, source, tags, text

# notebook stem -> number exactly as the prose writes it -> why it may stand there without an output.
ALLOWED: dict[str, dict[str, str]] = {
    "07_regularization": {
        "0.99": "Keras' default momentum of BatchNormalization, a setting the code leaves at its default",
        # section 6 cites one earlier measurement, shifts against none, from the commit message that records it
        "0.9397": "cited: best model with shifts, mixed_bfloat16, 18 epochs, AMD EPYC (commit 8ecb078)",
        "0.9384": "cited: best model without shifts, best checkpoint, same runs (commit 8ecb078)",
        "0.9398": "cited: best model without shifts, after its last epoch, same runs (commit 8ecb078)",
    },
}

ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Parts of the prose whose numbers are not claims about a run.
NOT_PROSE = re.compile(
    r"`[^`\n]*`"  # inline code
    r"|\$\$.*?\$\$|\$[^$\n]+\$"  # LaTeX
    r"|\]\([^)\s]*\)"  # link targets
    r"|https?://\S+"  # bare addresses
    r"|arXiv:\s*\d{4}\.\d{4,5}(?:v\d+)?",  # paper numbers
    re.DOTALL | re.IGNORECASE,
)
NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
SECONDS = {
    "ms": 0.001,
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
}
MAGNITUDE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
PROSE_NUMBER = re.compile(
    rf"(?<![\w.,/])(?<!\w-){NUMBER}"  # a minus sign counts, a hyphen (2e-3, 0-9) does not
    r"(?:(?P<percent>\s?%)"
    r"|(?P<time>\s?(?:ms|s|sec|min|h)\b|\s(?:seconds?|minutes?|hours?)\b)"
    r"|(?P<ratio>[x×](?![\w]))"
    r"|(?P<magnitude>\s(?:thousand|million|billion)\b))?"
    r"(?![\w]|[.,]\d)"
)
# "32 × 32 × 3 = 3,072": a result the prose works out in front of the reader.
WORKED_OUT = re.compile(r"\d\s*[×*·+/-]\s*[\d\s×*·+/().,-]*=\s*$")
# Python 3.12 splits f-strings into parts; 3.11 keeps them one STRING token.
KEPT_TOKENS = (tokenize.NUMBER, tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING))
OUTPUT_NUMBER = re.compile(rf"(?<![\d.]){NUMBER}(?:[eE][-+]?\d+)?")
OUTPUT_TIME = re.compile(rf"(?<![\d.]){NUMBER}\s?(ms|s|sec|seconds?|min|minutes?|h|hours?)\b")


# A sentence that says its figures are the committed full run's: checked on the committed page only.
FULL_RUN = re.compile(r"\bfull[- ]run\b|\bfull profile\b", re.IGNORECASE)
# Where a sentence ends: a full stop, question or exclamation mark before a capital, a list item, a blank line.
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(*_\"'])|\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)")


@dataclass(frozen=True)
class Claim:
    """One number of the prose: its text, its value in its own unit, its decimals, and its kind."""

    text: str
    value: float
    decimals: int
    kind: str  # "percent", "time", "number"
    scale: float = 1.0  # seconds per unit for a time, the magnitude for "3.6 million"
    full_run: bool = False  # the sentence says the figure is the committed full run's


def _value(whole: str, fraction: str | None) -> tuple[float, int]:
    """The float of a matched number and its count of decimals."""
    return float(whole.replace(",", "") + ("." + fraction if fraction else "")), len(fraction or "")


def prose(cell_source: str) -> str:
    """A markdown cell's text without fenced code and the parts that hold no claims."""
    return NOT_PROSE.sub(" ", "\n".join(prose_lines(cell_source)))


def sentence_at(text: str, position: int) -> str:
    """The sentence of text that holds position."""
    starts = [0] + [m.end() for m in SENTENCE_END.finditer(text) if m.end() <= position]
    end = next((m.start() for m in SENTENCE_END.finditer(text, starts[-1]) if m.start() >= position), len(text))
    return text[starts[-1] : end]


def claims(text: str) -> list[Claim]:
    """The numbers of a prose text that look like run results."""
    found = []
    for m in PROSE_NUMBER.finditer(text):
        if WORKED_OUT.search(text[max(0, m.start() - 80) : m.start()]):
            continue
        value, decimals = _value(m.group(1), m.group(2))
        full = bool(FULL_RUN.search(sentence_at(text, m.start())))
        if m.group("percent"):
            found.append(Claim(m.group(0).strip(), value, decimals, "percent", full_run=full))
        elif m.group("time"):
            unit = m.group("time").strip()
            found.append(Claim(m.group(0).strip(), value, decimals, "time", SECONDS[unit], full_run=full))
        elif m.group("magnitude"):
            found.append(Claim(m.group(0).strip(), value, decimals, "number", MAGNITUDE[m.group("magnitude").strip()],
                               full_run=full))
        elif m.group("ratio") or decimals or "," in m.group(1):
            found.append(Claim(m.group(0).strip(), value, decimals, "number", full_run=full))
    return found


def comments(code: str) -> str:
    """A code cell's comments: authored prose, such as a solution's conclusion."""
    try:
        return "\n".join(
            t.string for t in tokenize.generate_tokens(io.StringIO(code).readline) if t.type == tokenize.COMMENT
        )
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return "\n".join(re.findall(r"#.*", code))


def code_without_comments(code: str) -> str:
    """A code cell's numbers and strings, without its comments (a comment's figure is prose, not evidence)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):  # IPython magics, unfinished code
        return re.sub(r"#.*", "", code)
    kept = [
        t.string.replace("_", "") if t.type == tokenize.NUMBER else t.string for t in tokens if t.type in KEPT_TOKENS
    ]
    return "\n".join(kept)


def page_numbers(doc: dict) -> tuple[list[float], list[float]]:
    """Every number of the code and the textual outputs, and every time (in seconds) of the outputs."""
    code, outputs = [], []
    for cell in doc.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        code.append(code_without_comments(source(cell)))
        for out in cell.get("outputs", []):
            outputs.append(text(out.get("text", "")))
            outputs += [
                text(v) if not isinstance(v, dict) else json.dumps(v)
                for mime, v in out.get("data", {}).items()
                if not mime.startswith("image/")
            ]
            outputs += [text(out.get("evalue", ""))]
    shown = ANSI.sub("", "\n".join(outputs))
    numbers = [
        _value(m.group(1), m.group(2))[0] * _exponent(m.group(0))
        for m in OUTPUT_NUMBER.finditer(shown + "\n" + "\n".join(code))
    ]
    times = [_value(m.group(1), m.group(2))[0] * SECONDS[m.group(3)] for m in OUTPUT_TIME.finditer(shown)]
    return numbers, times


def _exponent(token: str) -> float:
    """10 to the power of a number's exponent (1e-5), 1 when it has none."""
    power = re.search(r"[eE]([-+]?\d+)$", token)
    return 10.0 ** int(power.group(1)) if power and abs(int(power.group(1))) < 300 else 1.0  # not hex noise


def _rounds_to(x: float, claim: Claim) -> bool:
    """Whether x, written with the claim's decimals, reads as the claim (signs aside)."""
    return abs(abs(x) - claim.value) <= 0.5 * 10.0**-claim.decimals + 1e-9


def on_page(claim: Claim, numbers: list[float], times: list[float]) -> bool:
    """Whether the page shows the claimed number, in any of its usual formats."""
    if claim.kind == "time":
        return any(_rounds_to(t / claim.scale, claim) for t in times)
    scales = (100.0, 1.0) if claim.kind == "percent" else (1.0, 100.0, 0.01)
    return any(_rounds_to(n * s / claim.scale, claim) for n in numbers for s in scales)


def where(cell: dict) -> str:
    """How a problem names the text it found in a cell."""
    return "prose" if cell.get("cell_type") == "markdown" else "solution's comment"


def problems(doc: dict, stem: str, profile: str = "full") -> list[str]:
    """What the prose of one notebook cites that its page does not show.

    profile is the profile that made the outputs: under any other than full, figures of sentences
    marked as the full run's are not checked (they describe the committed page, not this run).
    """
    numbers, times = page_numbers(doc)
    allowed = ALLOWED.get(stem, {})
    found, used = [], set()
    for i, cell in enumerate(doc.get("cells", [])):
        if cell.get("cell_type") == "markdown":
            said = prose(source(cell))
        elif SOLUTION_TAG in tags(cell):  # a solution's comments state its conclusion
            said = NOT_PROSE.sub(" ", comments(source(cell)))
        else:  # other comments document code (a profile's settings), not a run
            continue
        for claim in claims(said):
            if claim.text in allowed:
                used.add(claim.text)
            elif claim.full_run and profile != "full":
                continue
            elif not on_page(claim, numbers, times):
                fix = ("cite what the page prints, print it from code, or allow it with a reason in "
                       "tools/prose_numbers.py (ALLOWED)") if profile == "full" else (
                       "print it from code, so that it is this run's own figure, or say in its sentence that it is "
                       "the committed full run's (\"in the full run on this page, ...\")")
                found.append(f"cell {i}: the {where(cell)} says {claim.text!r}, which no output or code of this "
                             f"{'notebook' if profile == 'full' else profile + ' run'} shows: {fix}")
    if profile != "full":
        return found  # ALLOWED is kept in step with the committed page
    found += [
        f"tools/prose_numbers.py allows {text!r} for {stem}, but its prose no longer says it: remove the entry"
        for text in allowed
        if text not in used
    ]
    return found


def check_prose_numbers(nb: Notebook) -> list[str]:
    """The lint rule: every figure in the committed page's prose is among its full run's outputs, or allowed."""
    return problems(nb.doc, nb.stem)
