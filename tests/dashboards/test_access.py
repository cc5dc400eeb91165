"""Who sees what, with `AppTest.user` standing in for the identity provider: each role's pages,
the sales reader's own customers, nothing for an anonymous visitor, one audit entry per page."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from c360.access import ROLES
from dashboards.pages import PAGES
from tests.conftest import settings_for
from tests.dashboards.app import APP, mart
from tests.dashboards.oracle import owned_customer_numbers
from tests.dashboards.served import free_port
from tests.dashboards.signin import openid_configuration, write_sign_in


@pytest.fixture(scope="module")
def provider():
    """An identity provider's address whose OpenID configuration answers (`AppTest.user`
    stands in for the rest of the provider)."""
    with openid_configuration() as url:
        yield url


def with_sign_in(built, home, monkeypatch, provider_url: str):
    """A data root with sign-in configured, over the integration company's published warehouse;
    its audit log is the test's own."""
    write_sign_in(
        home,
        app_url="http://localhost:8501",
        provider_url=provider_url,
        access="crm_user_claim: crm_user_id\n",
    )
    (home / "warehouse").symlink_to(built / "warehouse")
    return settings_for(home, monkeypatch)


@pytest.fixture
def signed_in(built, tmp_path, monkeypatch, provider):
    return with_sign_in(built, tmp_path / "home", monkeypatch, provider)


def app_as(claims: dict) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.user = claims
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def user(role: str, **claims) -> dict:
    return {"is_logged_in": True, "sub": role, "email": f"{role}@example.com", **claims}


def audit_lines(settings) -> list[dict]:
    log = settings.audit_log
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_navigates_exactly_its_pages_and_opens_on_the_first(signed_in, role):
    app = app_as(user(role, roles=[role]))
    allowed = [title for module, title, *_ in PAGES if module in ROLES[role].pages]
    assert app.title[0].value == allowed[0]
    for module, _title, *_ in PAGES:
        if module in ROLES[role].pages:
            app.switch_page(f"views/{module}.py")
        else:  # not registered with st.navigation: no URL opens it
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                app.switch_page(f"views/{module}.py")
    assert [(e["who"], e["action"], e.get("role")) for e in audit_lines(signed_in)] == [
        (f"{role}@example.com", "sign-in", role),
        (f"{role}@example.com", "page", None),
    ]


def test_an_anonymous_visitor_gets_the_sign_in_page_and_no_data(signed_in):
    app = app_as({"is_logged_in": False})
    assert [b.label for b in app.button] == ["Sign in"]
    assert not app.metric and not app.dataframe and not app.selectbox
    assert [t.value for t in app.title] == ["c360"]
    assert audit_lines(signed_in) == []


def test_the_sign_in_page_says_the_provider_does_not_answer_and_offers_no_button(
    built, tmp_path, monkeypatch
):
    # Its "Sign in" button would end on Streamlit's bare "Authentication error" page.
    dead = f"http://127.0.0.1:{free_port()}"
    settings = with_sign_in(built, tmp_path / "home", monkeypatch, dead)
    app = app_as({"is_logged_in": False})
    assert not app.button and not app.metric and not app.dataframe
    [error] = [e.value for e in app.error]
    assert error.startswith(
        f"Sign-in is unavailable: the identity provider's configuration {dead}/.well-known/"
        "openid-configuration cannot be fetched: [Errno 111] Connection refused."
    )
    assert audit_lines(settings) == []


def test_a_signed_in_person_without_a_role_is_told_so_and_sees_no_data(signed_in):
    app = app_as(user("nobody"))
    assert "no c360 role is given to you" in app.warning[0].value
    assert not app.metric and not app.dataframe
    assert [(e["who"], e["role"]) for e in audit_lines(signed_in)] == [("nobody@example.com", None)]


def test_sales_finds_only_the_customers_it_owns_in_the_crm(signed_in, built):
    owners = mart(
        signed_in,
        "select owner_user_id, list(erp_customer_number order by erp_customer_number) as numbers "
        "from marts.dim_customers where owner_user_id is not null "
        "group by owner_user_id order by count(*) desc limit 1",
    )
    owner, numbers = owners.row(0)
    total = mart(signed_in, "select count(*) as n from marts.dim_customers")["n"][0]
    app = app_as(user("sales", roles=["sales"], crm_user_id=owner))
    app.switch_page("views/customer_360.py").run()
    shown = sorted(option.split(" · ")[1] for option in app.selectbox(key="customer").options)
    assert shown == numbers
    assert 0 < len(shown) < total
    assert set(shown) <= owned_customer_numbers(built / "landing", owner)


def test_sales_cannot_open_another_owners_customer_by_its_number(signed_in):
    other = mart(
        signed_in,
        "select owner_user_id, erp_customer_number from marts.dim_customers "
        "where owner_user_id is not null order by erp_customer_number",
    )
    owner = other["owner_user_id"][0]
    foreign = other.filter(other["owner_user_id"] != owner)["erp_customer_number"][0]
    app = app_as(user("sales", roles=["sales"], crm_user_id=owner))
    app.switch_page("views/customer_360.py")
    app.query_params["q"] = foreign
    app.run()
    assert "No customer matches this search" in app.info[0].value
    assert not app.metric and not app.dataframe


def test_a_page_is_audited_once_per_visit_not_once_per_rerun(signed_in):
    app = app_as(user("admin", roles=["admin"]))
    app.run()  # a widget change reruns the page: not a new visit
    app.switch_page("views/sql.py").run()
    app.switch_page("views/overview.py").run()
    entries = [(e["action"], e.get("page")) for e in audit_lines(signed_in)]
    assert entries == [
        ("sign-in", None),
        ("page", "overview"),
        ("page", "sql"),
        ("page", "overview"),
    ]


def test_a_query_run_on_the_sql_page_is_audited_once_with_its_row_count(signed_in):
    app = app_as(user("analyst", roles=["analyst"]))
    app.switch_page("views/sql.py").run()
    app.text_area(key="sql_text").set_value("select * from marts.dim_customers limit 7")
    app.button(key="sql_run").click().run()
    app.run()  # the result stays on screen: no new entry
    queries = [e for e in audit_lines(signed_in) if e["action"] == "sql"]
    assert [(q["who"], q["sql"], q["rows"]) for q in queries] == [
        ("analyst@example.com", "select * from marts.dim_customers limit 7", 7)
    ]
