"""Number formats shared by the pages, so a figure reads the same everywhere.

Every format drops the sign of a zero (`z`, Python 3.11): a sum of doubles a hair below zero
reads `0 EUR` or `0.0 %`, never `-0 EUR`.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def money(value: Decimal | float | None, currency: str) -> str:
    """`1.23 M EUR`, `45.6 k EUR` or `789 EUR`: compact enough for a tile.

    Not a number reads as undefined.
    """
    if value is None or not math.isfinite(amount := float(value)):
        return "—"
    for threshold, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(amount) >= threshold:
            return f"{amount / threshold:,.2f}{suffix} {currency}"
    return f"{amount:z,.0f} {currency}"


def money_change(value: Decimal | float | None, currency: str) -> str | None:
    """`st.metric`'s delta for a change in money; None (no arrow) when it reads as zero.

    A change that rounds to nothing would otherwise get a coloured arrow beside `0 EUR`.
    """
    amount = None if value is None else float(value)
    if amount is None or _reads_as_zero(amount, digits=0):
        return None
    return money(amount, currency)


def _reads_as_zero(amount: float, digits: int) -> bool:
    """True when a change shows no movement at `digits` decimals, or is not a number.

    Streamlit draws a green arrow up for any delta not starting with a minus, and a red one
    down for `-0.0 %`: a tile that did not move would show either, by the sign of a residue.
    The one rule for every delta helper, so none gives an arrow to a change that reads as zero.
    """
    return not math.isfinite(amount) or round(amount, digits) == 0


def percent(value: float | None) -> str:
    """`41.2 %`; a dash when undefined (for example a margin on zero revenue)."""
    return "—" if value is None else f"{value * 100:z.1f} %"


def count(value: int | float | None) -> str:
    """`1,234`; a dash when undefined."""
    return "—" if value is None else f"{value:z,.0f}"


def _signed_tenths(amount: float, unit: str) -> str | None:
    """`+4.0 pts`, `-2.8 %`; None when it reads as zero at a tenth."""
    if _reads_as_zero(amount, digits=1):
        return None
    return f"{amount:+.1f} {unit}"


def change(current: float | None, previous: float | None) -> str | None:
    """Relative change for `st.metric`'s delta.

    None when there is nothing to compare with, or when the change reads as zero.
    """
    if current is None or previous in (None, 0):
        return None
    return _signed_tenths((float(current) - float(previous)) / abs(float(previous)) * 100, "%")


def points(current: float | None, previous: float | None) -> str | None:
    """Change of a ratio in percentage points; None as for `change`."""
    if current is None or previous is None:
        return None
    return _signed_tenths((float(current) - float(previous)) * 100, "pts")


def days(value: float | None) -> str:
    """`42 days` (DSO, sales cycle); a dash when undefined."""
    return "—" if value is None else f"{float(value):z,.0f} days"


def ratio(value: float | None) -> str:
    """`3.2x` (LTV:CAC); a dash when undefined (no CAC)."""
    return "—" if value is None else f"{float(value):z.1f}x"


def value(kind: str, amount: Decimal | float | None, currency: str) -> str:
    """Format `amount` as a tile of `kind` (money, percent, count, days or ratio) shows it."""
    if kind == "money":
        return money(amount, currency)
    if kind == "percent":
        return percent(amount)
    if kind == "days":
        return days(amount)
    if kind == "ratio":
        return ratio(amount)
    return count(amount)


def delta(kind: str, current: float | None, previous: float | None) -> str | None:
    """The change a tile of `kind` shows: points for a percentage, relative otherwise."""
    return points(current, previous) if kind == "percent" else change(current, previous)


def short_amount(value: float | None) -> str:
    """`1.26 k`, `12.6 k`, `126 k`, `1.26 M`: three significant digits, for axis ticks and bands."""
    if value is None:
        return "—"
    amount = float(f"{float(value):.3g}")  # 999.99 is 1 k, not 1e+03
    for threshold, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k"), (1, "")):
        if abs(amount) >= threshold:
            return f"{amount / threshold:.3g}{suffix}"
    return f"{amount:z.3g}"


def clv_fit_caption(fitted_through: object, refit_days: int | None) -> str:
    """`CLV fitted through 2026-08-31 (refit weekly)`: how old the model behind the scores is.

    The CLV scores every refresh but refits every `refit_days` days (fct_customer_clv).
    """
    cadence = {None: "", 1: " (refit daily)", 7: " (refit weekly)"}.get(
        refit_days, f" (refit every {refit_days} days)"
    )
    return f"CLV fitted through {fitted_through}{cadence}"


def markdown_literal(text: object) -> str:
    """`text` escaped for Streamlit's Markdown, so that it shows character for character.

    Why: names, segments and channels come from the CRM and the ERP, typed by anyone, and
    `st.header` and `st.caption` read Markdown. A customer named `![x](https://host/p.png)` was
    an image fetched from that host on every Customer 360 that showed it, `[Pay here](…)` a
    link, `$…$` LaTeX and `:red[…]` coloured text. Every ASCII punctuation mark is
    backslash-escaped, CommonMark's escape, which Streamlit's own `$` and `:` syntax honour.
    """
    return _ASCII_PUNCTUATION.sub(r"\\\1", str(text))
