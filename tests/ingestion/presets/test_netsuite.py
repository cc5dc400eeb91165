"""The `netsuite` preset on Fivetran's NetSuite seeds (both connector schemas), checked against the
files themselves read with Polars.

The seeds hold no customer document (their transactions are vendor bills), so the invoice, credit
memo, payment and sales order mappings are checked on a second delivery made of the same real rows
re-typed (`retyped_netsuite2`, `retyped_legacy`): each change to a real row is written there.
One refresh (`published`) runs them as the ERP of a generated company's CRM.
"""

import dataclasses
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from c360.serving import connect_readonly
from ingestion.raw_store import read_load_log
from ingestion.sources import ingest, load_sources
from tests.conftest import settings_for

REAL = Path(__file__).parents[2] / "data" / "real" / "fivetran-netsuite"
REAL_DAY, RETYPED_DAY = "2026-11-30", "2026-12-01"
HISTORY = "an earlier version of the record (Fivetran history mode, _fivetran_active false)"


def real(name: str) -> pl.DataFrame:
    """A seed file as text, exactly as written (the oracle's view of it)."""
    return pl.read_csv(REAL / f"{name}.csv", infer_schema=False)


def active(frame: pl.DataFrame) -> pl.DataFrame:
    """The current versions of a history-mode table."""
    return frame.filter(pl.col("_fivetran_active") != "FALSE")


def retyped_netsuite2() -> dict[str, pl.DataFrame]:
    """The real netsuite2 transactions and lines, re-typed into customer documents.

    Transaction 3 becomes an invoice and 302 a credit memo of customer 1440 (Cedar Cat), 5914 a
    payment of 1440, and a copy of 5914 (id 5915) a sales order; all are dated in March 2002, the
    month the real accounting period 280 and consolidated rate 1930 price. The real lines are
    re-pointed at them with amounts (NetSuite's signs: an invoice's item lines are negative).
    """
    transactions = real("netsuite2_transaction_data")
    sales_order = transactions.filter(pl.col("id") == "5914").with_columns(id=pl.lit("5915"))
    documents = {"3": "CustInvc", "302": "CustCred", "5914": "CustPymt", "5915": "SalesOrd"}
    current = pl.col("_fivetran_active") == "TRUE"
    transactions = pl.concat([transactions, sales_order]).with_columns(
        type=pl.when(current).then(pl.col("id").replace(documents)).otherwise(pl.col("type")),
        entity=pl.when(current).then(pl.lit("1440")).otherwise(pl.col("entity")),
        trandate=pl.when(current).then(pl.lit("2002-03-15 0:00:00")).otherwise(pl.col("trandate")),
    )
    lines = real("netsuite2_transaction_line_data")
    # Per real line (in file order): its new transaction, quantity, rate, amount, main line.
    changes = [
        ("3", "-2", "60", "-120.00", "F"),
        ("302", "2", "25", "50.00", "F"),
        ("3", "-4", "20", "-80.00", "F"),
        ("3", None, None, "200.00", "T"),
        ("5914", None, None, "150.00", "T"),
    ]
    lines = lines.with_columns(
        transaction=pl.Series([c[0] for c in changes]),
        quantity=pl.Series([c[1] for c in changes], dtype=pl.String),
        rate=pl.Series([c[2] for c in changes], dtype=pl.String),
        foreignamount=pl.Series([c[3] for c in changes]),
        mainline=pl.Series([c[4] for c in changes]),
    )
    order_line = lines.head(1).with_columns(
        transaction=pl.lit("5915"), quantity=pl.lit("-3"), foreignamount=pl.lit("-90.00")
    )
    # The real accounting lines of transactions 5914, 3 and 302, with amounts (debit - credit).
    accounting = real("netsuite2_tran_acct_line_data").with_columns(
        amount=pl.Series(["150.00", "-120.00", "50.00", None, None], dtype=pl.String)
    )
    return {
        "netsuite2_transaction_data": transactions,
        "netsuite2_transaction_line_data": pl.concat([lines, order_line]),
        "netsuite2_tran_acct_line_data": accounting,
    }


def retyped_legacy() -> dict[str, pl.DataFrame]:
    """The real legacy transactions 724979 and 727862 as an invoice and a credit memo.

    Dated in March 2002 like the netsuite2 documents, the month the real rates price.

    Two real lines of customer 82110 (item 14039) are re-pointed at them with amounts, a third
    as the invoice's posting to a receivable account; the other transactions keep their
    (hashed) type.
    """
    documents = {"724979": "Invoice", "727862": "Credit Memo"}
    retyped = pl.col("transaction_id").is_in(list(documents))
    transactions = real("netsuite_transactions_data").with_columns(
        transaction_type=pl.col("transaction_id").replace(documents),
        transaction_date=pl.when(retyped)
        .then(pl.lit("2002-03-20 00:00:00"))
        .otherwise(pl.col("transaction_date")),
    )
    lines = (
        real("netsuite_transaction_lines_data")
        .filter(pl.col("company_id") == "82110")
        .head(2)
        .with_columns(
            transaction_id=pl.Series(["724979", "727862"]),
            amount=pl.Series(["-300.00", "100.00"]),
        )
    )
    # A third real line of 82110 as the invoice's receivable posting: account 1067, no item.
    receivable = (
        real("netsuite_transaction_lines_data")
        .filter(pl.col("company_id") == "82110")
        .slice(2, 1)
        .with_columns(
            transaction_id=pl.lit("724979"),
            account_id=pl.lit("1067"),
            item_id=pl.lit(None, dtype=pl.String),
            amount=pl.lit("300.00"),
            non_posting_line=pl.lit("No"),
        )
    )
    lines = pl.concat([lines, receivable])
    return {"netsuite_transactions_data": transactions, "netsuite_transaction_lines_data": lines}


def land_netsuite(landing: Path) -> None:
    """The real seed files as one delivery, the re-typed documents as the next one."""
    first = landing / "erp" / REAL_DAY
    first.mkdir(parents=True)
    for path in REAL.glob("*.csv"):
        shutil.copy(path, first / path.name)
    second = landing / "erp" / RETYPED_DAY
    second.mkdir(parents=True)
    for name, frame in {**retyped_netsuite2(), **retyped_legacy()}.items():
        frame.write_csv(second / f"{name}.csv")


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both deliveries loaded through the preset named in `sources.yml`."""
    home = tmp_path_factory.mktemp("netsuite")
    land_netsuite(home / "landing")
    (home / "sources.yml").write_text("sources:\n  erp:\n    preset: netsuite\n")
    sources = load_sources(home / "sources.yml")
    ingest(sources["erp"], home / "landing", home / "raw")
    return home


def log_of(home: Path, day: str) -> dict[str, dict]:
    log = read_load_log(home / "raw").filter(pl.col("source_file").str.contains(day))
    return {Path(row["source_file"]).stem: row for row in log.iter_rows(named=True)}


def reasons_of(home: Path, file_stem: str, day: str = REAL_DAY) -> dict[int, str]:
    """Quarantined rows of one landed file by data row index (0 = first row after the header)."""
    quarantine = pl.read_parquet(home / "raw" / "_quality" / "quarantine" / "*.parquet")
    rows = quarantine.filter(pl.col("source_file") == f"erp/{day}/{file_stem}.csv")
    return {number - 2: reason for number, reason in rows.select("row_number", "reason").rows()}


def canonical(home: Path, entity: str, schema: str = "") -> pl.DataFrame:
    """A canonical entity as loaded, from the files of one schema (`netsuite2_`, `netsuite_`)."""
    frame = pl.read_parquet(home / "raw" / "erp" / entity / "*.parquet")
    return frame.filter(pl.col("_source_file").str.contains(schema))


def test_every_row_of_every_real_file_is_loaded_or_quarantined(home):
    log = log_of(home, REAL_DAY)

    assert set(log) == {p.stem for p in REAL.glob("*.csv")}
    for stem, row in log.items():
        assert row["status"] == "loaded", (stem, row["message"])
        assert row["rows_read"] == real(stem).height, stem
        assert row["rows_loaded"] + row["rows_quarantined"] == row["rows_read"], stem
        assert len(reasons_of(home, stem)) == row["rows_quarantined"], stem


def test_other_transaction_types_are_quarantined_naming_the_type(home):
    transactions = real("netsuite2_transaction_data")
    reasons = reasons_of(home, "netsuite2_transaction_data")

    assert len(reasons) == transactions.height
    for index, row in enumerate(transactions.iter_rows(named=True)):
        if row["_fivetran_active"] == "FALSE":
            assert HISTORY in reasons[index]
        else:
            assert reasons[index].startswith(f"transaction type {row['type']} is not an invoice")
    legacy = real("netsuite_transactions_data")
    legacy_reasons = reasons_of(home, "netsuite_transactions_data")
    assert sorted(legacy_reasons) == list(range(legacy.height))
    for index, transaction_type in enumerate(legacy["transaction_type"]):
        assert legacy_reasons[index].startswith(f"transaction type {transaction_type} is not")


def test_lines_whose_transaction_is_not_delivered_are_quarantined_naming_it(home):
    for stem, column in [
        ("netsuite2_transaction_line_data", "transaction"),
        ("netsuite_transaction_lines_data", "transaction_id"),
    ]:
        lines = real(stem)
        reasons = reasons_of(home, stem)
        for index, transaction in enumerate(lines[column]):
            assert f"transaction {transaction} is not in the delivery's" in reasons[index]


def test_every_earlier_version_of_a_record_is_quarantined(home):
    quarantine = pl.read_parquet(home / "raw" / "_quality" / "quarantine" / "*.parquet").filter(
        pl.col("source_file").str.contains(REAL_DAY)
    )
    # Reference tables (currency, account, ...) are only joined, on their current versions.
    mapped = ["customer", "employee", "item", "job", "transaction", "transaction_line"]
    earlier = {
        f"erp/{REAL_DAY}/netsuite2_{table}_data.csv": real(f"netsuite2_{table}_data")
        .with_row_index("row_number", offset=2)
        .filter(pl.col("_fivetran_active") == "FALSE")["row_number"]
        .to_list()
        for table in mapped
        if "_fivetran_active" in real(f"netsuite2_{table}_data").columns
    }

    found = quarantine.filter(pl.col("reason").str.contains("history mode"))
    assert sum(len(rows) for rows in earlier.values()) == found.height == 5
    for source_file, row_number in found.select("source_file", "row_number").rows():
        assert row_number in earlier[source_file]


def test_a_company_and_a_person_are_named_as_netsuite_names_them(home):
    customers = canonical(home, "customers", schema="netsuite2")
    source = active(real("netsuite2_customer_data"))

    assert sorted(customers["customer_number"]) == sorted(source["id"])
    cedar = customers.row(by_predicate=pl.col("customer_number") == "1440", named=True)
    cedar_source = source.row(by_predicate=pl.col("id") == "1440", named=True)
    assert cedar_source["isperson"] == "F"
    assert cedar["legal_name"] == cedar_source["companyname"]
    assert cedar["trading_name"] == cedar_source["altname"] == "Cedar Cat"
    assert str(cedar["created_on"]) == cedar_source["datecreated"][:10]
    joe = customers.row(by_predicate=pl.col("customer_number") == "1409", named=True)
    joe_source = source.row(by_predicate=pl.col("id") == "1409", named=True)
    assert joe["legal_name"] == f"{joe_source['firstname']} {joe_source['lastname']}"
    assert joe["trading_name"] == joe_source["altname"]


def test_a_currency_id_missing_from_the_currency_file_is_the_base_currency(home):
    currency_ids = set(real("netsuite2_currency_data")["id"])
    customers = canonical(home, "customers", schema="netsuite2")

    assert "1" not in currency_ids
    assert set(active(real("netsuite2_customer_data"))["currency"]) == {"1"}
    assert set(customers["currency"]) == {"USD"}


def test_an_address_that_does_not_resolve_leaves_the_country_empty(home):
    addresses = set(real("netsuite2_entity_address_data")["nkey"])
    alfredo = canonical(home, "customers").row(
        by_predicate=pl.col("customer_number") == "1376", named=True
    )

    assert "254" not in addresses  # Alfredo's default billing address
    assert alfredo["country_code"] is None and alfredo["city"] is None


def test_the_earlier_version_of_a_record_is_quarantined_and_the_current_one_loaded(home):
    customers = canonical(home, "customers")
    source = real("netsuite2_customer_data")
    earlier = source.with_row_index().filter(pl.col("_fivetran_active") == "FALSE")

    assert customers.filter(pl.col("customer_number") == "1376").height == 1
    (index,) = earlier["index"]
    assert reasons_of(home, "netsuite2_customer_data") == {index: HISTORY}


def test_employees_keep_an_unknown_department_by_its_id(home):
    employees = canonical(home, "employees")
    source = active(real("netsuite2_employee_data"))
    departments = set(real("netsuite2_department_data")["id"])

    vader = employees.row(by_predicate=pl.col("employee_id") == "409409", named=True)
    vader_source = source.row(by_predicate=pl.col("id") == "409409", named=True)
    assert vader["name"] == f"{vader_source['firstname']} {vader_source['lastname']}"
    assert vader_source["department"] not in departments
    assert vader["department"] == f"department {vader_source['department']}"
    assert employees.height == source.height


def test_form_and_payment_items_are_not_products(home):
    items = active(real("netsuite2_item_data").with_row_index())
    products = canonical(home, "products")
    reasons = reasons_of(home, "netsuite2_item_data")

    downloadable = items.row(by_predicate=pl.col("itemtype") == "DwnLdItem", named=True)
    product = products.row(by_predicate=pl.col("sku") == downloadable["id"], named=True)
    assert (product["name"], product["kind"]) == (downloadable["fullname"], "goods")
    for row in items.filter(pl.col("itemtype").is_in(["Payment", "Subtotal"])).iter_rows(
        named=True
    ):
        assert reasons[row["index"]] == (
            f"item type {row['itemtype']} is a form, payment or tax item, not a product"
        )


def test_legacy_item_types_the_preset_does_not_know_are_quarantined_naming_them(home):
    items = real("netsuite_items_data")
    reasons = reasons_of(home, "netsuite_items_data")

    # The seed's types are hashed, so none is a type the preset knows.
    for index, type_name in enumerate(items["type_name"]):
        assert reasons[index] == (
            f"products: kind: '{type_name}' is not one of goods, service, subscription"
        )


def test_a_job_is_a_project_of_its_customer(home):
    projects = canonical(home, "projects")
    job = active(real("netsuite2_job_data")).row(by_predicate=pl.col("id") == "1548", named=True)

    project = projects.row(by_predicate=pl.col("project_id") == "1548", named=True)
    assert project["customer_number"] == job["customer"]
    assert project["name"] == job["companyname"] == "Another Cat Name"
    assert str(project["start_date"]) == job["startdate"][:10]
    assert job["enddate"] is None
    assert str(project["end_date"]) == job["projectedenddate"].split(" ")[0]


def test_consolidated_rates_load_at_their_period_and_others_name_the_period(home):
    rates = real("netsuite2_consolidated_exchange_rate_data").with_row_index()
    periods = real("netsuite2_accounting_period_data")
    fx = canonical(home, "fx_rates").filter(pl.col("_source_file").str.contains("consolidated"))
    reasons = reasons_of(home, "netsuite2_consolidated_exchange_rate_data")

    priced = rates.join(periods, left_on="postingperiod", right_on="id", how="inner")
    assert fx.height == priced.height == 1
    (rate,) = priced.iter_rows(named=True)
    assert str(fx["month"][0]) == rate["startdate"][:8] + "01"
    assert fx["currency"][0] == "USD"
    assert fx["rate"][0] == Decimal(rate["averagerate"])
    unpriced = rates.filter(~pl.col("postingperiod").is_in(periods["id"].implode()))
    for row in unpriced.iter_rows(named=True):
        assert reasons[row["index"]] == (
            f"posting period {row['postingperiod']} is not in the delivery's accounting_period "
            "table: month unknown"
        )


def test_accounting_lines_without_amount_or_posting_date_are_quarantined(home):
    lines = real("netsuite2_tran_acct_line_data")
    transactions = set(real("netsuite2_transaction_data")["id"])
    reasons = reasons_of(home, "netsuite2_tran_acct_line_data")

    assert canonical(home, "gl_entries", schema=REAL_DAY).height == 0
    for index, row in enumerate(lines.iter_rows(named=True)):
        assert "accounting line with no amount" in reasons[index]
        if row["transaction"] not in transactions:
            assert f"transaction {row['transaction']} is not in the delivery's" in reasons[index]
        if row["account"] is None:
            assert "accounting line with no account" in reasons[index]


def revenue_by_customer(files: dict[str, pl.DataFrame]) -> dict[str, Decimal]:
    """Oracle: revenue of every customer document = -amount over its item lines."""
    transactions = files["netsuite2_transaction_data"]
    lines = files["netsuite2_transaction_line_data"]
    documents = transactions.filter(
        (pl.col("_fivetran_active") == "TRUE") & pl.col("type").is_in(["CustInvc", "CustCred"])
    ).select(transaction="id", customer="entity")
    return dict(
        lines.filter(pl.col("mainline") == "F")
        .join(documents, on="transaction")
        .group_by("customer")
        .agg((-pl.col("foreignamount").cast(pl.Decimal(18, 2))).sum())
        .rows()
    )


def test_a_credit_memo_reduces_its_customers_revenue(home):
    files = retyped_netsuite2()
    invoices = canonical(home, "invoices").filter(pl.col("_source_file").str.contains("netsuite2"))
    invoice_lines = canonical(home, "invoice_lines").filter(
        pl.col("_source_file").str.contains("netsuite2")
    )

    kinds = dict(invoices.select("invoice_number", "kind").rows())
    assert kinds == {"3": "invoice", "302": "credit_note"}
    credit = invoice_lines.row(by_predicate=pl.col("invoice_number") == "302", named=True)
    assert credit["net_amount"] == Decimal("50.00") and credit["quantity"] == Decimal("2")
    # fct_invoice_lines negates credit notes: revenue = invoices - credit memos.
    signed = invoice_lines.join(invoices, on="invoice_number").select(
        pl.when(pl.col("kind") == "credit_note")
        .then(-pl.col("net_amount"))
        .otherwise(pl.col("net_amount"))
        .sum()
    )
    assert revenue_by_customer(files) == {"1440": signed.item()}
    assert signed.item() == Decimal("150.00")


def test_main_lines_and_payment_lines_are_quarantined_with_their_reason(home):
    reasons = reasons_of(home, "netsuite2_transaction_line_data", RETYPED_DAY)

    assert reasons[3] == "main line (the document's total and customer, not an item line)"
    assert "line of a CustPymt transaction" in reasons[4]


def test_a_payment_takes_its_amount_from_its_main_line(home):
    payments = canonical(home, "payments")
    lines = retyped_netsuite2()["netsuite2_transaction_line_data"]
    main = lines.row(
        by_predicate=(pl.col("transaction") == "5914") & (pl.col("mainline") == "T"), named=True
    )

    payment = payments.row(by_predicate=pl.col("payment_id") == "5914", named=True)
    assert payment["amount"] == Decimal(main["foreignamount"])
    assert (payment["customer_number"], str(payment["payment_date"])) == ("1440", "2002-03-15")


def test_a_sales_order_and_its_line_are_loaded(home):
    orders = canonical(home, "sales_orders")
    order_lines = canonical(home, "sales_order_lines")

    order = orders.row(by_predicate=pl.col("order_number") == "5915", named=True)
    assert (order["customer_number"], order["currency"]) == ("1440", "USD")
    line = order_lines.row(by_predicate=pl.col("order_number") == "5915", named=True)
    assert (line["quantity"], line["unit_price"]) == (Decimal("3"), Decimal("60"))


def test_a_legacy_credit_memo_reduces_its_customers_revenue(home):
    invoices = canonical(home, "invoices").filter(
        pl.col("_source_file").str.contains("netsuite_transactions")
    )
    lines = canonical(home, "invoice_lines").filter(
        pl.col("_source_file").str.contains("netsuite_transaction_lines")
    )
    source = retyped_legacy()["netsuite_transaction_lines_data"].filter(
        pl.col("item_id").is_not_null()
    )

    assert dict(invoices.select("invoice_number", "kind").rows()) == {
        "724979": "invoice",
        "727862": "credit_note",
    }
    assert set(invoices["customer_number"]) == set(source["company_id"]) == {"82110"}
    by_document = dict(lines.select("invoice_number", "net_amount").rows())
    expected = dict(
        source.select("transaction_id", -pl.col("amount").cast(pl.Decimal(18, 2))).rows()
    )
    # Stored positive on both, the kind saying which reduces revenue.
    assert by_document == {"724979": expected["724979"], "727862": -expected["727862"]}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory):
    """A generated company's CRM with NetSuite as its ERP, refreshed once, in US dollars.

    The seeds are a US account (currency 1, USD): the reporting currency and the preset's
    `reporting_currency` are USD, so NetSuite's own rates price its documents.
    """
    from dagster_project.run_refresh import run_refresh
    from ingestion.generator import generate_company

    home = tmp_path_factory.mktemp("netsuite-refresh")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        monkeypatch.setenv("C360_REPORTING_CURRENCY", "USD")
        settings = dataclasses.replace(settings, reporting_currency="USD")
        generate_company(
            settings.landing_dir,
            settings.truth_dir,
            start=dt.date(2026, 9, 1),
            days=2,
            customers=30,
        )
        shutil.rmtree(settings.landing_dir / "erp")
        land_netsuite(settings.landing_dir)
        settings.sources_file.write_text(
            "sources:\n  erp:\n    preset: netsuite\n"
            "    overrides: {params: {reporting_currency: USD}}\n"
        )
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
        connection = connect_readonly(settings)
        yield connection
        connection.close()


def test_the_refresh_puts_the_credit_memo_against_its_customers_revenue(published):
    oracle = revenue_by_customer(retyped_netsuite2())
    customer = real("netsuite2_customer_data").row(by_predicate=pl.col("id") == "1440", named=True)

    row = published.execute(
        "select legal_name, lifetime_net_revenue, first_invoice_date from marts.dim_customers "
        "where erp_customer_number = '1440'"
    ).fetchone()
    assert row == (customer["companyname"], oracle["1440"], dt.date(2002, 3, 15))
    credit = published.execute(
        "select invoice_kind, net_revenue, reporting_currency from marts.fct_invoice_lines "
        "where invoice_number = '302'"
    ).fetchall()
    assert credit == [("credit_note", Decimal("-50.00"), "USD")]


def test_the_refresh_loads_every_netsuite_customer_once(published):
    expected = set(active(real("netsuite2_customer_data"))["id"]) | set(
        real("netsuite_customers_data")["customer_id"]
    )

    numbers = [
        number
        for (number,) in published.execute(
            "select erp_customer_number from marts.dim_customers where not is_inferred"
        ).fetchall()
    ]
    assert sorted(numbers) == sorted(expected)


def test_the_monthly_revenue_is_the_netsuite_documents_net_of_credit_memos(published):
    netsuite2 = sum(revenue_by_customer(retyped_netsuite2()).values())
    legacy_lines = retyped_legacy()["netsuite_transaction_lines_data"]
    legacy = (
        -legacy_lines.filter(pl.col("item_id").is_not_null())["amount"]
        .cast(pl.Decimal(18, 2))
        .sum()
    )

    revenue = published.execute(
        "select month, net_revenue from marts.rpt_kpi_monthly where net_revenue is not null"
    ).fetchall()
    assert revenue == [(dt.date(2002, 3, 1), netsuite2 + legacy)]


def test_accounting_lines_are_gl_entries_at_their_transactions_date(home):
    accounting = retyped_netsuite2()["netsuite2_tran_acct_line_data"]
    entries = canonical(home, "gl_entries", schema="netsuite2")
    reasons = reasons_of(home, "netsuite2_tran_acct_line_data", RETYPED_DAY)

    with_amount = accounting.filter(pl.col("amount").is_not_null())
    assert entries.height == with_amount.height == 3
    for row in with_amount.iter_rows(named=True):
        entry = entries.row(
            by_predicate=pl.col("entry_id") == f"{row['transaction']}-{row['transactionline']}-1",
            named=True,
        )
        # The account file is not in this delivery: the account keeps its id, the base currency.
        assert (entry["account_code"], entry["amount"]) == (row["account"], Decimal(row["amount"]))
        assert (str(entry["posting_date"]), entry["currency"]) == ("2002-03-15", "USD")
    assert sorted(reasons) == [3, 4]


def test_a_legacy_posting_line_is_a_gl_entry_of_its_customer(home):
    entries = canonical(home, "gl_entries", schema="netsuite_transaction_lines")
    account = real("netsuite_accounts_data").row(
        by_predicate=pl.col("account_id") == "1067", named=True
    )

    (entry,) = entries.iter_rows(named=True)
    assert entry["entry_id"].startswith("724979-")
    # The accounts file came with the first delivery; this one holds no account names.
    assert (entry["account_code"], entry["account_name"]) == ("1067", None)
    assert account["account_number"] == "10008"
    assert (entry["amount"], entry["customer_number"]) == (Decimal("300.00"), "82110")
