"""Whether a schedule setting is a cron expression the daemon's scheduler accepts.

`C360_SCHEDULE_CRON` reaches Dagster only when its definitions load (the daemon, `c360
refresh`), where a typo stopped the command with Dagster's traceback. The settings check it when
a command starts instead. The grammar is standard cron's five fields (minute, hour, day of the
month, month, day of the week) with lists, ranges, steps and English names, plus the `@daily`
family. Dagster also accepts croniter's extensions (`L`, `#`, `?`, ranges that wrap around such
as `22-4`), which are refused here rather than guessed at. Like Dagster, a schedule that can
never fire (30 or 31 February) is refused.
tests/c360/test_settings.py checks this rule against Dagster's own on every form.
"""

from __future__ import annotations

import re

MACROS = frozenset(
    {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}
)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (lowest, highest, names from the lowest on) of each field in order.
FIELDS = ((0, 59, ()), (0, 23, ()), (1, 31, ()), (1, 12, MONTHS), (0, 7, WEEKDAYS))
ELEMENT = re.compile(r"^(?:(\*)|([0-9a-z]+)(?:-([0-9a-z]+))?)(?:/([0-9]+))?$")
FEBRUARY = 2


def _value(text: str, lowest: int, highest: int, names: tuple[str, ...]) -> int | None:
    """The number `text` stands for within [lowest, highest], or None."""
    if text.isdigit():
        number = int(text)
    elif text in names:
        number = lowest + names.index(text)
    else:
        return None
    return number if lowest <= number <= highest else None


def _field_values(text: str, lowest: int, highest: int, names: tuple[str, ...]) -> set[int] | None:
    """Every value one field fires on, or None when the field is not valid."""
    values: set[int] = set()
    for element in text.split(","):
        match = ELEMENT.match(element)
        if match is None:
            return None
        star, start, end, step = match.groups()
        if star:
            first, last = lowest, highest
        else:
            first = _value(start, lowest, highest, names)
            last = first if end is None else _value(end, lowest, highest, names)
            if first is None or last is None or last < first:
                return None
            if step and end is None:
                last = highest  # `5/15`: from 5 to the field's end, every 15
        if step is not None and int(step) < 1:
            return None
        values |= set(range(first, last + 1, int(step or 1)))
    return values


def is_cron(expression: str) -> bool:
    """Whether `expression` is a schedule the daemon accepts and that can fire."""
    text = expression.strip().lower()
    if text in MACROS:
        return True
    fields = text.split()
    if len(fields) != len(FIELDS):
        return False
    expanded = [_field_values(f, *bounds) for f, bounds in zip(fields, FIELDS, strict=True)]
    if any(values is None for values in expanded):
        return False
    days, months = expanded[2], expanded[3]
    return not (months == {FEBRUARY} and days is not None and len(days) == 1 and days <= {30, 31})
