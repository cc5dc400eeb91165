"""A data subject (one person, GDPR articles 15 and 17): their identifiers, records and mentions.

Two rules, used by the export, the erasure and its verification alike:

- a **record is theirs** when a contact column (`contact_id`, a system's `ContactId`/`WhoId`)
  holds one of their contact ids, or an email column holds one of their emails, or, in an
  extract's record (landing file, raw row, quarantined line), when any value carries one of
  their emails. Their records are removed whole. In the warehouse's derived tables only the
  first two hold: a customer row whose `main_contact_email` is theirs is the organisation's row,
  and deleting it would change revenue, so their values in it are redacted instead;
- a **mention** is any value holding their name, email or phone inside another record (an ERP
  address "c/o Anne Martin", a customer's main contact): the value is kept with the words
  replaced by `[erased]`.

A person is found by email or contact id in the raw contacts and leads (every raw table with an
email column); their contact ids, emails, phones and full names are then what is looked for.

A customer organisation is a `Subject` too (`c360.organisation`): its contacts' persons, plus
`keys`, the keys of its own records by kind (`erasure_ledger.RECORD_KINDS`: its customer numbers,
account ids, golden customer key, orders, invoices...). A row holding one of them in a column of
that kind is its record, in the warehouse too: its revenue goes with it. Its `codes` (customer
numbers, account ids, customer keys, contact ids) are searched for as whole words, never inside
a longer code or number, and its names as words, like a person's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import polars as pl

from c360.erasure_ledger import CONTACT_ID, EMAIL, identifier_kind, record_kinds
from c360.settings import Settings

REDACTED = "[erased]"
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+$")


@dataclass(frozen=True)
class Subject:
    """What identifies one person in the data: their ids, emails, phones and names."""

    contact_ids: frozenset[str]
    emails: frozenset[str]  # lower case
    phones: frozenset[str]
    names: frozenset[str]  # "First Last"
    keys: Mapping[str, frozenset[str]] = field(default_factory=dict)  # an organisation's records
    codes: frozenset[str] = frozenset()  # an organisation's identifiers, searched as whole words

    @property
    def terms(self) -> list[str]:
        """Every string that must not remain anywhere: names, emails and phones, longest first.

        Longest first so that redacting a name does not leave half of a longer one.
        """
        terms = {t for t in self.emails | self.phones | self.names if len(t.strip()) >= 4}
        return sorted(terms, key=lambda t: (-len(t), t))

    @property
    def searched_codes(self) -> list[str]:
        """The codes searched for in text (4 characters at least, as terms), longest first."""
        return sorted((c for c in self.codes if len(c.strip()) >= 4), key=lambda c: (-len(c), c))

    @property
    def pattern(self) -> str | None:
        """One regex for the terms and codes, read alike by Polars and DuckDB (None: nothing)."""
        if not (self.terms or self.searched_codes):
            return None
        return regex_of(self.terms, self.searched_codes)

    def identifiers(self) -> list[tuple[str, str]]:
        """The `(kind, value)` pairs the erasure ledger hashes."""
        keys = [(kind, v) for kind, values in sorted(self.keys.items()) for v in sorted(values)]
        return (
            [(EMAIL, e) for e in sorted(self.emails)]
            + [(CONTACT_ID, c) for c in sorted(self.contact_ids)]
            + keys
        )

    def is_empty(self) -> bool:
        """Whether nothing identifies anyone (no id, email, phone, name or record key)."""
        keyed = any(self.keys.values())
        return not (self.contact_ids or self.emails or self.phones or self.names or keyed)

    def owned_rows(self, frame: pl.DataFrame, *, extract: bool) -> pl.Series:
        """Which rows are this person's records (see the module docstring).

        `extract`: the frame is an extract's records (landing, raw, quarantine, a generator's
        ground truth), where any value carrying their email, or being one of an organisation's
        codes (a list's element too), makes the record theirs; otherwise only identifier
        columns count.
        """
        owned = pl.repeat(False, frame.height, eager=True)
        codes = sorted(self.codes) if extract else []
        for column, dtype in frame.schema.items():
            if codes and dtype == pl.List(pl.String):
                in_list = pl.element().str.strip_chars().is_in(codes)
                owned |= frame[column].list.eval(in_list).list.any()
            if dtype != pl.String:
                continue
            if codes:
                owned |= frame[column].str.strip_chars().is_in(codes)
            values = frame[column].str.strip_chars()
            kind = identifier_kind(column)
            if kind == CONTACT_ID and self.contact_ids:
                owned |= values.is_in(sorted(self.contact_ids))
            elif kind == EMAIL and self.emails:
                owned |= values.str.to_lowercase().is_in(sorted(self.emails))
            elif extract and self.emails:
                owned |= values.str.contains(regex_of(sorted(self.emails)))
            for key_kind in () if kind else record_kinds(column):
                if self.keys.get(key_kind):
                    owned |= values.is_in(sorted(self.keys[key_kind]))
        return owned.fill_null(False)

    def mentioned(self, frame: pl.DataFrame) -> pl.Series:
        """Which rows hold one of the terms in any text value."""
        mentioned = pl.repeat(False, frame.height, eager=True)
        pattern = self.pattern
        if pattern:
            for column, dtype in frame.schema.items():
                if dtype == pl.String:
                    mentioned |= frame[column].str.contains(pattern)
        return mentioned.fill_null(False)

    def redact(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` with every term and code in its text values replaced by `[erased]`."""
        pattern = self.pattern
        if not pattern:
            return frame
        return frame.with_columns(
            pl.col(c).str.replace_all(pattern, REDACTED)
            for c, dtype in frame.schema.items()
            if dtype == pl.String
        )

    def email_in_bytes(self, data: bytes) -> bool:
        """Whether `data` carries one of their emails, in any of the text encodings."""
        lowered = data.lower()
        return any(
            needle.lower() in lowered for email in self.emails for needle, _ in _needles(email)
        )

    @cached_property
    def _byte_needles(self) -> list[tuple[bytes, re.Pattern[bytes], bytes]]:
        """What `redact_bytes` replaces, in its order, compiled once per subject.

        Each is the pattern's literal text in lower case (every match contains it: a bytes
        pattern's IGNORECASE folds ASCII letters only, as `bytes.lower` does), the pattern, and
        the bytes of `[erased]` in its encoding.
        """
        needles = [
            (needle.lower(), re.compile(re.escape(needle), re.IGNORECASE), replacement)
            for term in self.terms
            for needle, replacement in _needles(term)
        ]
        return needles + [n for code in self.searched_codes for n in _code_needles(code)]

    def in_bytes(self, data: bytes) -> bool:
        """Whether `redact_bytes` would change `data`: a term or code in any of the encodings.

        A fast scan for each pattern's literal text first (the erasure's verification reads
        every file under the data root), the pattern itself only where that text is.
        """
        lowered = data.lower()
        return any(
            literal in lowered and pattern.search(data) is not None
            for literal, pattern, _ in self._byte_needles
        )

    def redact_bytes(self, data: bytes) -> bytes:
        """`data` with every term replaced, in each encoding a file may use.

        UTF-8, Windows-1252 and UTF-16 (both byte orders), and JSON's ASCII escapes of letters
        outside ASCII (as `json.dumps` writes them by default): text is rewritten as bytes, so
        the rest of a file keeps its encoding, line endings and quoting byte for byte.
        """
        if not self.in_bytes(data):
            return data
        for _, pattern, replacement in self._byte_needles:
            data = pattern.sub(replacement, data)
        return data


TEXT_ENCODINGS = ("utf-8", "cp1252", "utf-16-le", "utf-16-be")


def _needles(term: str) -> list[tuple[bytes, bytes]]:
    """The bytes `term` may take in a file, each with the bytes of `[erased]` in that form."""
    needles = []
    for encoding in TEXT_ENCODINGS:
        try:
            needles.append((term.encode(encoding), REDACTED.encode(encoding)))
        except UnicodeEncodeError:
            continue
    escaped = json.dumps(term)[1:-1].encode("ascii")
    if escaped != term.encode("utf-8"):
        needles.append((escaped, REDACTED.encode("ascii")))
    return needles


# A code is a whole word when no letter or digit touches it: "C000012" is not in "C0000123".
_WORD = "0-9A-Za-z"


def _code_needles(code: str) -> list[tuple[bytes, re.Pattern[bytes], bytes]]:
    """Byte patterns of `code` as a whole word: literal text in lower case, pattern, `[erased]`.

    UTF-8 (Windows-1252 writes a code's letters and digits alike) and UTF-16 of both byte orders.
    """
    word = f"[{_WORD}]".encode()
    forms = {
        "utf-8": (b"(?<!" + word + b")", b"(?!" + word + b")"),
        "utf-16-le": (b"(?<!" + word + b"\x00)", b"(?!" + word + b"\x00)"),
        "utf-16-be": (b"(?<!\x00" + word + b")", b"(?!\x00" + word + b")"),
    }
    needles = []
    for encoding, (before, after) in forms.items():
        try:
            literal = code.encode(encoding)
        except UnicodeEncodeError:
            continue
        pattern = re.compile(before + re.escape(literal) + after, re.IGNORECASE)
        needles.append((literal.lower(), pattern, REDACTED.encode(encoding)))
    return needles


def regex_of(terms: list[str], codes: Sequence[str] = ()) -> str:
    """A case-insensitive regex matching any of `terms`, or of `codes` as whole words.

    Read alike by Polars and DuckDB (RE2 has no look-around, so a code's edges are word
    boundaries where its first or last character is a letter or digit).
    """
    alternatives = [re.escape(t) for t in terms]
    for code in codes:
        start = r"\b" if re.match(f"[{_WORD}]", code) else ""
        end = r"\b" if re.match(f"[{_WORD}]", code[-1:]) else ""
        alternatives.append(start + re.escape(code) + end)
    return "(?i)" + "|".join(alternatives)


def _person_tables(raw_dir: Path) -> list[pl.DataFrame]:
    """Every raw table with an email column (contacts, leads): the records that name people."""
    frames = []
    for folder in sorted(p for p in raw_dir.glob("*/*") if p.is_dir()):
        files = sorted(folder.glob("*.parquet"))
        if not files:
            continue
        frame = pl.concat([pl.read_parquet(f) for f in files], how="diagonal_relaxed")
        if any(identifier_kind(c) == EMAIL for c in frame.columns):
            frames.append(frame)
    return frames


def _text(row: dict, *columns: str) -> str | None:
    values = [str(row[c]).strip() for c in columns if row.get(c)]
    return " ".join(values) if len(values) == len(columns) else None


def find_subject(settings: Settings, *, email: str | None, contact_id: str | None) -> Subject:
    """Everything that identifies the person with `email` or `contact_id` in the raw area."""
    return find_people(
        settings,
        emails={email} if email else set(),
        contact_ids={contact_id} if contact_id else set(),
    )


def find_people(settings: Settings, *, emails: set[str], contact_ids: set[str]) -> Subject:
    """Everything that identifies the people with these emails or contact ids in the raw area.

    Two passes: a contact id found through an email (or the reverse) brings the other
    records of that person in.
    """
    emails = {e.strip().lower() for e in emails}
    contact_ids = {c.strip() for c in contact_ids}
    phones: set[str] = set()
    names: set[str] = set()
    tables = _person_tables(settings.raw_dir)
    for _ in range(2):
        found = Subject(frozenset(contact_ids), frozenset(emails), frozenset(), frozenset())
        for frame in tables:
            for row in frame.filter(found.owned_rows(frame, extract=False)).iter_rows(named=True):
                for column, value in row.items():
                    kind = identifier_kind(column)
                    if value and kind == EMAIL and _EMAIL_SHAPE.match(str(value).strip()):
                        emails.add(str(value).strip().lower())
                    elif value and kind == CONTACT_ID:
                        contact_ids.add(str(value).strip())
                if row.get("phone"):
                    phones.add(str(row["phone"]).strip())
                name = _text(row, "first_name", "last_name")
                if name:
                    names.add(name)
    return Subject(frozenset(contact_ids), frozenset(emails), frozenset(phones), frozenset(names))
