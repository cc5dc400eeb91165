"""Whole dashboard pages timed in chromium over a published warehouse (`--browser`).

`c360 serve` over an already published C360_HOME (read only), then Debian's chromium opens every
page in turn, `opens` rounds, each timed by the browser test's `open_page` (until the page's
script has stopped and no element is still loading, for a second), with the load average at
each open.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.dashboard_pages import say

TARGET_PAGE_S = 2.0
# url path -> query string of every page, in the navigation's order; Customer 360 opens on the
# biggest customer by lifetime revenue (filled in at run time).
BROWSER_PAGES = [
    "",
    "profitability",
    "acquisition",
    "retention",
    "pipeline",
    "projects",
    "customer-360",
    "data-quality",
    "sql",
]


def browser(home: Path, opens: int) -> dict:
    """Seconds to open each whole page in chromium, `opens` rounds, over `home`'s warehouse."""
    from playwright.sync_api import sync_playwright

    from c360.serving import connect_readonly
    from c360.settings import Settings
    from tests.dashboards.test_browser import (
        CHROMIUM,
        CHROMIUM_ARGS,
        assert_no_error,
        free_port,
        open_page,
        start_server,
        stop_server,
        wait_until_serving,
    )

    os.environ["C360_HOME"] = str(home)
    con = connect_readonly(Settings.from_env())
    try:
        customers, biggest = con.execute(
            "select count(*), arg_max(customer_key, lifetime_net_revenue) from marts.dim_customers"
        ).fetchone()
    finally:
        con.close()
    port = free_port()
    started = time.perf_counter()
    server = start_server(port)
    url = f"http://127.0.0.1:{port}"
    rounds: list[dict] = []
    try:
        wait_until_serving(url)
        serving_s = time.perf_counter() - started
        say(f"serving after {serving_s:.1f} s")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = chromium.new_page(viewport={"width": 1400, "height": 1800})
            for i in range(opens):
                timings = {}
                for path in BROWSER_PAGES:
                    query = f"?q={biggest}" if path == "customer-360" else ""
                    seconds = open_page(page, f"{url}/{path}{query}")
                    assert_no_error(page)
                    timings[path or "overview"] = {
                        "seconds": round(seconds, 2),
                        "load_1m": round(os.getloadavg()[0], 2),
                    }
                    say(f"round {i + 1}  {path or 'overview':<14} {timings[path or 'overview']}")
                rounds.append(timings)
            chromium.close()
    finally:
        stop_server(server)
    worst = max(t["seconds"] for r in rounds for t in r.values())
    return {
        "home": str(home),
        "customers": customers,
        "serving_after_s": round(serving_s, 1),
        "rounds": rounds,
        "worst_s": worst,
        "meets_target": worst < TARGET_PAGE_S,
    }
