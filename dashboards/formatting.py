"""Number formats shared by the pages, so a figure reads the same everywhere."""

from __future__ import annotations

from decimal import Decimal


def money(value: Decimal | float | None, currency: str) -> str:
    """`1.23 M EUR`, `45.6 k EUR` or `789 EUR`: compact enough for a tile."""
    if value is None:
        return "—"
    amount = float(value)
    for threshold, suffix in ((1e9, " bn"), (1e6, " M"), (1e3, " k")):
        if abs(amount) >= threshold:
            return f"{amount / threshold:,.2f}{suffix} {currency}"
    return f"{amount:,.0f} {currency}"


def percent(value: float | None) -> str:
    """`41.2 %`; a dash when undefined (for example a margin on zero revenue)."""
    return "—" if value is None else f"{value * 100:.1f} %"


def change(current: float | None, previous: float | None) -> str | None:
    """Relative change for `st.metric`'s delta, None when there is nothing to compare with."""
    if current is None or previous in (None, 0):
        return None
    return f"{(float(current) - float(previous)) / abs(float(previous)) * 100:+.1f} %"


def points(current: float | None, previous: float | None) -> str | None:
    """Change of a ratio in percentage points."""
    if current is None or previous is None:
        return None
    return f"{(current - previous) * 100:+.1f} pts"
