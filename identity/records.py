"""CRM accounts and ERP customers as one shape of normalised record, ready to be compared.

A record is identified by its system and key, `crm:<account_id>` or `erp:<customer_number>`:
the same ids the bridge, the overrides file and the review queue use.
"""

from __future__ import annotations

import polars as pl

from identity import normalise

CRM, ERP = "crm", "erp"
RECORD_COLUMNS: tuple[str, ...] = (
    "record_id",
    "system",
    "source_id",
    "name",
    "alt_name",
    "name_core",
    "country",
    "city",
    "postal_code",
    "street",
    "phone",
    "vat",
    "domain",
    "erp_number",
)


def record_id(system: str, key: pl.Expr) -> pl.Expr:
    """`crm:<key>` or `erp:<key>`."""
    return pl.concat_str(pl.lit(f"{system}:"), key.cast(pl.String))


def _optional(frame: pl.DataFrame, column: str) -> pl.Expr:
    """A column that a deployment's extract may not carry (null when absent)."""
    if column in frame.columns:
        return pl.col(column).cast(pl.String)
    return pl.lit(None, dtype=pl.String)


def crm_records(accounts: pl.DataFrame, contacts: pl.DataFrame | None) -> pl.DataFrame:
    """One record per CRM account (`stg_crm__accounts` columns).

    `domain` is the website's domain, or else the most frequent e-mail domain of the account's
    contacts (a duplicate account rarely has its website filled in, its contacts do).
    """
    main_domain = (
        contact_domains(contacts)
        .group_by("account_id")
        .agg(pl.col("domain").mode().sort().first().alias("contact_domain"))
    )
    frame = accounts.with_columns(pl.col("account_id").cast(pl.String)).join(
        main_domain, on="account_id", how="left"
    )
    return frame.select(
        record_id=record_id(CRM, pl.col("account_id")),
        system=pl.lit(CRM),
        source_id=pl.col("account_id"),
        name=normalise.org_name(pl.col("name")),
        alt_name=pl.lit(None, dtype=pl.String),
        country=normalise.country_code(pl.col("billing_country")),
        city=normalise.place(pl.col("billing_city")),
        postal_code=normalise.postal_code(pl.col("billing_postal_code")),
        street=normalise.place(pl.col("billing_street")),
        phone=normalise.phone_key(pl.col("phone")),
        vat=normalise.vat_number(pl.col("vat_number")),
        domain=pl.coalesce(normalise.web_domain(pl.col("website")), pl.col("contact_domain")),
        erp_number=pl.col("erp_customer_number")
        .cast(pl.String)
        .str.strip_chars()
        .str.to_uppercase(),
    ).with_columns(name_core=normalise.name_core(pl.col("name")))


def erp_records(customers: pl.DataFrame) -> pl.DataFrame:
    """One record per ERP customer (`stg_erp__customers` columns).

    `name` is the trading name (the legal name when there is none) and `alt_name` the legal
    name; both are normalised, so "Acme SAS" and "ACME" agree. An ERP without website, e-mail or
    phone columns simply leaves those fields empty.
    """
    name = pl.coalesce(pl.col("trading_name"), pl.col("legal_name"))
    return customers.select(
        record_id=record_id(ERP, pl.col("customer_number")),
        system=pl.lit(ERP),
        source_id=pl.col("customer_number").cast(pl.String),
        name=normalise.org_name(name),
        alt_name=normalise.org_name(pl.col("legal_name")),
        country=normalise.country_code(pl.col("country_code")),
        city=normalise.place(pl.col("city")),
        postal_code=normalise.postal_code(pl.col("postal_code")),
        street=normalise.place(pl.col("address")),
        phone=normalise.phone_key(_optional(customers, "phone")),
        vat=normalise.vat_number(pl.col("vat_number")),
        domain=pl.coalesce(
            normalise.web_domain(_optional(customers, "website")),
            normalise.email_domain(_optional(customers, "email")),
        ),
        erp_number=pl.col("customer_number").cast(pl.String).str.strip_chars().str.to_uppercase(),
    ).with_columns(name_core=normalise.name_core(pl.col("name")))


def contact_domains(contacts: pl.DataFrame | None) -> pl.DataFrame:
    """(account_id, domain) of every contact e-mail outside free-mail providers."""
    if contacts is None or contacts.height == 0:
        return pl.DataFrame(schema={"account_id": pl.String, "domain": pl.String})
    return (
        contacts.select(
            account_id=pl.col("account_id").cast(pl.String),
            domain=normalise.email_domain(pl.col("email").cast(pl.String)),
        )
        .drop_nulls()
        .unique()
    )


def all_records(crm: pl.DataFrame, erp: pl.DataFrame) -> pl.DataFrame:
    """CRM and ERP records in one frame, one row per record id, sorted by it."""
    both = pl.concat([crm.select(RECORD_COLUMNS), erp.select(RECORD_COLUMNS)])
    return both.unique(subset=["record_id"], keep="first", maintain_order=True).sort("record_id")
