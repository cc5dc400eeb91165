"""Every page in a real browser (Debian's chromium, driven by Playwright), served by `c360 serve`
from a warehouse published by a real refresh. Screenshots go to C360_SCREENSHOT_DIR when set."""

import contextlib
import json
import os
from pathlib import Path

import pytest

from c360.serving import connect_readonly
from dashboards.formatting import count, days, money
from tests.conftest import settings_for
from tests.dashboards.conftest import NEEDS_CHROMIUM
from tests.dashboards.served import (
    PATIENCE_SECONDS,
    free_port,
    open_page,
    start_server,
    stop_server,
    wait_until_serving,
)

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def server(built):
    """`c360 serve` on a free port over the integration test's published warehouse, started once
    for the module's tests (a start costs ~10 s on two cores): its URL and its process."""
    port = free_port()
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings_for(built, monkeypatch)
        process = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url)
        yield url, process
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def served(server) -> str:
    """The URL of `server`."""
    return server[0]


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where page screenshots go: C360_SCREENSHOT_DIR when set (to look at them), else tmp."""
    folder = Path(os.environ.get("C360_SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser_context(browser):
    """One browser context for the module's pages; each test opens a page, and so a Streamlit
    session, of its own in it."""
    # Tall enough for a screenshot to hold the top of every page and its tables.
    context = browser.new_context(viewport={"width": 1400, "height": 1800})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def browser_page(browser_context):
    """A page of its own for the test (a Streamlit session of its own), closed after it."""
    page = browser_context.new_page()
    try:
        yield page
    finally:
        page.close()


def assert_no_error(page) -> None:
    assert page.locator('[role="dialog"]').count() == 0  # e.g. "Page not found"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0


def mart_value(settings, sql: str):
    con = connect_readonly(settings)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_every_page_renders_its_headline_numbers_without_errors(
    served, built, browser_page, screenshots, monkeypatch
):
    from playwright.sync_api import expect

    settings = settings_for(built, monkeypatch)
    revenue = mart_value(
        settings,
        "select net_revenue from marts.rpt_kpi_monthly where is_complete_month "
        "order by month desc limit 1",
    )
    biggest = mart_value(
        settings,
        "select erp_customer_number from marts.dim_customers "
        "order by lifetime_net_revenue desc limit 1",
    )
    lifetime = mart_value(
        settings,
        f"select lifetime_net_revenue from marts.dim_customers "
        f"where erp_customer_number = '{biggest}'",
    )
    version = mart_value(settings, "select version from meta.publication")
    files = mart_value(settings, "select count(*) from quality.load_log where status = 'loaded'")
    contribution = mart_value(
        settings, "select sum(contribution_margin) from marts.rpt_customer_profitability_lifetime"
    )
    month = "(select max(month) from marts.rpt_kpi_monthly where is_complete_month)"
    cac, churned, dso = (
        mart_value(settings, f"select {column} from marts.rpt_kpi_monthly where month = {month}")
        for column in ("blended_cac", "churned_customers", "dso_days")
    )
    pipeline = mart_value(settings, "select sum(open_amount) from marts.rpt_pipeline")
    pages = [
        ("", "", "Net revenue", money(revenue, "EUR")),
        ("profitability", "", "Lifetime contribution margin", money(contribution, "EUR")),
        ("acquisition", "", "Blended CAC", money(cac, "EUR")),
        ("retention", "", "Churned customers", count(churned)),
        ("pipeline", "", "Open pipeline", money(pipeline, "EUR")),
        ("projects", "", "DSO", days(dso)),
        ("customer-360", f"?q={biggest}", "Lifetime net revenue", money(lifetime, "EUR")),
        ("data-quality", "", "Files loaded", f"{files:,}"),
        ("sql", "", None, f"c360-{version}.duckdb"),
    ]
    seconds = {}
    for path, query, label, expected in pages:
        seconds[path] = open_page(browser_page, f"{served}/{path}{query}")
        assert_no_error(browser_page)
        if label:
            metric = browser_page.locator('[data-testid="stMetric"]').filter(has_text=label).first
            expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(
                expected, timeout=10_000
            )
        else:
            assert expected in browser_page.locator('[data-testid="stMain"]').inner_text()
        browser_page.screenshot(path=str(screenshots / f"{path or 'overview'}.png"))
    # Kept to look at, not asserted: speed is the dashboard benchmark's (issue 8's 2 s per page).
    (screenshots / "seconds_to_render.json").write_text(json.dumps(seconds, indent=2) + "\n")


def test_the_overview_shows_both_tile_rows_and_the_trend_chart(served, browser_page):
    open_page(browser_page, served)
    browser_page.wait_for_selector(".js-plotly-plot", timeout=PATIENCE_SECONDS * 1000)
    row = [
        "Net revenue",
        "Gross margin",
        "Gross margin %",
        "Contribution margin",
        "New customers",
        "Active customers",
        "Churned customers",
        "Blended CAC",
        "ARR",
        "NRR",
        "GRR",
        "DSO",
    ]
    # Tiles are drawn as their queries return: wait for all of them (a loaded machine is slow).
    browser_page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=\"stMetricLabel\"]').length >= n",
        arg=2 * len(row) + 1,
        timeout=PATIENCE_SECONDS * 1000,
    )
    labels = browser_page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert labels == [*row, "LTV:CAC", *row]  # the month (and LTV:CAC), then the year to date
    assert_no_error(browser_page)


def test_the_sql_page_runs_a_query_and_refuses_a_write(served, browser_page):
    open_page(browser_page, f"{served}/sql")
    browser_page.get_by_role("button", name="Run").click()
    browser_page.wait_for_selector("text=rows in", timeout=PATIENCE_SECONDS * 1000)
    assert_no_error(browser_page)
    editor = browser_page.locator("textarea").first
    editor.fill("drop table marts.dim_customers")
    browser_page.keyboard.press("Control+Enter")
    browser_page.get_by_role("button", name="Run").click()
    browser_page.wait_for_selector(
        '[data-testid="stAlertContentError"]', timeout=PATIENCE_SECONDS * 1000
    )
    assert (
        "Cannot execute statement of type"
        in browser_page.locator('[data-testid="stAlertContentError"]').inner_text()
    )


def test_the_acquisition_page_builds_its_csv_downloads_on_click(
    served, built, browser_page, monkeypatch
):
    settings = settings_for(built, monkeypatch)
    scored = mart_value(
        settings, "select count(*) from marts.fct_customer_clv where predicted_clv is not null"
    )
    top = mart_value(
        settings,
        "select customer_key from marts.fct_customer_clv "
        "order by predicted_clv desc, customer_key limit 1",
    )
    open_page(browser_page, f"{served}/acquisition")
    button = browser_page.get_by_role("button", name=f"Download all {scored:,} scored customers")
    with browser_page.expect_download(timeout=30_000) as download:
        button.click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("customer_key,customer_name,")
    assert len(lines) == scored + 1
    assert lines[1].startswith(f"{top},")
    assert_no_error(browser_page)


def test_the_receivables_tab_is_drawn_when_it_is_opened(served, browser_page):
    open_page(browser_page, f"{served}/projects")
    assert browser_page.get_by_text("Overdue invoices (as of the newest extract)").count() == 0
    browser_page.get_by_role("tab", name="Receivables").click()
    browser_page.wait_for_selector(
        "text=Overdue invoices (as of the newest extract)", timeout=PATIENCE_SECONDS * 1000
    )
    assert "tab=Receivables" in browser_page.url
    assert_no_error(browser_page)


@pytest.fixture(scope="module")
def served_erp_only(erp_only_built):
    """`c360 serve` over the ERP-only company (no CRM, no costs, no FX table)."""
    port = free_port()
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings_for(erp_only_built, monkeypatch)
        process = start_server(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url)
        yield url
    finally:
        stop_server(process)


def test_an_erp_only_company_shows_unknown_with_the_missing_source(
    served_erp_only, browser_page, screenshots
):
    from playwright.sync_api import expect

    missing_costs = "no product_costs in the ERP extracts: COGS, gross and contribution margin"
    open_page(browser_page, served_erp_only)
    assert_no_error(browser_page)
    for label in ("Gross margin", "Gross margin %", "Contribution margin"):
        metric = browser_page.locator('[data-testid="stMetric"]').filter(has_text=label).first
        expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(
            "unknown", timeout=10_000
        )
    expect(browser_page.get_by_text(missing_costs).first).to_be_visible()
    browser_page.screenshot(path=str(screenshots / "erp_only_overview.png"))
    open_page(browser_page, f"{served_erp_only}/pipeline")
    assert_no_error(browser_page)
    expect(browser_page.get_by_text("no opportunities in the CRM extracts").first).to_be_visible()
    browser_page.screenshot(path=str(screenshots / "erp_only_pipeline.png"))


def test_the_served_app_watches_no_source_file(server, browser_page):
    """Watching the sources is for editing the pages (dashboards/server.py, file_watcher_type).

    Streamlit sets its watchers up on a session's first script run; with watchdog installed, as
    the lock file installs it, they hold an inotify instance.
    """
    url, process = server
    open_page(browser_page, url)
    assert inotify_instances(process.pid) == []


def inotify_instances(pid: int) -> list[str]:
    """The descriptors of process `pid` that are inotify instances."""
    found = []
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed since the listing
            if "inotify" in os.readlink(descriptor):
                found.append(descriptor.name)
    return found
