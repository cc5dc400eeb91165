"""What the KPIs lose when a customer organisation is erased: its revenue and margin per month.

Read from the published version, before anything is erased, so the figures are the ones users
see: `fct_invoice_lines` is the fact every revenue KPI sums (`rpt_kpi_monthly.net_revenue` and
`gross_margin` are its sums per invoice month), so the organisation's lines summed per month are
exactly what those two columns lose. Revenue converted to the reporting currency, credit notes
negative, as the marts have them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from c360.serving import NoPublishedVersionError, connect_readonly
from c360.settings import Settings


@dataclass(frozen=True)
class MonthLoss:
    """One month's revenue and margin of the organisation."""

    month: dt.date
    net_revenue: Decimal
    gross_margin: Decimal | None  # None: none of its lines that month has a known cost


@dataclass(frozen=True)
class KpiLoss:
    """The organisation's share of the published revenue KPIs."""

    reporting_currency: str | None
    months: list[MonthLoss]

    @property
    def net_revenue(self) -> Decimal:
        """Its net revenue over every month."""
        return sum((m.net_revenue for m in self.months), Decimal(0))

    @property
    def gross_margin(self) -> Decimal:
        """Its gross margin over every month (months without a known cost count 0)."""
        return sum((m.gross_margin or Decimal(0) for m in self.months), Decimal(0))

    def lines(self) -> list[str]:
        """The table the command prints before asking to confirm."""
        currency = self.reporting_currency or ""
        rows = [f"  {'month':<10} {'net revenue':>16} {'gross margin':>16}  {currency}".rstrip()]
        for m in self.months:
            margin = "-" if m.gross_margin is None else f"{m.gross_margin:,.2f}"
            rows.append(f"  {m.month:%Y-%m}    {m.net_revenue:>16,.2f} {margin:>16}")
        rows.append(f"  {'total':<10} {self.net_revenue:>16,.2f} {self.gross_margin:>16,.2f}")
        return rows

    def summary(self) -> dict[str, object]:
        """Totals for the audit entry and the command's JSON."""
        return {
            "reporting_currency": self.reporting_currency,
            "months_with_revenue": len(self.months),
            "net_revenue_removed": str(self.net_revenue),
            "gross_margin_removed": str(self.gross_margin),
        }


def kpi_loss(settings: Settings, customer_key: str) -> KpiLoss:
    """The organisation's net revenue and margin per invoice month in the published version."""
    try:
        con = connect_readonly(settings)
    except NoPublishedVersionError:
        return KpiLoss(None, [])
    try:
        rows = con.execute(
            """
            select invoice_month, any_value(reporting_currency), sum(net_revenue),
                sum(gross_margin)
            from marts.fct_invoice_lines
            where customer_key = ?
            group by invoice_month
            order by invoice_month
            """,
            [customer_key],
        ).fetchall()
    finally:
        con.close()
    currency = rows[0][1] if rows else None
    return KpiLoss(currency, [MonthLoss(month, net, margin) for month, _, net, margin in rows])
