"""The overview page in a real browser (Debian's chromium, driven by Playwright), served by
`c360 serve` from a warehouse published by a real refresh."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import settings_for

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="chromium is not installed (make browser installs Debian's package as root)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"dashboards did not start at {url}")


@pytest.fixture
def served(built, tmp_path, monkeypatch):
    """`c360 serve` on a free port over the integration test's published warehouse."""
    settings_for(built, monkeypatch)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "c360.cli", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_overview_renders_kpi_tiles_and_charts_without_errors(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(served)
            page.wait_for_selector('[data-testid="stMetric"]', timeout=45_000)
            page.wait_for_selector(".js-plotly-plot", timeout=45_000)
            labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
            assert labels == [
                "Net revenue",
                "Gross margin",
                "Gross margin %",
                "New customers",
                "Active customers",
            ]
            assert page.locator('[data-testid="stException"]').count() == 0
            assert page.locator('[data-testid="stAlertContentError"]').count() == 0
            assert "EUR" in page.locator('[data-testid="stMetricValue"]').first.inner_text()
        finally:
            browser.close()
