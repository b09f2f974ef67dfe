"""pytest plugin: a real headless Chromium for the tests of policykg's HTML pages.

Chromium is the system's (Debian's `chromium`; `make dev` installs it with
`fonts-noto-cjk` when missing), driven by Playwright; Playwright's own browser
download is never used, as nothing outside the package registries is reachable.
Set POLICYKG_CHROMIUM to use another Chromium build.

`open_page(path)` opens an HTML file from a file:// URL in a fresh offline context in
which every request that is not for that file is refused and recorded, so a test
can assert that a page is self-contained; console messages and page errors are
recorded too.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL_HINT = "run `make dev` (as root it installs Debian's chromium and fonts-noto-cjk), or set POLICYKG_CHROMIUM"


def chromium_path() -> str | None:
    """The Chromium to drive: $POLICYKG_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH."""
    if os.environ.get("POLICYKG_CHROMIUM"):
        return os.environ["POLICYKG_CHROMIUM"]
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


@dataclass
class OpenedPage:
    page: object                                   # playwright.sync_api.Page
    refused: list[str] = field(default_factory=list)      # URLs the page tried to load besides itself
    console: list[tuple[str, str]] = field(default_factory=list)   # (type, text)
    errors: list[str] = field(default_factory=list)       # uncaught page errors

    @property
    def console_errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"]


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.fail(f"no Chromium found; {INSTALL_HINT}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[dev]'")
    # Chromium's sandbox needs user namespaces, which a root process in a container does not get.
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=args)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(path: str | Path, width: int = 1280, height: int = 900) -> OpenedPage:
        url = Path(path).resolve().as_uri()
        context = browser.new_context(offline=True, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        opened = OpenedPage(page)

        def refuse_others(route):
            if route.request.url == url:
                route.continue_()
            else:
                opened.refused.append(route.request.url)
                route.abort()

        def note_failed(request):
            # a request the route did not see (e.g. another file:// resource) that still failed
            if request.url != url and request.url not in opened.refused:
                opened.refused.append(request.url)

        page.route("**/*", refuse_others)
        page.on("requestfailed", note_failed)
        page.on("console", lambda m: opened.console.append((m.type, m.text)))
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.goto(url, wait_until="load")
        return opened

    try:
        yield open_
    finally:
        for context in contexts:
            context.close()
