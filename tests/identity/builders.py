"""Small staging-shaped frames for identity tests: give the fields a test is about, the rest
defaults to empty."""

from __future__ import annotations

from pathlib import Path

import polars as pl

ACCOUNT_COLUMNS = (
    "account_id", "name", "website", "industry", "billing_street", "billing_city",
    "billing_postal_code", "billing_country", "vat_number", "phone", "owner_id", "type",
    "erp_customer_number",
)  # fmt: skip
CONTACT_COLUMNS = ("contact_id", "account_id", "first_name", "last_name", "email", "country")
CUSTOMER_COLUMNS = (
    "customer_number", "legal_name", "trading_name", "vat_number", "address", "postal_code",
    "city", "country_code", "currency", "segment",
)  # fmt: skip


def _frame(rows: list[dict], columns: tuple[str, ...]) -> pl.DataFrame:
    unknown = {k for row in rows for k in row} - set(columns)
    assert not unknown, f"unknown columns {unknown}"
    return pl.DataFrame(
        [{c: row.get(c) for c in columns} for row in rows],
        schema=dict.fromkeys(columns, pl.String),
    )


def accounts(*rows: dict) -> pl.DataFrame:
    """`stg_crm__accounts`-shaped rows."""
    return _frame(list(rows), ACCOUNT_COLUMNS)


def contacts(*rows: dict) -> pl.DataFrame:
    """`stg_crm__contacts`-shaped rows."""
    return _frame(list(rows), CONTACT_COLUMNS)


def customers(*rows: dict) -> pl.DataFrame:
    """`stg_erp__customers`-shaped rows."""
    return _frame(list(rows), CUSTOMER_COLUMNS)


def rule_pairs(*pairs: tuple[str, str, str]) -> pl.DataFrame:
    """`int_identity_rule_pairs`-shaped rows: (record_a, record_b, match_rule)."""
    columns = ["record_a", "record_b", "match_rule"]
    return pl.DataFrame(list(pairs), schema=columns, orient="row").cast(pl.String)


def generated_company(root: Path, customers: int, defects: str, seed: int = 3) -> Path:
    """Generate a company and ingest the three identity entities; returns the raw area."""
    import dataclasses

    from ingestion.contracts import load_contracts
    from ingestion.generator import generate_company
    from ingestion.load import ingest_source

    generate_company(
        root / "landing", root / "truth", customers=customers, seed=seed, days=3, defects=defects
    )
    wanted = {"crm": ("accounts", "contacts"), "erp": ("customers",)}
    for source, contract in load_contracts().items():
        if source in wanted:
            entities = {name: contract.entities[name] for name in wanted[source]}
            ingest_source(
                dataclasses.replace(contract, entities=entities), root / "landing", root / "raw"
            )
    return root / "raw"
