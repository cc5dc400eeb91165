"""Serving the dashboards to a browser in the tests: a server on a free port, and a page drawn.

Shared by the browser tests (test_browser.py) and the sign-in browser tests
(test_signin_browser.py), which also start an identity provider the same way.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

# How long a page may take before a test calls it stuck. Not a speed bound (the dashboard
# benchmark measures speed): CI drew the overview in 24.8 s once, with a Spark build and other
# workers on the same two cores.
PATIENCE_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str]) -> subprocess.Popen:
    """`command` in its own process group (stopped by `stop_server`, by its id), with this
    process's environment as it is now."""
    return subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def start_server(port: int) -> subprocess.Popen:
    """`c360 serve` on `port`, over the environment's C360_HOME."""
    return start([sys.executable, "-m", "c360.cli", "serve", "--port", str(port)])


def stop_server(process: subprocess.Popen) -> None:
    """Stop what `start` started, and everything it started in turn."""
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def wait_until_serving(url: str, seconds: float = 60, path: str = "/_stcore/health") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + path, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"dashboards did not start at {url}")


def open_page(page, url: str) -> float:
    """Open `url`, wait until Streamlit has finished running the script; seconds it took."""
    started = time.monotonic()
    page.goto(url)
    return wait_until_drawn(page, started)


def wait_until_drawn(page, started: float | None = None) -> float:
    """Wait until Streamlit has drawn the page and finished its script; seconds since `started`."""
    started = time.monotonic() if started is None else started
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=PATIENCE_SECONDS * 1000)
    # The app marks its script's state ("initial", "running", "notRunning"), and elements stand
    # as skeletons until their component has loaded: the overview's month tiles were drawn 2-3 s
    # after the script had ended, after some year-to-date ones (so the first "Net revenue" tile
    # read 861.59 k EUR for 75.70 k once in CI). Done is when the script has stopped and no
    # skeleton is left, for a second.
    finished = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    loading = '[data-testid="stStatusWidget"], [data-testid="stMain"] [data-testid="stSkeleton"]'
    quiet_since = None
    while time.monotonic() - started < PATIENCE_SECONDS:
        if not page.locator(finished).count() or page.locator(loading).count():
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since >= 1:
            return quiet_since - started
        time.sleep(0.1)
    raise TimeoutError(f"{page.url} was still running after {PATIENCE_SECONDS} s")
