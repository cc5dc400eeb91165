"""The erasure ledger: salted hashes of the identifiers of people erased on request (GDPR art. 17).

An erased person must not come back with the next extract that still carries them, so ingestion
drops every row that holds one of their identifiers and counts it in the load log
(`rows_erased`). The ledger cannot hold the identifiers themselves (that would keep the very data
erased), only `sha256(salt, kind, value)`: the salt is generated once per installation and kept
beside the ledger, so the hashes cannot be matched against a list of emails computed elsewhere.

Identifiers are emails (trimmed, lower case) and contact ids (trimmed); an erased customer
organisation adds the keys of its records (`RECORD_KINDS`: its ERP customer numbers and CRM
account ids, and the numbers of its orders, invoices, payments, projects, timesheets,
opportunities, leads, activities and cases), so a re-delivered invoice line, which names only its
invoice, is dropped too. Names are not: they are not unique ("Anne Martin"), so dropping every
row with an erased name would erase other people. Phones are not either: an account's
switchboard is often a contact's number too.

Ingestion receives an `ErasedIdentifiers` as its `erased` argument (`ingestion.erased_rows`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

EMAIL, CONTACT_ID = "email", "contact_id"
CUSTOMER_NUMBER, ACCOUNT_ID, CUSTOMER_KEY = "customer_number", "account_id", "customer_key"
# A column (its name without case, `_` or spaces) -> the kinds of record key it may hold. Every
# name a built-in extract or a warehouse table gives a key of an organisation's records; the
# bridge's `source_record_id` holds an account id or an ERP customer number.
RECORD_KINDS: dict[str, tuple[str, ...]] = {
    "customernumber": (CUSTOMER_NUMBER,),
    "erpcustomernumber": (CUSTOMER_NUMBER,),
    "accountid": (ACCOUNT_ID,),
    "crmaccountid": (ACCOUNT_ID,),
    "convertedaccountid": (ACCOUNT_ID,),
    "sourcerecordid": (CUSTOMER_NUMBER, ACCOUNT_ID),
    "customerkey": (CUSTOMER_KEY,),
    "ordernumber": ("order_number",),
    "invoicenumber": ("invoice_number",),
    "paymentid": ("payment_id",),
    "projectid": ("project_id",),
    "timesheetid": ("timesheet_id",),
    "opportunityid": ("opportunity_id",),
    "crmopportunityid": ("opportunity_id",),
    "convertedopportunityid": ("opportunity_id",),
    "leadid": ("lead_id",),
    "activityid": ("activity_id",),
    "caseid": ("case_id",),
}
LEDGER_FILE = "ledger.jsonl"
SALT_FILE = "salt"
# An email-shaped token in a raw line: catches an erased email in a row whose columns could
# not be read (a broken quote, a shifted row), which would otherwise reach the quarantine.
_EMAIL_TOKEN = r"[^\s,;\"'<>()\[\]{}|]+@[^\s,;\"'<>()\[\]{}|]+"
_RAW_LINE = "_raw_line"  # the raw text of each record, as ingestion's reader keeps it


def normalise(kind: str, value: str) -> str:
    """The form an identifier is hashed in: emails are compared without case or spaces."""
    value = value.strip()
    return value.lower() if kind == EMAIL else value


def identifier_kind(column: str) -> str | None:
    """Which identifier a column holds, from its name (canonical or a system's own header).

    Only a person's own columns: `email`/`Email`/`EmailAddress`, `contact_id`/`ContactId`/
    `WhoId`. A `main_contact_email` or `billing_email` is an attribute of another record
    (the customer), which stays.
    """
    key = re.sub(r"[^0-9a-z]", "", column.lower())
    if key in {"email", "emailaddress"}:
        return EMAIL
    if key in {"contactid", "whoid"}:
        return CONTACT_ID
    return None


def record_kinds(column: str) -> tuple[str, ...]:
    """Which kinds of record key a column holds, from its name (`RECORD_KINDS`)."""
    return RECORD_KINDS.get(re.sub(r"[^0-9a-z]", "", column.lower()), ())


@dataclass(frozen=True)
class ErasedIdentifiers:
    """The ledger as ingestion uses it: the salt and the set of erased hashes."""

    salt: str = ""
    hashes: frozenset[str] = field(default_factory=frozenset)

    def digest(self, kind: str, value: str) -> str:
        """`sha256(salt, kind, normalised value)` in hex."""
        text = f"{self.salt}\x00{kind}\x00{normalise(kind, value)}"
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _erased_values(self, values: pl.Series, kind: str) -> list[str]:
        """The distinct values of `values` whose hash is in the ledger (hashed once each)."""
        distinct = values.drop_nulls().unique().to_list()
        return [v for v in distinct if self.digest(kind, v) in self.hashes]

    def rows(self, frame: pl.DataFrame) -> pl.Series:
        """Whether each row of a text frame (a reader's records) carries an erased identifier.

        Columns are chosen by name (`email`, `Email`, `contact_id`, `WhoId`, the record keys of
        `RECORD_KINDS`), plus every email-shaped token of the raw line when the frame has one.
        Only distinct values are hashed, so the cost follows the number of distinct values, not
        of rows.
        """
        erased = pl.repeat(False, frame.height, eager=True)
        if not self.hashes or frame.height == 0:
            return erased
        for column in frame.columns:
            if frame.schema[column] != pl.String:
                continue
            kind = identifier_kind(column)
            values = frame[column].str.strip_chars()
            for key_kind in (kind,) if kind else record_kinds(column):
                hits = self._erased_values(values, key_kind)
                if key_kind == EMAIL:
                    hits = [h.lower() for h in hits]
                    erased |= values.str.to_lowercase().is_in(hits)
                else:
                    erased |= values.is_in(hits)
        if _RAW_LINE in frame.columns:
            tokens = frame[_RAW_LINE].str.extract_all(_EMAIL_TOKEN)
            hits = self._erased_values(tokens.explode().str.to_lowercase(), EMAIL)
            if hits:
                erased |= tokens.list.eval(pl.element().str.to_lowercase().is_in(hits)).list.any()
        return erased.fill_null(False)


def _salt(ledger_dir: Path, *, create: bool) -> str:
    path = ledger_dir / SALT_FILE
    if path.exists():
        return path.read_text().strip()
    if not create:
        return ""
    ledger_dir.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    tmp = path.with_name(f".{SALT_FILE}.{secrets.token_hex(4)}.tmp")
    tmp.write_text(salt + "\n")
    tmp.chmod(0o600)
    os.replace(tmp, path)
    return salt


def read_ledger(ledger_dir: Path) -> ErasedIdentifiers:
    """Every hash recorded so far (an empty ledger when nobody was erased)."""
    path = ledger_dir / LEDGER_FILE
    if not path.exists():
        return ErasedIdentifiers()
    hashes = frozenset(
        json.loads(line)["hash"] for line in path.read_text().splitlines() if line.strip()
    )
    return ErasedIdentifiers(_salt(ledger_dir, create=False), hashes)


def record_erasure(ledger_dir: Path, identifiers: Iterable[tuple[str, str]]) -> list[str]:
    """Append the hashes of `(kind, value)` identifiers (salt created on first use); new ones.

    The entry holds the hash, its kind and the date only: nothing that names the person.
    """
    ledger = ErasedIdentifiers(_salt(ledger_dir, create=True), read_ledger(ledger_dir).hashes)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    new = sorted({ledger.digest(kind, value) for kind, value in identifiers} - ledger.hashes)
    with (ledger_dir / LEDGER_FILE).open("a") as handle:
        for digest in new:
            handle.write(json.dumps({"hash": digest, "erased_on": today}) + "\n")
    return new
