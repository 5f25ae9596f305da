"""End to end in headless Chromium, with JavaScript off: home page, an agency, a figure's sentence.

Runs Debian's Chromium (``apt-get install chromium``) through Playwright's Python package
(``pip install playwright``), which drives the browser at ``$SAFEKG_CHROMIUM`` (default
``/usr/bin/chromium``); no browser is downloaded. Without either the test is skipped on a
developer's machine and fails under CI (``$CI`` set). Screenshots are kept in
``tests/artifacts/``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import serving

from safekg import api
from safekg.serve import SafeKGServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser

REPO = Path(__file__).resolve().parent.parent
ARTICLES = REPO / "data" / "articles"
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = os.environ.get("SAFEKG_CHROMIUM", "/usr/bin/chromium")
#: Flags for a headless Chromium that runs as root and reaches nothing but the test server.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
AGENCY = "West Midlands Regional Organised Crime Unit"
AGENCY_PATH = "/id/agency/west-midlands-regional-organised-crime-unit"
SENTENCE_PATH = "/id/article/004_bd8a260c78bd93ac#char=409,496"
SENTENCE = "A total of 83 men and two women were snared by under-the-radar cops in those 12 months."


def _missing() -> list[str]:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install playwright)")
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return missing


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    missing = _missing()
    if missing:
        message = "the browser test needs " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SafeKGServer]:
    location = tmp_path_factory.mktemp("browser") / "store"
    assert api.build([ARTICLES], store_location=location).complete  # links included
    with serving(location) as running:
        yield running


def test_from_home_page_to_an_agency_to_the_sentence_of_a_figure(
    browser: Browser, server: SafeKGServer
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1200, "height": 1000}
    )
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    try:
        page.goto(server.url + "/")
        assert page.locator("h1").inner_text() == "safekg: reported child-protection policing"

        # search for the agency by part of its name, then open it from the results
        page.get_by_label("Search names").fill("organised crime")
        page.get_by_role("button", name="Search").first.click()
        page.wait_for_url(re.compile(r"/search\?q=organised"))
        page.get_by_role("link", name=AGENCY, exact=True).click()
        page.wait_for_url(server.url + AGENCY_PATH)
        assert page.locator("h1").inner_text() == AGENCY
        chart = page.locator("svg.chart")
        assert chart.is_visible()
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] > 400
        assert box["height"] > 300
        assert page.get_by_role("img", name=re.compile("Outcome figures of")).count() == 1
        page.screenshot(path=str(ARTIFACTS / "agency-page.png"), full_page=True)
        page.screenshot(path=str(ARTIFACTS / "agency-page-top.png"))

        # follow the figure 85 (arrests) to the sentence it was read from
        page.get_by_role("link", name="85", exact=True).click()
        page.wait_for_url(server.url + SENTENCE_PATH)
        target = page.locator("li:target")
        assert target.count() == 1
        assert SENTENCE in target.inner_text()
        assert "004_bd8a260c78bd93ac" in target.inner_text()
        assert "17 Mar 2018" in target.inner_text()
        background = target.evaluate("element => getComputedStyle(element).backgroundColor")
        assert background == "rgb(255, 241, 168)"  # highlighted
        box = target.bounding_box()
        assert box is not None
        assert 0 <= box["y"] < 1000  # scrolled into view
        page.screenshot(path=str(ARTIFACTS / "sentence.png"))
    finally:
        context.close()
    elsewhere = [url for url in requested if not url.startswith(server.url + "/")]
    assert not elsewhere, elsewhere
    for name in ("agency-page.png", "agency-page-top.png", "sentence.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000
