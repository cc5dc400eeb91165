"""A customer organisation as a data subject: the golden customer a user sees, and its records.

`c360 subject export|erase --customer ID` takes what a user sees: the golden customer key of
`dim_customers`, or one of its ERP customer numbers or CRM account ids. The published identity
bridge (`marts.bridge_customer_sources`) says which source records make up that customer, so
every ERP customer and CRM account matched to it is taken, whichever one was named.

Its records are then found in the raw area, key by key until nothing new turns up: a record
holding one of its keys in a column of that kind (`erasure_ledger.RECORD_KINDS`) is its record,
and the record's own key (the first column of every extract: `order_number` of an order,
`invoice_number` of an invoice, `project_id` of a project...) becomes one of its keys, so
invoice lines follow their invoice and timesheets their project. Only a record's own key is
taken, never another column: a payment of this customer against another customer's invoice
must not bring that invoice in. Its contacts (and the leads converted to it) are people: their
emails, phones and names are found by the person's rule (`subject.find_people`).

What an erasure would remove is counted per raw entity, for the confirmation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from c360.erasure_ledger import (
    ACCOUNT_ID,
    CUSTOMER_KEY,
    CUSTOMER_NUMBER,
    EMAIL,
    identifier_kind,
    record_kinds,
)
from c360.serving import NoPublishedVersionError, connect_readonly
from c360.settings import Settings
from c360.subject import Subject, find_people

# Whose keys name the organisation itself: taken from the identity bridge only, never from a
# record (an activity of its contact may name another account).
IDENTITY_KINDS = {CUSTOMER_NUMBER, ACCOUNT_ID, CUSTOMER_KEY}
# Columns holding an organisation's own names (ERP customers, CRM accounts).
NAME_COLUMNS = ("legal_name", "trading_name")
ACCOUNT_NAME = ("crm/accounts", "name")


class UnknownCustomerError(LookupError):
    """`--customer` names no customer of the published warehouse (or more than one)."""


@dataclass(frozen=True)
class Organisation:
    """A golden customer and the source records the identity bridge joins into it."""

    customer_key: str
    customer_numbers: frozenset[str]
    account_ids: frozenset[str]


@dataclass(frozen=True)
class FoundOrganisation:
    """The organisation as a `Subject`, and its raw rows per entity (`erp/invoices`: 12)."""

    organisation: Organisation
    subject: Subject
    raw_rows: dict[str, int]


def resolve_customer(settings: Settings, customer_id: str) -> Organisation:
    """The customer that `customer_id` (golden key, ERP number or CRM account id) names."""
    wanted = customer_id.strip()
    try:
        con = connect_readonly(settings)
    except NoPublishedVersionError as exc:
        raise UnknownCustomerError(
            f"no published warehouse to find customer {wanted!r} in: run `c360 refresh` first"
        ) from exc
    try:
        keys = con.execute(
            "select distinct customer_key from marts.bridge_customer_sources "
            "where customer_key = $id or source_record_id = $id",
            {"id": wanted},
        ).fetchall()
        if len(keys) != 1:
            how = "no customer" if not keys else f"{len(keys)} customers"
            raise UnknownCustomerError(
                f"{wanted!r} names {how} of the published warehouse: give the customer key of "
                "dim_customers, an ERP customer number or a CRM account id"
            )
        [(key,)] = keys
        sources = con.execute(
            "select source_system, source_record_id from marts.bridge_customer_sources "
            "where customer_key = ?",
            [key],
        ).fetchall()
    finally:
        con.close()
    return Organisation(
        customer_key=key,
        customer_numbers=frozenset(r for system, r in sources if system == "erp"),
        account_ids=frozenset(r for system, r in sources if system == "crm"),
    )


def _raw_tables(raw_dir: Path) -> dict[str, pl.DataFrame]:
    """Every raw entity (`erp/invoices`) with all its loaded versions."""
    tables = {}
    for folder in sorted(p for p in raw_dir.glob("*/*") if p.is_dir()):
        if folder.parent.name.startswith("_"):
            continue  # the load log and the quarantine: handled by the erasure itself
        files = sorted(folder.glob("*.parquet"))
        frames = [pl.read_parquet(f) for f in files]
        frames = [f for f in frames if f.width]
        if frames:
            tables[folder.relative_to(raw_dir).as_posix()] = pl.concat(
                frames, how="diagonal_relaxed"
            )
    return tables


def _own_keys(frame: pl.DataFrame, owned: pl.Series) -> tuple[str, set[str]] | None:
    """The kind and values of the owned records' own key (the first column), if it is one."""
    first = frame.columns[0]
    kinds = record_kinds(first)
    if identifier_kind(first) or len(kinds) != 1 or kinds[0] in IDENTITY_KINDS:
        return None
    values = frame.filter(owned)[first].drop_nulls().str.strip_chars().to_list()
    return kinds[0], set(values)


def _grow(subject: Subject, tables: dict[str, pl.DataFrame]) -> Subject:
    """Add the own keys of every record the subject owns until none is new (invoices, lines)."""
    while True:
        keys = {kind: set(values) for kind, values in subject.keys.items()}
        contact_ids = set(subject.contact_ids)
        for frame in tables.values():
            owned = subject.owned_rows(frame, extract=False)
            first = frame.columns[0]
            if identifier_kind(first) == "contact_id":
                contact_ids |= set(frame.filter(owned)[first].drop_nulls().to_list())
            found = _own_keys(frame, owned)
            if found:
                keys.setdefault(found[0], set()).update(found[1])
        grown = replace(
            subject,
            keys={kind: frozenset(values) for kind, values in keys.items()},
            contact_ids=frozenset(contact_ids),
        )
        if grown == subject:
            return subject
        subject = grown


def _names(tables: dict[str, pl.DataFrame], subject: Subject) -> set[str]:
    """The organisation's own names: ERP legal and trading names, CRM account names."""
    names: set[str] = set()
    for entity, frame in tables.items():
        owned = frame.filter(subject.owned_rows(frame, extract=False))
        columns = [c for c in NAME_COLUMNS if c in owned.columns]
        if entity == ACCOUNT_NAME[0] and ACCOUNT_NAME[1] in owned.columns:
            columns.append(ACCOUNT_NAME[1])
        for column in columns:
            names |= {v.strip() for v in owned[column].drop_nulls().to_list() if v.strip()}
    return names


def _emails(tables: dict[str, pl.DataFrame], subject: Subject) -> set[str]:
    """Emails on its records (its contacts, the leads converted to it)."""
    emails: set[str] = set()
    for frame in tables.values():
        owned = frame.filter(subject.owned_rows(frame, extract=False))
        for column in owned.columns:
            if identifier_kind(column) == EMAIL and owned.schema[column] == pl.String:
                emails |= set(owned[column].drop_nulls().to_list())
    return emails


def find_organisation(settings: Settings, organisation: Organisation) -> FoundOrganisation:
    """The organisation as a `Subject`: its records' keys, its contacts, its names and codes."""
    tables = _raw_tables(settings.raw_dir)
    seed = Subject(
        contact_ids=frozenset(),
        emails=frozenset(),
        phones=frozenset(),
        names=frozenset(),
        keys={
            CUSTOMER_NUMBER: organisation.customer_numbers,
            ACCOUNT_ID: organisation.account_ids,
            CUSTOMER_KEY: frozenset({organisation.customer_key}),
        },
    )
    grown = _grow(seed, tables)
    contact_ids = set(grown.contact_ids)
    people = find_people(settings, emails=_emails(tables, grown), contact_ids=contact_ids)
    subject = replace(
        grown,
        contact_ids=people.contact_ids,
        emails=people.emails,
        phones=people.phones,
        names=people.names | _names(tables, grown),
        codes=organisation.customer_numbers
        | organisation.account_ids
        | {organisation.customer_key}
        | people.contact_ids,
    )
    raw_rows = Counter(
        {
            entity: int(subject.owned_rows(frame, extract=True).sum())
            for entity, frame in tables.items()
        }
    )
    return FoundOrganisation(organisation, subject, {k: v for k, v in raw_rows.items() if v})
