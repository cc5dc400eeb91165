"""Personal data through the whole pipeline: a person planted in a generated company's extracts,
refreshed, then looked for in the two published files, byte by byte, and on the dashboards.

The planted contact is the earliest of the first account (so the golden record's main contact),
is named in an activity's subject, and has a second e-mail and a phone on a row the contract
quarantines; the planted CRM user owns that account. The guard against a new mart leaking
personal data is here too: no column of the masked file may hold a person's name, e-mail or
phone from the extracts, nor anything shaped like an e-mail or a phone number, and every column
whose name looks personal carries an explicit `personal_data` declaration in the dbt YAML.
"""

import csv
import json
import re
from pathlib import Path

import polars as pl
import pytest
import streamlit as st

from c360.serving import resolve_current
from c360.settings import Settings
from tests.conftest import generate_and_refresh, settings_for

CONTACT = {"first_name": "Zoë", "last_name": "Ångström-Planté"}
PLANTED = {
    "contact_name": "Zoë Ångström-Planté",
    "contact_email": "zoe.angstrom-plante@planted.example",
    "second_email": "z.angstrom@private-mail.example",
    "phone": "+33 6 98 76 54 32",
    "owner_name": "Bartholomäus Quirinus",
}
OWNER_ID = "005999999999999"
# Column names that look like a person's data: each must be declared, true or false.
PERSONAL_NAME = re.compile(
    r"(e_?mail|phone|mobile|fax|(^|_)name$|contact|note|comment|subject|detail|raw_line|address)"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A phone: an international prefix, or groups of digits with separators; CRM and ERP ids are
# unbroken digits and dates have eight digits, so neither matches.
PHONE = re.compile(r"^(\+\d[\d ().-]{6,}\d|\d{2,4}([ ().-]+\d{2,4}){2,})$")


def looks_like_a_phone(value: str) -> bool:
    return bool(PHONE.match(value)) and sum(c.isdigit() for c in value) >= 9


def _rewrite_csv(path: Path, edit) -> None:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows = edit(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def plant_a_person(landing: Path) -> None:
    days = sorted((landing / "crm").iterdir())
    first = days[0]
    with (first / "accounts.csv").open(newline="", encoding="utf-8") as handle:
        account = next(  # a customer (prospects are not in dim_customers)
            r["account_id"] for r in csv.DictReader(handle) if r["erp_customer_number"]
        )

    def owned_by_planted_user(rows):
        return [r | {"owner_id": OWNER_ID} if r["account_id"] == account else r for r in rows]

    def with_planted_user(rows):
        return (
            [*rows, rows[0] | {"user_id": OWNER_ID, "name": PLANTED["owner_name"]}] if rows else []
        )

    for day in days:
        _rewrite_csv(day / "accounts.csv", owned_by_planted_user)
        _rewrite_csv(day / "users.csv", with_planted_user)

    def with_planted_contacts(rows):
        contact = rows[0] | {
            **CONTACT,
            "contact_id": "003999999999998",
            "account_id": account,
            "email": PLANTED["contact_email"],
            "phone": "",
            "created_at": "2020-01-01T00:00:00Z",
            "last_modified_at": "2020-01-01T00:00:00Z",
            "is_deleted": "false",
        }
        unreadable = contact | {
            "contact_id": "003999999999999",
            "email": PLANTED["second_email"],
            "phone": PLANTED["phone"],
            "created_at": "the first of January",
        }
        return [*rows, contact, unreadable]

    _rewrite_csv(first / "contacts.csv", with_planted_contacts)
    with (first / "activities.jsonl").open("a", encoding="utf-8") as handle:
        activity = {
            "activity_id": "00T999999999999",
            "account_id": account,
            "contact_id": "003999999999998",
            "type": "Call",
            "subject": f"Call with {PLANTED['contact_name']} about the renewal",
            "activity_at": "2025-06-02T10:00:00Z",
            "owner_id": OWNER_ID,
        }
        handle.write(json.dumps(activity, ensure_ascii=False) + "\n")


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    return generate_and_refresh(
        tmp_path_factory.mktemp("planted"),
        customers=30,
        seed=5,
        defects="none",
        edit_landing=plant_a_person,
    )


@pytest.fixture
def settings(planted, monkeypatch) -> Settings:
    return settings_for(planted, monkeypatch)


def found(path: Path, values: dict[str, str]) -> list[str]:
    """Which values occur in the file's bytes, as UTF-8, Windows-1252 or UTF-16."""
    content = path.read_bytes()
    return sorted(
        name
        for name, value in values.items()
        if any(value.encode(enc) in content for enc in ("utf-8", "cp1252", "utf-16-le"))
    )


def test_no_byte_of_the_planted_person_is_in_the_masked_file_and_all_are_in_the_restricted(
    settings,
):
    assert found(resolve_current(settings), PLANTED) == []
    assert found(resolve_current(settings, personal_data=True), PLANTED) == sorted(PLANTED)


def people_in_the_extracts(raw: Path) -> set[str]:
    """Full names, e-mails and phones of every person the extracts name (the raw Parquet)."""

    def scan(entity: str) -> pl.DataFrame:
        return pl.read_parquet(raw / entity / "*.parquet", missing_columns="insert")

    contacts, leads = scan("crm/contacts"), scan("crm/leads")
    values = set()
    for frame in (contacts, leads):
        values |= set(
            frame.select(pl.concat_str("first_name", "last_name", separator=" ")).to_series()
        )
        values |= set(frame["email"])
    values |= set(contacts["phone"]) | set(scan("crm/users")["name"])
    values |= set(scan("erp/employees")["name"]) | set(scan("erp/sales_orders")["sales_rep"])
    return {v for v in values if v and len(v) >= 5}


def published_text_columns(con) -> list[tuple[str, str, str]]:
    return con.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where schema_name in ('marts', 'quality') and data_type = 'VARCHAR' "
        "order by all"
    ).fetchall()


def test_no_column_of_the_masked_file_holds_a_person_or_anything_shaped_like_contact_data(
    settings,
):
    import duckdb

    people = people_in_the_extracts(settings.raw_dir)
    assert PLANTED["contact_email"] in people and PLANTED["owner_name"] in people
    leaks = []
    con = duckdb.connect(str(resolve_current(settings)), read_only=True)
    try:
        for schema, table, column in published_text_columns(con):
            values = con.execute(
                f'select distinct "{column}" from {schema}."{table}" where "{column}" is not null'
            ).fetchall()
            for (value,) in values:
                if (
                    any(p in value for p in people)
                    or EMAIL.search(value)
                    or looks_like_a_phone(value)
                ):
                    leaks.append(f"{schema}.{table}.{column}: {value!r}")
                    break
    finally:
        con.close()
    assert leaks == [], (
        "personal data in the masked serving file: declare the column "
        "`config: meta: personal_data: true` in its dbt YAML"
    )


def test_every_published_column_whose_name_looks_personal_is_declared_one_way_or_the_other(
    settings,
):
    import duckdb

    manifest = json.loads((settings.dbt_target_dir / "manifest.json").read_text())
    declared = {
        (node["schema"], node["alias"], name)
        for node in manifest["nodes"].values()
        for name, column in node.get("columns", {}).items()
        if "personal_data" in column.get("config", {}).get("meta", {})
    }
    con = duckdb.connect(str(resolve_current(settings, personal_data=True)), read_only=True)
    try:
        looks_personal = [
            c
            for c in published_text_columns(con)
            if PERSONAL_NAME.search(c[2]) and c[1] != "personal_data_columns"  # the list itself
        ]
    finally:
        con.close()
    undeclared = [".".join(c) for c in looks_personal if c not in declared]
    assert undeclared == [], "declare `personal_data: true` or `false` on these in the dbt YAML"
    assert len(looks_personal) >= 15  # the check saw the columns it is about


def test_the_dashboards_show_the_planted_contact_masked_unless_personal_data_is_asked_for(
    settings, monkeypatch
):
    from c360.access import ROLES, Grant
    from dashboards import data
    from tests.dashboards.app import mart, run_page

    # a reader whose role may not see personal data (pages read what the role allows)
    finance = Grant("finance@example.org", ROLES["finance"], "test")
    monkeypatch.setattr(data, "current_grant", lambda: finance)

    customer = mart(
        settings,
        "select erp_customer_number, main_contact_name from marts.dim_customers "
        f"where owner_user_id = '{OWNER_ID}'",
    ).row(0, named=True)
    assert customer["main_contact_name"].startswith("•••")
    try:
        app = run_page("customer_360", q=customer["erp_customer_number"])
        record = app.dataframe[0].value
        golden = dict(zip(record["attribute"], record["value"], strict=True))
        assert golden["main_contact_name"] == customer["main_contact_name"]
        shown = " ".join(
            str(frame.value.to_dict()) for frame in app.dataframe if frame.value is not None
        )
        assert not [name for name, value in PLANTED.items() if value in shown]
        assert "•••" in shown

        restricted = data.current_version(personal_data=True)
        assert restricted == f"restricted/{resolve_current(settings).name}"
        names = data.query(
            "select main_contact_name from marts.dim_customers where erp_customer_number = ?",
            restricted,
            (customer["erp_customer_number"],),
        )
        assert names["main_contact_name"].to_list() == [PLANTED["contact_name"]]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
