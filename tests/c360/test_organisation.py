"""Which organisation `--customer` names, and how its codes and record keys are matched.

Resolution reads the published identity bridge of the shared built company (read only); the
matching rules need no warehouse.
"""

import duckdb
import polars as pl
import pytest

from c360 import cli
from c360.erasure_ledger import ErasedIdentifiers
from c360.organisation import UnknownCustomerError, resolve_customer
from c360.subject import REDACTED, Subject
from tests.conftest import published, settings_for

ORGANISATION = Subject(
    contact_ids=frozenset(),
    emails=frozenset(),
    phones=frozenset(),
    names=frozenset(),
    keys={"customer_number": frozenset({"C000012"}), "invoice_number": frozenset({"INV01"})},
    codes=frozenset({"C000012"}),
)


@pytest.fixture(scope="module")
def bridge(built, tmp_path_factory):
    """(settings, the customer with most source records, its ERP numbers, its CRM accounts)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(built, monkeypatch)
        rows = published(
            settings,
            "select customer_key, source_system, source_record_id "
            "from marts.bridge_customer_sources where customer_key = ("
            "  select customer_key from marts.bridge_customer_sources group by customer_key"
            "  having count(distinct source_system) = 2 order by count(*) desc, customer_key"
            "  limit 1)",
        )
        yield settings, rows


def test_a_customer_key_an_erp_number_and_an_account_id_name_the_same_organisation(bridge):
    settings, rows = bridge
    [key] = rows["customer_key"].unique().to_list()
    numbers = set(rows.filter(pl.col("source_system") == "erp")["source_record_id"])
    accounts = set(rows.filter(pl.col("source_system") == "crm")["source_record_id"])
    for named in (key, sorted(numbers)[0], sorted(accounts)[-1]):
        organisation = resolve_customer(settings, f" {named} ")
        assert organisation.customer_key == key
        assert organisation.customer_numbers == numbers
        assert organisation.account_ids == accounts


def test_an_unknown_customer_is_refused_with_exit_code_2_and_the_reason(bridge, capsys):
    settings, _ = bridge
    with pytest.raises(UnknownCustomerError, match="'C999999' names no customer"):
        resolve_customer(settings, "C999999")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings_for(settings.home, monkeypatch)
        assert cli.main(["subject", "erase", "--customer", "C999999", "--yes"]) == 2
        assert cli.main(["subject", "export", "--customer", "C999999"]) == 2
    err = capsys.readouterr().err
    assert "c360 subject erase: 'C999999' names no customer of the published warehouse" in err
    assert "c360 subject export: 'C999999' names no customer" in err


def test_without_a_published_warehouse_the_customer_cannot_be_found(tmp_path, capsys):
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings_for(tmp_path / "empty", monkeypatch)
        assert cli.main(["subject", "erase", "--customer", "C000001"]) == 2
    assert "no published warehouse to find customer 'C000001' in" in capsys.readouterr().err


def test_a_code_is_redacted_as_a_whole_word_only_in_every_encoding():
    text = "C000012;C0000123;XC000012;c000012."
    expected = f"{REDACTED};C0000123;XC000012;{REDACTED}."
    for encoding in ("utf-8", "cp1252", "utf-16-le", "utf-16-be"):
        redacted = ORGANISATION.redact_bytes(text.encode(encoding))
        assert redacted.decode(encoding) == expected


def test_polars_and_duckdb_read_the_codes_pattern_alike():
    values = ["see C000012.", "C0000123", "AC000012", "c000012"]
    frame = pl.DataFrame({"note": values})
    in_polars = ORGANISATION.mentioned(frame).to_list()
    in_duckdb = [
        duckdb.execute("select regexp_matches(?, ?)", [v, ORGANISATION.pattern]).fetchall()[0][0]
        for v in values
    ]
    assert in_polars == in_duckdb == [True, False, False, True]


def test_a_record_is_the_organisations_by_a_key_column_of_that_kind_only():
    frame = pl.DataFrame(
        {
            "invoice_number": ["INV01", "INV02", "INV03", "C000012"],
            "customer_number": ["C000099", "C000012", "C000099", "C000099"],
            "order_number": ["INV01", "SO1", "SO2", "SO3"],  # an order's key is not an invoice's
        }
    )
    assert ORGANISATION.owned_rows(frame, extract=False).to_list() == [True, True, False, False]
    # In an extract, one of its codes in any column makes the record its own.
    assert ORGANISATION.owned_rows(frame, extract=True).to_list() == [True, True, False, True]


def test_the_ledger_drops_a_redelivered_line_of_an_erased_invoice():
    salted = ErasedIdentifiers(salt="s")
    ledger = ErasedIdentifiers("s", frozenset({salted.digest("invoice_number", "INV01")}))
    lines = pl.DataFrame({"invoice_number": ["INV01", "INV02", " INV01"], "sku": ["INV01"] * 3})
    assert ledger.rows(lines).to_list() == [True, False, True]
