"""Sign-in in a real browser: `c360 serve` with sign-in configured against a local OpenID
provider (oidc-provider-mock, started and stopped by process id), Debian's chromium driven by
Playwright, one person per role. Each role sees exactly its pages, a foreign page's URL shows
nothing of it, sales sees only its own customers, an anonymous visitor gets the sign-in page,
and every action leaves exactly one audit entry."""

import json
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from c360.access import ROLES
from dashboards.pages import PAGES
from tests.conftest import settings_for
from tests.dashboards.app import mart
from tests.dashboards.conftest import NEEDS_CHROMIUM
from tests.dashboards.served import (
    free_port,
    open_page,
    start,
    start_server,
    stop_server,
    wait_until_drawn,
    wait_until_serving,
)
from tests.dashboards.signin import write_sign_in

pytestmark = NEEDS_CHROMIUM
TITLES = {module: title for module, title, *_ in PAGES}
PATHS = {module: path for module, _, _, path in PAGES}


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on a free localhost port. It takes its issuer from the request's host,
    so the app, the browser and the test all call it `localhost`."""
    port = free_port()
    process = start([sys.executable, "-m", "oidc_provider_mock", "--port", str(port)])
    url = f"http://localhost:{port}"
    try:
        wait_until_serving(url, path="/.well-known/openid-configuration")
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def site(built, provider, tmp_path_factory):
    """`c360 serve` with sign-in configured, over the integration company's warehouse; its own
    data root, so its audit log holds only this module's actions."""
    home = tmp_path_factory.mktemp("signin")
    port = free_port()
    url = f"http://localhost:{port}"
    write_sign_in(home, app_url=url, provider_url=provider, access="crm_user_claim: crm_user_id\n")
    (home / "warehouse").symlink_to(built / "warehouse")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        process = start_server(port)
    try:
        wait_until_serving(url)
        yield url, settings
    finally:
        stop_server(process)


def sign_in(browser, site, provider, role: str, user: str | None = None, **claims):
    """A new browser context signed in as `<user>@example.com` with the `roles` claim `role`.

    `user` defaults to the role's name; another one keeps a test's audit entries its own.
    """
    url, _ = site
    user = user or role
    person = {"email": f"{user}@example.com", "roles": [role], **claims}
    request = urllib.request.Request(
        f"{provider}/users/{user}",
        data=json.dumps(person).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204
    page = browser.new_context(viewport={"width": 1400, "height": 1200}).new_page()
    open_page(page, url)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(user)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**", timeout=30_000)
    wait_until_drawn(page)  # the home page, once the provider has sent the browser back
    return page


def navigation(page) -> list[str]:
    """The page titles in the sidebar (each link's text is its icon's name, then its title)."""
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [links.nth(i).inner_text().strip().splitlines()[-1] for i in range(links.count())]


def heading(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def audit(settings, who: str) -> Counter:
    lines = settings.audit_log.read_text().splitlines()
    return Counter(e["action"] for e in map(json.loads, lines) if e["who"] == who)


def test_an_anonymous_visitor_gets_the_sign_in_page_and_no_data(site, browser, built):
    url, settings = site
    name = mart(settings, "select customer_name from marts.dim_customers limit 1")[0, 0]
    page = browser.new_context().new_page()
    for path in ("", "/customer-360", "/sql", "/audit"):
        open_page(page, url + path)
        main = page.locator('[data-testid="stMain"]').inner_text()
        assert page.get_by_role("button", name="Sign in").count() == 1
        assert heading(page) == "c360"
        assert name not in main and "Net revenue" not in main
        assert page.locator('[data-testid="stMetric"], [data-testid="stDataFrame"]').count() == 0
    assert not settings.audit_log.exists()  # nobody did anything


@pytest.mark.parametrize("role", ["executive", "finance", "analyst", "steward", "admin"])
def test_each_role_sees_exactly_its_pages_and_a_foreign_url_shows_none_of_it(
    site, browser, provider, role
):
    url, settings = site
    page = sign_in(browser, site, provider, role)
    allowed = [TITLES[m] for m in TITLES if m in ROLES[role].pages]
    # Streamlit draws no navigation for a single page (a steward's).
    assert navigation(page) == (allowed if len(allowed) > 1 else [])
    assert heading(page) == allowed[0]
    foreign = [m for m in TITLES if m not in ROLES[role].pages]
    for module in foreign[:2]:
        open_page(page, f"{url}/{PATHS[module]}")
        assert heading(page) == allowed[0]  # Streamlit runs the home page instead
        assert TITLES[module] not in page.locator('[data-testid="stMain"]').inner_text()
    # One sign-in however many sessions the URLs opened; one page entry per page opened.
    assert audit(settings, f"{role}@example.com") == Counter(
        {"sign-in": 1, "page": 1 + len(foreign[:2])}
    )


def test_the_docs_page_shows_dbts_documentation_to_an_analyst_and_nothing_to_sales(
    site, browser, provider
):
    url, _ = site
    page = sign_in(browser, site, provider, "analyst", user="docs-analyst")
    open_page(page, f"{url}/docs")
    assert heading(page) == "Docs"
    docs = page.frame_locator("iframe").first
    docs.get_by_text("auto-generated documentation", exact=False).first.wait_for(timeout=60_000)
    sales = sign_in(browser, site, provider, "sales", user="docs-sales", crm_user_id="nobody")
    open_page(sales, f"{url}/docs")
    assert heading(sales) == TITLES["pipeline"]  # Streamlit runs the home page instead
    assert sales.locator("iframe").count() == 0


def test_sales_sees_only_the_customers_it_owns_and_each_download_is_audited_once(
    site, browser, provider
):
    url, settings = site
    owners = mart(
        settings,
        "select owner_user_id, list(erp_customer_number order by erp_customer_number) "
        "from marts.dim_customers where owner_user_id is not null "
        "group by owner_user_id order by count(*) desc limit 1",
    )
    owner, numbers = owners.row(0)
    page = sign_in(browser, site, provider, "sales", crm_user_id=owner)
    assert navigation(page) == [TITLES["pipeline"], TITLES["customer_360"]]
    open_page(page, f"{url}/customer-360")
    found = len(numbers)
    assert (
        f"{found:,} customer{'s' if found != 1 else ''} found"
        in page.locator('[data-testid="stMain"]').inner_text()
    )
    page.locator('[data-testid="stSelectbox"]').filter(has_text="Customer").click()
    options = page.locator('[role="option"]')
    shown = sorted(options.nth(i).inner_text().split(" · ")[1] for i in range(options.count()))
    assert shown == numbers
    page.keyboard.press("Escape")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").first.click()
    rows = Path(download.value.path()).read_text().splitlines()
    assert audit(settings, "sales@example.com") == Counter({"sign-in": 1, "page": 2, "download": 1})
    (entry,) = [
        json.loads(line)
        for line in settings.audit_log.read_text().splitlines()
        if '"download"' in line
    ]
    assert entry["rows"] == len(rows) - 1  # the header


def test_a_query_and_a_sign_out_each_leave_one_entry(site, browser, provider):
    url, settings = site
    page = sign_in(browser, site, provider, "analyst", user="query-analyst", name="Ana Lyst")
    open_page(page, f"{url}/sql")
    page.get_by_role("button", name="Run").click()
    page.get_by_text("rows in").wait_for(timeout=30_000)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_timeout(2_000)
    counts = audit(settings, "query-analyst@example.com")
    assert (counts["sql"], counts["sign-out"]) == (1, 1)
