"""Erasing a customer organisation whole, end to end, on a copy of the shared built company.

The organisation is the true one (the generator's ground truth) with the most revenue among
those with both an ERP customer and a CRM account; it is named by its CRM account id, so the
command has to find its ERP customer through the identity bridge. What it is, as far as this
test knows, comes from the landed extracts (Polars): its customer numbers, accounts, contacts,
their emails and names, and its revenue per month (tests/integration/oracle.py). After
`c360 subject erase --customer ... --yes`:
- the figures printed before the erasure are the oracle's, and `rpt_kpi_monthly.net_revenue` fell
  by exactly those figures in each month (and by nothing in the others);
- none of its identifiers, names or emails is anywhere under `C360_HOME` (subject_scan, run with
  what this test found);
- its rows re-delivered beside another customer's are dropped at ingestion and counted;
- the audit log holds exactly one entry for it.
"""

import contextlib
import datetime as dt
import io
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import polars as pl
import pytest

from c360 import audit, cli
from c360.erasure_ledger import read_ledger
from c360.subject import Subject
from c360.subject_scan import find_traces
from ingestion.raw_store import read_load_log
from ingestion.sources import ingest, load_sources
from tests.conftest import published, settings_for
from tests.integration.oracle import priced_lines

REDELIVERY = "2026-09-05"


def _csv(path: Path, separator: str, encoding: str) -> pl.DataFrame:
    return pl.read_csv(
        path.read_bytes().decode(encoding).encode(), separator=separator, infer_schema=False
    )


def _landed(landing: Path, source: str, entity: str) -> pl.DataFrame:
    """Every landed version of an entity (ERP: `;`, Windows-1252; CRM: `,`, UTF-8)."""
    separator, encoding = (";", "cp1252") if source == "erp" else (",", "utf-8")
    files = sorted((landing / source).glob(f"*/{entity}.csv"))
    return pl.concat([_csv(f, separator, encoding) for f in files], how="diagonal")


def _chosen(truth: Path, landing: Path) -> dict:
    """The true organisation with most revenue among those with an ERP customer and an account."""
    organisations = pl.read_parquet(truth / "organisations.parquet").filter(
        (pl.col("erp_customer_numbers").list.len() > 0) & (pl.col("crm_account_ids").list.len() > 0)
    )
    revenue: dict[str, Decimal] = defaultdict(Decimal)
    for line in priced_lines(landing):
        revenue[line["customer_number"]] += line["revenue"]
    best = max(
        organisations.iter_rows(named=True),
        key=lambda o: (sum(revenue[n] for n in o["erp_customer_numbers"]), o["org_id"]),
    )
    return {"numbers": set(best["erp_customer_numbers"]), "accounts": set(best["crm_account_ids"])}


def _as_the_test_knows_it(landing: Path, numbers: set[str], accounts: set[str]) -> Subject:
    """Its identifiers, names and contacts from the landed extracts (not the product's rules)."""
    customers = _landed(landing, "erp", "customers").filter(
        pl.col("customer_number").is_in(numbers)
    )
    crm_accounts = _landed(landing, "crm", "accounts").filter(pl.col("account_id").is_in(accounts))
    contacts = _landed(landing, "crm", "contacts").filter(pl.col("account_id").is_in(accounts))
    names = set(customers["legal_name"]) | set(customers["trading_name"].drop_nulls())
    names |= set(crm_accounts["name"])
    names |= {f"{r['first_name']} {r['last_name']}" for r in contacts.iter_rows(named=True)}
    return Subject(
        contact_ids=frozenset(contacts["contact_id"]),
        emails=frozenset(e.lower() for e in contacts["email"].drop_nulls()),
        phones=frozenset(contacts["phone"].drop_nulls()),
        names=frozenset(names),
        codes=frozenset(numbers | accounts | set(contacts["contact_id"])),
    )


def _kpi_revenue(settings) -> dict[dt.date, Decimal]:
    rows = published(settings, "select month, net_revenue from marts.rpt_kpi_monthly")
    return dict(rows.iter_rows())


def _redeliver(landing: Path, before: dict[str, tuple[str, list[str]]]) -> None:
    """A later delivery: each file holds the organisation's rows and one other row."""
    for name, (header, rows) in before.items():
        source, entity = name.split("/")
        folder = landing / source / REDELIVERY
        folder.mkdir(parents=True, exist_ok=True)
        encoding = "cp1252" if source == "erp" else "utf-8"
        (folder / f"{entity}.csv").write_bytes("\n".join([header, *rows, ""]).encode(encoding))
        (folder / "_SUCCESS").touch()


def _first_day_rows(landing: Path, name: str, code_column: int, codes: set[str]) -> tuple:
    """(header, the organisation's rows of the first day's file + one row of another customer)."""
    source, entity = name.split("/")
    encoding, separator = ("cp1252", ";") if source == "erp" else ("utf-8", ",")
    lines = (landing / source / "2026-09-01" / f"{entity}.csv").read_bytes().decode(encoding)
    header, *rows = lines.splitlines()
    theirs = [r for r in rows if r.split(separator)[code_column] in codes]
    other = next(r for r in rows if r.split(separator)[code_column] not in codes)
    return header, [*theirs, other]


@pytest.fixture(scope="module")
def erased(built: Path, tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Copy the company, erase the organisation, then re-deliver its rows, once for the module."""
    home = tmp_path_factory.mktemp("customer") / "c360"
    shutil.copytree(built, home, symlinks=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        landing = settings.landing_dir
        chosen = _chosen(settings.truth_dir, landing)
        numbers, accounts = chosen["numbers"], chosen["accounts"]
        state = SimpleNamespace(settings=settings, numbers=numbers, accounts=accounts)
        state.subject = _as_the_test_knows_it(landing, numbers, accounts)
        state.oracle = defaultdict(Decimal)
        for line in priced_lines(landing):
            if line["customer_number"] in numbers:
                state.oracle[line["month"]] += line["revenue"]
        state.kpis_before = _kpi_revenue(settings)
        invoices = _first_day_rows(landing, "erp/invoices", 1, numbers)
        state.redelivered = {
            "erp/customers": _first_day_rows(landing, "erp/customers", 0, numbers),
            "erp/invoices": invoices,
            "crm/contacts": _first_day_rows(landing, "crm/contacts", 1, accounts),
        }
        state.traces_before = find_traces(home, state.subject)
        audit_before = len(audit.entries(settings))

        account = sorted(accounts)[0]
        assert cli.main(["subject", "erase", "--customer", account]) == 2  # no --yes: stops
        state.refused_kpis = _kpi_revenue(settings)
        with contextlib.redirect_stdout(io.StringIO()) as printed:
            state.exit = cli.main(
                ["subject", "erase", "--customer", account, "--yes", "--by", "dpo"]
            )
        state.printed = printed.getvalue()
        state.kpis_after = _kpi_revenue(settings)
        state.traces_after = find_traces(home, state.subject)
        state.audit = audit.entries(settings)[audit_before:]

        _redeliver(landing, state.redelivered)
        for source in load_sources(settings.sources_file).values():
            ingest(source, landing, settings.raw_dir, erased=read_ledger(settings.erasure_dir))
        log = read_load_log(settings.raw_dir)
        state.redelivery_log = log.filter(pl.col("source_file").str.contains(REDELIVERY))
        state.raw_customers = pl.read_parquet(settings.raw_dir / "erp" / "customers" / "*.parquet")
    return state


def test_the_organisation_is_everywhere_before_its_erasure(erased):
    places = " ".join(erased.traces_before)
    for where in ("landing/crm", "landing/erp", "raw/crm", "raw/erp", "serving", "ground_truth"):
        assert where in places


def test_the_printed_loss_is_the_oracles_revenue_per_month(erased):
    assert erased.exit == 0
    printed = erased.printed
    for month, revenue in erased.oracle.items():
        assert f"  {month:%Y-%m}    {revenue:>16,.2f} " in printed
    assert f"  {'total':<10} {sum(erased.oracle.values()):>16,.2f} " in printed


def test_without_yes_nothing_is_erased(erased):
    assert erased.refused_kpis == erased.kpis_before


def test_net_revenue_falls_by_exactly_the_organisations_revenue_each_month(erased):
    assert sum(erased.oracle.values()) > 0
    for month, before in erased.kpis_before.items():
        assert erased.kpis_after[month] == before - erased.oracle.get(month, Decimal(0)), month


def test_nothing_of_the_organisation_remains_under_the_data_root(erased):
    assert erased.traces_after == []


def test_its_redelivered_rows_load_none_and_are_counted_as_erased(erased):
    log = {row["source_file"]: row for row in erased.redelivery_log.to_dicts()}
    for name, (_, rows) in erased.redelivered.items():
        source, entity = name.split("/")
        entry = log[f"{source}/{REDELIVERY}/{entity}.csv"]
        assert (entry["rows_read"], entry["rows_loaded"], entry["rows_erased"]) == (
            len(rows),
            1,
            len(rows) - 1,
        )
    assert not set(erased.raw_customers["customer_number"]) & erased.numbers


def test_exactly_one_audit_entry_without_its_identifiers(erased):
    [entry] = erased.audit
    assert entry["action"] == "customer_erase" and entry["who"] == "dpo"
    assert entry["traces_left"] == 0
    assert Decimal(entry["net_revenue_removed"]) == sum(erased.oracle.values())
    text = str(entry)
    assert not any(code in text for code in erased.subject.codes)
