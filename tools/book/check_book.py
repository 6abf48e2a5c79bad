"""Open the built course site in headless Chromium and report what a reader would find broken.

    python tools/book/check_book.py                 # build/book/, every page, screenshot of the front page
    python tools/book/check_book.py --site DIR

A page fails on a JavaScript error or a resource that did not load (the browser's
console), an image that did not load, a Plotly figure that did not draw, a folded
solution or answer shown open, or an internal link to a file or anchor that does not
exist. Chromium and its driver are Debian's; `make test` installs them (tools/browser.py).
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from tools.book.build_book import OUT
from tools.browser import CHROMEDRIVER, CHROMIUM, HOW_TO_INSTALL, missing

# Flags for a container where Chromium runs as root with no GPU, no network and no first-run chores.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                  "--window-size=1280,900")
DRAW_SECONDS = 8.0  # how long Plotly gets to draw after the page's load event
SCREENSHOT = OUT.parent / "book-front-page.png"

# What the page shows, gathered in the browser after it drew.
PAGE_FACTS = """
const facts = {images: [], plots: [], links: [], open: []};
for (const img of document.images) {
  if (!img.complete || img.naturalWidth === 0) facts.images.push(img.getAttribute('src'));
}
for (const div of document.querySelectorAll('.plotly-graph-div')) {
  if (!div.querySelector('svg.main-svg')) facts.plots.push(div.id);
}
for (const a of document.querySelectorAll('a[href]')) facts.links.push(a.href);
for (const d of document.querySelectorAll('details.hide, details.course-answers')) {
  if (d.open) facts.open.push(d.className);
}
facts.drawing = facts.plots.length > 0;
return facts;
"""


class BrowserMissing(Exception):
    """Chromium or its driver is not installed; the message says how to install them."""


@contextmanager
def browser() -> Iterator[object]:
    """A headless Chromium under Selenium, with a fresh profile folder removed afterwards."""
    lacking = missing()
    if lacking:
        raise BrowserMissing(f"{' and '.join(map(str, lacking))} not found. {HOW_TO_INSTALL} "
                             "(`make test` installs them itself where apt-get can be used as root.)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="course-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def page_facts(driver, draw_seconds: float = DRAW_SECONDS) -> dict:
    """The page's facts once Plotly has finished drawing (or draw_seconds have passed)."""
    deadline = time.monotonic() + draw_seconds
    facts = driver.execute_script(PAGE_FACTS)
    while facts["drawing"] and time.monotonic() < deadline:
        time.sleep(0.2)
        facts = driver.execute_script(PAGE_FACTS)
    return facts


def console_errors(driver) -> list[str]:
    """Errors in the browser's console since the last call: exceptions, failed loads, console.error."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def ids_of(page: Path) -> set[str]:
    """Every id in an HTML file."""
    return {html.unescape(m) for m in re.findall(r'\bid="([^"]*)"', page.read_text(encoding="utf-8"))}


def broken_links(links: list[str], site: Path) -> list[str]:
    """Links to files of this machine (the site, the run reports) whose file or anchor does not exist."""
    problems = []
    for link in sorted(set(links)):
        parts = urlsplit(link)
        if parts.scheme != "file":
            continue  # the web: not checked offline
        target = Path(unquote(parts.path))
        if not target.exists():
            problems.append(f"link to a missing file: {link}")
        elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids_of(target):
            problems.append(f"link to a missing anchor: {link}")
    return problems


def check_page(driver, page: Path, site: Path, draw_seconds: float = DRAW_SECONDS) -> list[str]:
    """What is broken on one page of the site, as sentences."""
    driver.get("about:blank")  # the previous page can log no more once it is gone
    driver.get_log("browser")  # forget its messages
    driver.get(page.resolve().as_uri())
    facts = page_facts(driver, draw_seconds)
    problems = [f"JavaScript or loading error: {message}" for message in console_errors(driver)]
    problems += [f"image did not load: {src}" for src in facts["images"]]
    problems += [f"Plotly figure did not draw: #{div}" for div in facts["plots"]]
    problems += [f"a folded block is open: {name}" for name in facts["open"]]
    return problems + broken_links(facts["links"], site)


def site_pages(site: Path) -> list[Path]:
    """The front page and every notebook page, in course order."""
    return [site / "index.html", *sorted(site.glob("[0-9][0-9]_*.html"))]


def check_site(site: Path = OUT, screenshot: Path | None = SCREENSHOT) -> dict[str, list[str]]:
    """Problems per page name; also saves a screenshot of the front page."""
    if not (site / "index.html").is_file():
        raise FileNotFoundError(f"{site / 'index.html'} is missing: build the site with `make book` first.")
    with browser() as driver:
        return check_pages(driver, site, screenshot)


def check_pages(driver, site: Path, screenshot: Path | None = None) -> dict[str, list[str]]:
    """Problems per page name, with a browser already open; also saves a screenshot of the front page."""
    found = {}
    for page in site_pages(site):
        found[page.name] = check_page(driver, page, site)
        if page.name == "index.html" and screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(screenshot))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=OUT, help="the built site (default build/book)")
    args = parser.parse_args(argv)
    try:
        found = check_site(args.site.resolve())
    except (BrowserMissing, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 1
    for name, problems in found.items():
        print(f"{name}: {'ok' if not problems else f'{len(problems)} problems'}")
        for problem in problems:
            print(f"    {problem}")
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
