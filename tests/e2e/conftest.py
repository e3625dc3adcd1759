"""Fixtures for the real-browser suite: one JupyterLab and one headless Chromium for the whole package.

Tests take `lab_page` (a fresh tab; screenshot saved to test-artifacts/e2e/ after the test, whatever the
outcome) and `lab_server` (see `e2e.helpers.LabServer`), and drive them with `e2e.helpers`.
Skips only when Playwright or Chromium is truly missing, and never under CI=true: there it fails.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
except ImportError as exc:
    _PLAYWRIGHT_MISSING: str | None = f"the Python package playwright is not importable ({exc})"
else:
    _PLAYWRIGHT_MISSING = None

from .helpers import CHROMIUM_ARGS, LabServer, chromium_path, start_lab, start_notebook7


def _unavailable() -> str | None:
    if _PLAYWRIGHT_MISSING:
        return _PLAYWRIGHT_MISSING
    if chromium_path() is None:
        return "no Chromium at /usr/bin/chromium (apt-get install chromium) or $DSPYER_CHROMIUM"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Remember each phase's report on the item, so `lab_page` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def e2e_artifacts(artifacts_dir: Path) -> Path:
    """test-artifacts/e2e/ (emptied first, so it shows this run): screenshots, console logs, the JupyterLab log."""
    path = artifacts_dir / "e2e"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


@pytest.fixture(scope="package")
def lab_server(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[LabServer]:
    """One JupyterLab for the whole e2e package (startup is the expensive part)."""
    server = start_lab(tmp_path_factory.mktemp("jupyterlab"), e2e_artifacts / "jupyterlab.log")
    yield server
    server.stop()


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless system Chromium driven by Playwright (never a downloaded browser)."""
    reason = _unavailable()
    if reason and os.environ.get("CI", "").lower() in ("1", "true"):
        pytest.fail(f"CI=true but the browser e2e suite cannot run: {reason}", pytrace=False)
    if reason:
        pytest.skip(f"browser e2e skipped: {reason}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for the package, so JupyterLab's bundles come from the HTTP cache after the first test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context
    context.close()


@pytest.fixture(scope="package")
def notebook7_server(tmp_path_factory: pytest.TempPathFactory, e2e_artifacts: Path) -> Iterator[LabServer]:
    """One Notebook 7 server (`jupyter notebook`) for the tests that need it."""
    server = start_notebook7(tmp_path_factory.mktemp("notebook7"), e2e_artifacts / "notebook7.log")
    yield server
    server.stop()


@contextmanager
def _tab(request: pytest.FixtureRequest, context: BrowserContext, artifacts: Path) -> Iterator[Page]:
    """A new tab; afterwards a screenshot (and, on failure, the console log) go to `artifacts`."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    console: list[str] = []
    page.on("console", lambda msg: console.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: console.append(f"pageerror: {exc}"))
    yield page
    report = getattr(request.node, "report_call", None)
    outcome = "failed" if report is None or report.failed else "passed"
    stem = re.sub(r"[^\w.-]+", "_", request.node.name)
    try:
        page.screenshot(path=artifacts / f"{stem}-{outcome}.png")
    finally:
        if outcome == "failed":
            (artifacts / f"{stem}-console.txt").write_text("\n".join(console))
        page.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser_context: BrowserContext, e2e_artifacts: Path) -> Iterator[Page]:
    """A new tab for any server; afterwards a screenshot (and, on failure, the console log) go to test-artifacts/e2e/."""
    with _tab(request, browser_context, e2e_artifacts) as page:
        yield page


@pytest.fixture
def lab_page(
    request: pytest.FixtureRequest, browser_context: BrowserContext, lab_server: LabServer, e2e_artifacts: Path
) -> Iterator[Page]:
    """A new JupyterLab tab (screenshot and console log as for `page`); then the server's kernels are shut down."""
    with _tab(request, browser_context, e2e_artifacts) as page:
        yield page
    lab_server.shutdown_kernels()
