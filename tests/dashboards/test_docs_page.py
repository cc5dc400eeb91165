"""The Docs page: dbt's documentation site of the published version, for the roles that read the
schema (c360.access), behind sign-in; refused to the others even when its script is run directly."""

import pytest
from streamlit.testing.v1 import AppTest

from c360.access import DOCS_PAGE, ROLES
from tests.dashboards.app import DASHBOARDS
from tests.dashboards.test_access import app_as, provider, signed_in, user

__all__ = ["provider", "signed_in"]  # the fixtures, shared with the access tests


def iframes(app: AppTest) -> list:
    return [e for e in app.get("iframe")]


def test_an_analyst_opens_the_docs_page_with_the_versions_documentation(signed_in):
    app = app_as(user("analyst", roles=["analyst"]))
    app.switch_page(f"views/{DOCS_PAGE}.py").run()
    assert not app.exception, [e.message for e in app.exception]
    assert app.title[0].value == "Docs"
    [frame] = iframes(app)
    page = frame.proto.srcdoc
    assert "dbt" in page and "rpt_kpi_monthly" in page and '"compiled_code"' not in page


@pytest.mark.parametrize("role", [r for r in ROLES if DOCS_PAGE not in ROLES[r].pages])
def test_a_role_without_the_docs_page_is_refused_it_even_by_its_script(signed_in, role):
    app = AppTest.from_file(str(DASHBOARDS / "views" / f"{DOCS_PAGE}.py"), default_timeout=60)
    app.user = user(role, roles=[role])
    app.run()
    assert not app.exception, [e.message for e in app.exception]
    assert [e.value for e in app.error] == [
        f"The documentation is not available to the role {role}."
    ]
    assert not iframes(app)
