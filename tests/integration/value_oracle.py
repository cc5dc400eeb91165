"""An independent computation of CAC per channel and month and of cohort logo retention.

Apart from the warehouse on purpose: Polars reads of the landing extracts (CSV and the GL's
Parquet), the generator's ground truth for which records are one organisation, and the KPI
definitions of docs/metrics.md restated here in a few lines.
"""

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import polars as pl

from tests.integration.oracle import CENT, _date, _dec, _latest, _month, _read_erp

MARKETING_ACCOUNTS = {"6230", "6231", "6233"}
SALES_ACCOUNTS = {"6410", "6415", "6251"}
COST_CENTRE_CHANNELS = {
    "MKT-SEARCH": "Paid Search",
    "MKT-SOCIAL": "Paid Social",
    "MKT-EVENTS": "Events",
    "MKT-EMAIL": "Email",
    "MKT-CONTENT": "Content",
    "MKT-PARTNER": "Partner",
}


def _read(landing: Path, source: str, entity: str) -> pl.DataFrame:
    """Every version of a CRM entity (CSV) or of the GL (Parquet), with its extract date."""
    if source == "erp" and entity != "gl_entries":
        return _read_erp(landing, entity)
    frames = []
    for path in sorted((landing / source).glob(f"*/{entity}.*")):
        frame = (
            pl.read_parquet(path)
            if path.suffix == ".parquet"
            else pl.read_csv(path, infer_schema=False)
        )
        frames.append(
            frame.with_columns(
                pl.lit(dt.date.fromisoformat(path.parent.name)).alias("extract_date"),
                pl.int_range(pl.len()).alias("position"),
            )
        )
    return pl.concat(frames, how="diagonal")


def _rates(landing: Path) -> dict[tuple[dt.date, str], Decimal]:
    rates = _latest(_read_erp(landing, "fx_rates"), ["month", "currency"])
    return {
        (_date(r["month"]), r["currency"]): _dec(r["rate"]) for r in rates.iter_rows(named=True)
    }


def spend_by_month_and_channel(landing: Path) -> dict[tuple[dt.date, str], Decimal]:
    """{(month, channel): marketing spend}, plus {(month, "sales"): sales spend}, in EUR."""
    rates = _rates(landing)
    campaigns = {
        r["campaign_id"]: r["channel"]
        for r in _latest(_read(landing, "crm", "campaigns"), ["campaign_id"]).iter_rows(named=True)
    }
    spend: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for entry in _latest(_read(landing, "erp", "gl_entries"), ["entry_id"]).iter_rows(named=True):
        code = entry["account_code"]
        if code not in MARKETING_ACCOUNTS | SALES_ACCOUNTS:
            continue
        month = _month(entry["posting_date"])
        amount = (Decimal(entry["amount"]) * rates[(month, entry["currency"])]).quantize(
            CENT, ROUND_HALF_UP
        )
        if code in SALES_ACCOUNTS:
            channel = "sales"
        else:
            channel = campaigns.get(entry["campaign_code"]) or COST_CENTRE_CHANNELS.get(
                entry["cost_centre"], "Unattributed"
            )
        spend[(month, channel)] += amount
    return dict(spend)


def acquisitions(landing: Path, truth: Path) -> dict[str, tuple[dt.date, str]]:
    """{organisation: (acquisition month, channel)} for every organisation ever invoiced."""
    orgs = pl.read_parquet(truth / "organisations.parquet")
    org_of_number = {
        number: org
        for org, numbers in zip(orgs["org_id"], orgs["erp_customer_numbers"], strict=True)
        for number in numbers
    }
    org_of_account = {
        account: org
        for org, accounts in zip(orgs["org_id"], orgs["crm_account_ids"], strict=True)
        for account in accounts
    }
    first_invoice: dict[str, dt.date] = {}
    invoices = _latest(_read_erp(landing, "invoices"), ["invoice_number"])
    for r in invoices.iter_rows(named=True):
        if r["kind"] == "invoice" and r["status"] != "cancelled":
            org, day = org_of_number[r["customer_number"]], _date(r["invoice_date"])
            first_invoice[org] = min(day, first_invoice.get(org, day))
    # (when, lead before opportunity, id, channel): the smallest names the channel
    touches: dict[str, list[tuple[dt.datetime, int, str, str]]] = defaultdict(list)
    leads = _latest(_read(landing, "crm", "leads"), ["lead_id"])
    for r in leads.iter_rows(named=True):
        if r["converted_at"] and r["lead_source"] and r["converted_account_id"] in org_of_account:
            when = dt.datetime.fromisoformat(r["converted_at"])
            touches[org_of_account[r["converted_account_id"]]].append(
                (when, 1, r["lead_id"], r["lead_source"])
            )
    deals = _latest(_read(landing, "crm", "opportunities"), ["opportunity_id"])
    for r in deals.iter_rows(named=True):
        if r["stage"] == "Closed Won" and r["is_deleted"] != "true" and r["lead_source"]:
            when = dt.datetime.fromisoformat(r["close_date"]).replace(tzinfo=dt.UTC)
            touches[org_of_account[r["account_id"]]].append(
                (when, 2, r["opportunity_id"], r["lead_source"])
            )
    return {
        org: (_month(day), min(touches[org])[3] if touches[org] else "Unattributed")
        for org, day in first_invoice.items()
    }


def cac_by_month_and_channel(
    landing: Path, truth: Path
) -> dict[tuple[dt.date, str], tuple[Decimal, int, Decimal | None]]:
    """{(month, channel): (spend, new customers, CAC)}, channels and the 'Blended' row."""
    spend = spend_by_month_and_channel(landing)
    new = Counter(acquisitions(landing, truth).values())
    rows: dict[tuple[dt.date, str], tuple[Decimal, int, Decimal | None]] = {}
    for key in (set(spend) | set(new)) - {k for k in spend if k[1] == "sales"}:
        rows[key] = (spend.get(key, Decimal(0)), new.get(key, 0), None)
    for month in {m for m, _ in rows} | {m for m, c in spend.items() if c == "sales"}:
        total = sum((s for (m, _), s in spend.items() if m == month), Decimal(0))
        customers = sum(n for (m, _), n in new.items() if m == month)
        rows[(month, "Blended")] = (total, customers, None)
    return {
        key: (s, n, (s / n).quantize(CENT, ROUND_HALF_UP) if n else None)
        for key, (s, n, _) in rows.items()
    }


def cohort_logo_retention(landing: Path, truth: Path) -> dict[tuple[dt.date, int], tuple[int, int]]:
    """{(cohort month, age in months): (cohort customers, customers with revenue > 0 then)}."""
    cohorts = {org: month for org, (month, _) in acquisitions(landing, truth).items()}
    months = pl.read_parquet(truth / "customer_months.parquet")
    buying = {
        (org, month)
        for org, month, revenue in months.select("org_id", "month", "net_revenue_eur").iter_rows()
        if revenue > 0
    }
    last = months["month"].max()
    sizes = Counter(cohorts.values())
    result: dict[tuple[dt.date, int], tuple[int, int]] = {}
    for cohort, size in sizes.items():
        age, month = 0, cohort
        while month <= last:
            retained = sum(
                1 for org, c in cohorts.items() if c == cohort and (org, month) in buying
            )
            result[(cohort, age)] = (size, retained)
            age, month = age + 1, _next_month(month)
    return result


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def cohort_ltv(landing: Path, truth: Path) -> dict[tuple[dt.date, int], Decimal]:
    """{(cohort month, age): cumulative gross margin per cohort customer at that age}."""
    cohorts = {org: month for org, (month, _) in acquisitions(landing, truth).items()}
    months = pl.read_parquet(truth / "customer_months.parquet")
    margin = {
        (org, m): gm
        for org, m, gm in months.select("org_id", "month", "gross_margin_eur").iter_rows()
    }
    last = months["month"].max()
    sizes = Counter(cohorts.values())
    result: dict[tuple[dt.date, int], Decimal] = {}
    for cohort, size in sizes.items():
        members = [org for org, c in cohorts.items() if c == cohort]
        age, month, total = 0, cohort, Decimal(0)
        while month <= last:
            total += sum((margin.get((org, month), Decimal(0)) for org in members), Decimal(0))
            result[(cohort, age)] = (total / size).quantize(CENT, ROUND_HALF_UP)
            age, month = age + 1, _next_month(month)
    return result


def churned_by_month(landing: Path, truth: Path) -> dict[dt.date, int]:
    """{month: churned customers}: active and not marked former in m-1, and in m inactive or
    marked Former Customer (by its latest CRM account, from that account's modification month).
    """
    orgs = pl.read_parquet(truth / "organisations.parquet")
    accounts = _latest(_read(landing, "crm", "accounts"), ["account_id"])
    modified = {r["account_id"]: r for r in accounts.iter_rows(named=True)}
    former: dict[str, dt.date] = {}
    for org, ids in orgs.select("org_id", "crm_account_ids").iter_rows():
        latest = max(
            (modified[i] for i in ids if i in modified),
            default=None,
            key=lambda r: (r["last_modified_at"], r["account_id"]),
        )
        if latest and latest["type"] == "Former Customer":
            former[org] = _month(dt.date.fromisoformat(latest["last_modified_at"][:10]))
    months = pl.read_parquet(truth / "customer_months.parquet")
    revenue: dict[str, dict[dt.date, Decimal]] = defaultdict(dict)
    for org, month, amount in months.select("org_id", "month", "net_revenue_eur").iter_rows():
        revenue[org][month] = amount
    last = months["month"].max()
    churned: Counter[dt.date] = Counter()
    for org, by_month in revenue.items():
        month, window, was_retained = min(by_month), [], False
        while month <= last:
            window = [*window[-11:], by_month.get(month, Decimal(0))]
            active = sum(window) > 0
            is_former = org in former and former[org] <= month
            if was_retained and (not active or is_former):
                churned[month] += 1
            was_retained = active and not is_former
            month = _next_month(month)
    return dict(churned)
