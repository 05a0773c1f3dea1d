"""Browser suite: Debian's Chromium driven by Playwright, pages checked with axe-core."""

import os

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django's ORM calls from the
# test itself are still synchronous, so they are safe (Playwright's documented advice).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("KANAL_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core (WCAG 2.x A/AA incl. 2.2) on the page; returns the violations."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(
            page,
            options={
                "runOnly": {
                    "type": "tag",
                    "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
                }
            },
        )
        return [
            (v["id"], v["help"], [n["target"] for n in v["nodes"]])
            for v in results.response["violations"]
        ]

    return check
