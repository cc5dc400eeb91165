"""Roles from access.yml and the ID token: which source wins, what a sales reader may see, and
what a wrong access file says."""

from pathlib import Path

import pytest

from c360.access import (
    DASHBOARD_PAGES,
    EVERY_CUSTOMER,
    ROLES,
    AccessFileError,
    AccessPolicy,
    RowScope,
)


def policy(tmp_path: Path, text: str) -> AccessPolicy:
    path = tmp_path / "access.yml"
    path.write_text(text)
    return AccessPolicy.load(path)


def test_without_an_access_file_the_role_comes_from_the_roles_claim(tmp_path):
    grant = AccessPolicy.load(tmp_path / "absent.yml").grant(
        {"sub": "x1", "email": "Ana@Example.com", "roles": ["finance"]}
    )
    assert (grant.who, grant.role.name, grant.rows) == (
        "ana@example.com",
        "finance",
        EVERY_CUSTOMER,
    )


def test_a_person_without_a_role_gets_no_grant(tmp_path):
    assert AccessPolicy().grant({"sub": "x1", "email": "ana@example.com"}) is None
    assert AccessPolicy().grant({"sub": "x1", "roles": ["superuser"]}) is None


def test_group_ids_map_to_roles_and_the_widest_role_wins(tmp_path):
    found = policy(
        tmp_path,
        "role_claim: groups\nclaim_roles:\n  6f1c-aa: analyst\n  77ab-cd: sales\n",
    )
    grant = found.grant({"sub": "x", "groups": ["77ab-cd", "6f1c-aa", "other"]})
    assert grant.role.name == "analyst"
    assert found.grant({"sub": "x", "roles": ["admin"]}) is None  # only `groups` is read


def test_a_nested_claim_is_read_by_its_dotted_name(tmp_path):
    found = policy(tmp_path, "role_claim: realm_access.roles\n")
    grant = found.grant({"sub": "x", "realm_access": {"roles": ["offline", "steward"]}})
    assert grant.role.name == "steward"


def test_a_listed_person_beats_the_claim_and_the_claim_beats_the_domain(tmp_path):
    found = policy(
        tmp_path,
        "people:\n  ana@example.com: executive\ndomains:\n  example.com: finance\n",
    )
    assert found.grant({"email": "ana@example.com", "roles": ["admin"]}).role.name == "executive"
    assert found.grant({"email": "bo@example.com", "roles": ["admin"]}).role.name == "admin"
    assert found.grant({"email": "cy@example.com"}).role.name == "finance"
    assert found.grant({"email": "cy@elsewhere.org"}) is None


def test_an_unverified_email_gives_no_role(tmp_path):
    found = policy(tmp_path, "people:\n  ana@example.com: admin\ndomains:\n  example.com: sales\n")
    assert found.grant({"email": "ana@example.com", "email_verified": False}) is None
    assert found.grant({"email": "ana@example.com", "email_verified": True}).role.name == "admin"


def test_sales_sees_the_customers_of_its_crm_users_and_no_one_else_without_one(tmp_path):
    found = policy(
        tmp_path,
        "crm_user_claim: crm_id\npeople:\n"
        "  ana@example.com: {role: sales, crm_user_id: [U1, U7]}\n"
        "  bo@example.com: sales\n",
    )
    assert found.grant({"email": "ana@example.com"}).rows == RowScope(("U1", "U7"))
    assert found.grant({"email": "bo@example.com", "crm_id": "U3"}).rows == RowScope(("U3",))
    assert found.grant({"email": "bo@example.com"}).rows == RowScope(())  # sees no customer
    assert found.grant({"email": "cy@x.org", "roles": "executive"}).rows == EVERY_CUSTOMER


def test_a_role_that_does_not_exist_is_named_with_its_file_and_key(tmp_path):
    with pytest.raises(AccessFileError, match=r"access.yml: people.ana@example.com: 'boss'"):
        policy(tmp_path, "people:\n  ana@example.com: boss\n")
    with pytest.raises(AccessFileError, match="unknown key"):
        policy(tmp_path, "peoples: {}\n")


def test_only_admins_see_the_audit_log_and_only_analysts_and_admins_the_sql_page():
    assert [r.name for r in ROLES.values() if "audit" in r.pages] == ["admin"]
    assert sorted(r.name for r in ROLES.values() if "sql" in r.pages) == ["admin", "analyst"]
    assert ROLES["executive"].pages == DASHBOARD_PAGES
