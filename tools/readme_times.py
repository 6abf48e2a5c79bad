"""The course's times in the README and in docs/testing.md, written from the measurements, never by hand.

    python tools/readme_times.py            # rewrite them from results/bench.json and results/full/times.json
    python tools/readme_times.py --check    # exit 1, naming each stale figure, if a page no longer agrees

The README's table of notebooks (columns smoke, quick, full) and its timetable (column "quick run") show
each notebook's time exactly as its setup line prints it: both come from helpers.profiles.measured_times,
so a page and the README can only differ if the results changed after the page ran, and then the setup
line names the measurement it shows. The paragraphs between `<!-- times -->` and `<!-- /times -->` (README)
and `<!-- smoke-least -->` and `<!-- /smoke-least -->` (docs/testing.md) say which measurements these are.
`make bench` and `make reference` rewrite them after measuring; tests/test_readme_times.py fails when a
committed copy is stale.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from helpers.profiles import PROFILES, TIMES_FILES, Measurement, duration, measured_times
from tools.common import ROOT, all_notebooks

README, TESTING = ROOT / "README.md", ROOT / "docs" / "testing.md"
NOTEBOOK_LINK = re.compile(r"\[(\d\d_\w+)\]\(notebooks/\1\.ipynb\)")
UNMEASURED = "–"


def cells(line: str) -> list[str]:
    """The cells of a Markdown table row, stripped."""
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def row(values: list[str]) -> str:
    """A Markdown table row (an empty cell as `| |`)."""
    return "|" + "|".join(f" {value} " if value else " " for value in values) + "|"


def rewrite_tables(text: str, times: dict[str, dict[str, Measurement]]) -> str:
    """The README with the time columns of its notebook table and timetable taken from times (notebook -> profile)."""
    lines, columns = text.split("\n"), {}
    by_number = {name[:2]: name for name in times}
    for i, line in enumerate(lines):
        if not line.startswith("|"):
            columns = {}
            continue
        parts = cells(line)
        if not columns:  # a table's header row
            columns = {name: k for k, name in enumerate(parts)}
            continue
        if set(parts[0]) <= set("-: "):
            continue
        link = NOTEBOOK_LINK.search(parts[0])
        if link and link.group(1) in times:  # the table of notebooks
            for profile in PROFILES:
                if profile in columns:
                    m = times[link.group(1)].get(profile)
                    parts[columns[profile]] = duration(m.seconds) if m else UNMEASURED
            lines[i] = row(parts)
        elif "quick run" in columns and "notebooks" in columns:  # the timetable
            numbers = re.findall(r"\d\d", parts[columns["notebooks"]])
            shown = [times.get(by_number.get(n, ""), {}).get("quick") for n in numbers]
            parts[columns["quick run"]] = " + ".join(duration(m.seconds) if m else UNMEASURED for m in shown)
            lines[i] = row(parts)
    return "\n".join(lines)


def between(text: str, marker: str, body: str, where: str) -> str:
    """text with what stands between <!-- marker --> and <!-- /marker --> replaced by body."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if text.count(start) != 1 or text.count(end) != 1:
        raise SystemExit(f"{where} needs one `{start}` line and one `{end}` line around the generated text.")
    head, rest = text.split(start)
    return f"{head}{start}\n{body}\n{end}{rest.split(end)[1]}"


def span(measurements: list[Measurement]) -> str:
    """When a set of measurements was taken: "2026-12-02 10:29 to 16:42"."""
    first, last = min(m.measured for m in measurements), max(m.measured for m in measurements)
    if first == last:
        return first
    return f"{first} to {last[11:] if first[:10] == last[:10] else last}"


def provenance(times: dict[str, dict[str, Measurement]]) -> str:
    """The README's sentence on which measurements its times are."""
    parts, machines = [], set()
    for command, profiles_of in (("make bench", ("smoke", "quick")), ("make reference", ("full",))):
        taken = [m for per in times.values() for p, m in per.items() if p in profiles_of]
        if taken:
            files = sorted({str(TIMES_FILES[p]) for p in profiles_of})
            parts.append(f"{' and '.join(profiles_of)} from `{command}` (`{'`, `'.join(files)}`, {span(taken)})")
            machines |= {m.machine for m in taken}
    where = f"all on {machines.pop()}" if len(machines) == 1 else "each notebook's machine in its setup line"
    return (f"Times are wall-clock times of a headless run, kernel start included, exactly as each notebook's "
            f"setup line prints them, from the same measurements: {'; '.join(parts) or 'none yet'}; {where}. "
            "`make bench` and `make reference` rewrite these columns (`tools/readme_times.py`).")


def smoke_least(bench: dict) -> str:
    """docs/testing.md's sentence on the smoke series at its least, from the bench's figures."""
    least = bench.get("smoke-least", {})
    startup = bench.get("startup", {}).get("kernel_and_tensorflow", {}).get("median_seconds")
    if not least or not startup:
        return "No measurement of the smoke series at its least yet (`make bench ONLY=smoke-least,startup`)."
    total, as_is = (sum(r[key] for r in least.values()) for key in ("seconds", "smoke_seconds"))
    when = sorted(r["measured"] for r in least.values())
    cpus = {json.dumps(r.get("machine") or bench.get("machine", {}), sort_keys=True) for r in least.values()}
    cpu = json.loads(cpus.pop()) if len(cpus) == 1 else {}  # each row names the machine that measured it
    machine = f"a {cpu.get('cores')}-core {cpu.get('cpu')}" if cpu else "machines named in docs/benchmarks.md"
    return (f"On {when[0][:10]} ({when[0][11:]}-{when[-1][11:]}, {machine}) the "
            f"series took {as_is:,.0f} s as it is and {total:,.0f} s at its least, {total / as_is:.2f} of it, against "
            f"a start-up time of {startup:.1f} s per notebook (kernel start and TensorFlow import): "
            f"{total / (len(least) * startup):.1f} times the start-up time of {len(least)} notebooks even with "
            "almost no data.")


def all_times(root: Path = ROOT) -> dict[str, dict[str, Measurement]]:
    """Every notebook's measurements, as its setup line reads them."""
    return {nb.stem: measured_times(nb.stem, root) for nb in all_notebooks()}


def pages(root: Path = ROOT) -> dict[Path, str]:
    """The README and docs/testing.md as they should read now."""
    times = all_times(root)
    try:
        bench = json.loads((root / TIMES_FILES["quick"]).read_text())
    except (OSError, ValueError):
        bench = {}
    readme = root / README.relative_to(ROOT)
    testing = root / TESTING.relative_to(ROOT)
    text = between(rewrite_tables(readme.read_text(), times), "times", provenance(times), "README.md")
    return {readme: text,
            testing: between(testing.read_text(), "smoke-least", smoke_least(bench), "docs/testing.md")}


def stale(root: Path = ROOT) -> list[str]:
    """The pages whose times differ from the measurements, each with its first differing line."""
    found = []
    for path, text in pages(root).items():
        old = path.read_text()
        if old != text:
            number, was, now = next((n, a, b) for n, (a, b) in enumerate(zip(old.split("\n"), text.split("\n"),
                                                                             strict=False), start=1) if a != b)
            found.append(f"{path.relative_to(root)}, line {number}: {difference(was, now)}. Run "
                         "`python tools/readme_times.py` (make bench and make reference do) and commit the result.")
    return found


def difference(was: str, now: str) -> str:
    """What a stale line says against what the measurements give: the cells that differ, in a table row."""
    if was.startswith("|") and now.startswith("|") and len(cells(was)) == len(cells(now)):
        link = NOTEBOOK_LINK.search(was)
        differ = [f"{a!r} where the measurements give {b!r}" for a, b in zip(cells(was), cells(now), strict=True)
                  if a != b]
        return f"{link.group(1) + ' ' if link else ''}shows {'; '.join(differ)}"
    return f"says {was.strip()[:120]!r} where the measurements give {now.strip()[:120]!r}"


def write(root: Path = ROOT) -> list[Path]:
    """Rewrite the pages whose times are stale; return them."""
    written = []
    for path, text in pages(root).items():
        if path.read_text() != text:
            path.write_text(text)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a page is stale")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        print("\n".join(problems) or "README.md and docs/testing.md show the measured times.")
        return 1 if problems else 0
    for path in write():
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
