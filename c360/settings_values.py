"""How a setting's text becomes its value, and what a user reads when it cannot.

Settings are environment variables, and a typo in one ("4 gigs", "ten", "-3") used to surface
late and far from its cause: a DuckDB parser error inside dbt minutes into a refresh, a Python
traceback, or nothing at all (a negative retention would have deleted every loaded extract
and replaced version at once, as already too old). Reading every setting through
`SettingsReader` checks each value when the command starts, and `SettingsError` names every
variable that is wrong, its value and what it takes, at once: a user fixes them in one go
rather than one failed command at a time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from c360.cron_expression import is_cron

T = TypeVar("T")
# A DuckDB size the product can also halve (c360.build_files.half_memory_limit): a number and a
# unit, decimal (kB, MB, GB, TB) or binary (KiB, MiB, GiB, TiB), in any case.
MEMORY_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b)\s*$", re.IGNORECASE)
CURRENCY_CODE = re.compile(r"[A-Z]{3}")


class SettingsError(ValueError):
    """Settings whose values the product cannot use; the message has one line for each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = "1 setting" if len(problems) == 1 else f"{len(problems)} settings"
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"{count} cannot be used:\n{lines}")


class SettingsReader:
    """Values from an environment, every problem kept until `check` reports them together."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self._env = env
        self.problems: list[str] = []

    def text(self, name: str, default: str) -> str:
        """The variable as it is, or `default` when unset."""
        return self._env.get(name, default)

    def _refuse(self, name: str, wanted: str) -> None:
        self.problems.append(f"{name}={self._env[name]!r}: {wanted}")

    def _parsed(self, name: str, convert: Callable[[str], T], unreadable: T) -> T | None:
        """The variable through `convert`, `unreadable` when it does not convert; None if unset."""
        raw = self._env.get(name)
        if raw is None:
            return None
        try:
            return convert(raw.strip())
        except ValueError:
            return unreadable

    def count(self, name: str, default: int) -> int:
        """A whole number of 1 or more: a refit every 0 days or a sensor every 0 s is refused."""
        value = self._parsed(name, int, 0)
        if value is None:
            return default
        if value < 1:
            self._refuse(name, "a whole number of 1 or more")
            return default
        return value

    def number(
        self,
        name: str,
        default: float,
        *,
        above: float | None = None,
        at_least: float | None = None,
        below: float | None = None,
    ) -> float:
        """A decimal number within the bounds given (`above` and `below` exclusive)."""
        value = self._parsed(name, float, math.nan)
        if value is None:
            return default
        wanted: list[tuple[str, bool]] = []
        if above is not None:
            wanted.append((f"greater than {above:g}", value > above))
        if at_least is not None:
            wanted.append((f"of {at_least:g} or more", value >= at_least))
        if below is not None:
            wanted.append((f"less than {below:g}", value < below))
        if math.isnan(value) or not all(held for _, held in wanted):
            bounds = " and ".join(words for words, _ in wanted)
            self._refuse(name, f"a number {bounds}".strip())
            return default
        return value

    def optional_number(self, name: str, *, at_least: float) -> float | None:
        """`number`, or None when unset or empty (the feature is off)."""
        if not self._env.get(name, "").strip():
            return None
        return self.number(name, 0.0, at_least=at_least)

    def _shaped(self, name: str, default: str, accepts: Callable[[str], bool], wanted: str) -> str:
        """The variable, stripped, if `accepts` takes it; else refused with `wanted`."""
        raw = self._env.get(name)
        if raw is None:
            return default
        if not accepts(raw.strip()):
            self._refuse(name, wanted)
            return default
        return raw.strip()

    def memory_size(self, name: str, default: str) -> str:
        """A DuckDB memory size such as `4GB`, `512MB` or `6GiB` (`MEMORY_SIZE`)."""
        return self._shaped(
            name, default, _is_memory_size, "a memory size such as 4GB, 512MB or 6GiB"
        )

    def currency_code(self, name: str, default: str) -> str:
        """A currency code of three capital letters (ISO 4217's shape: `EUR`, `GBP`).

        Why: the reporting currency picks the ECB's and the ERP's rates by equality, so `eur` or
        `EURO` matched none: every document lost its amount. It is also written into the
        build's SQL as a literal.
        """
        return self._shaped(
            name,
            default,
            lambda text: CURRENCY_CODE.fullmatch(text) is not None,
            "a currency code of three capital letters, such as EUR or GBP",
        )

    def cron(self, name: str, default: str) -> str:
        """A five-field cron expression or `@daily` and its kind (`c360.cron_expression`)."""
        return self._shaped(
            name,
            default,
            is_cron,
            "a cron expression of five fields, such as '0 6 * * *', or @daily",
        )

    def timezone(self, name: str, default: str) -> str:
        """An IANA time zone name such as `Europe/Paris` (the names Python's zoneinfo knows)."""
        return self._shaped(
            name, default, _is_time_zone, "an IANA time zone name, such as UTC or Europe/Paris"
        )

    def folder(self, name: str, default: Path | None, holding: str | None = None) -> Path | None:
        """An existing folder (holding the file `holding`, where given), resolved; else `default`.

        Only a folder the product reads from is checked: the data root is created when missing.
        """
        raw = self._env.get(name, "").strip()
        if not raw:
            return default
        path = Path(raw).resolve()
        if not path.is_dir() or (holding is not None and not (path / holding).is_file()):
            wanted = f"a folder holding {holding}" if holding else "an existing folder"
            self._refuse(name, wanted)
            return default
        return path

    def data_root(self, name: str, default: str) -> Path:
        """The data root, resolved; its path may hold anything a URL would not read back.

        Dagster keeps its run history in SQLite files under it, opened by a URL built from the
        path: a `?` starts the URL's query and `%20` reads as a space, so the instance did not
        open (SQLAlchemy's "no such table: event_logs", after ingestion). Spaces, quotes,
        accents, `#` and a `%` alone are fine.
        """
        path = Path(self._env.get(name, default)).resolve()
        if "?" in str(path) or re.search(r"%[0-9A-Fa-f]{2}", str(path)):
            # The resolved path, not the variable: unset, the default folder is the one refused.
            self.problems.append(
                f"{name}={str(path)!r}: a folder whose path has no '?' and no '%' followed by "
                "two hex digits (Dagster opens its SQLite files under it by a URL made of the path)"
            )
        return path

    def check(self) -> None:
        """Raise `SettingsError` naming every setting refused so far.

        Raises:
            SettingsError: if any value was refused.
        """
        if self.problems:
            raise SettingsError(self.problems)


def _is_memory_size(text: str) -> bool:
    size = MEMORY_SIZE.match(text)
    return size is not None and float(size.group(1)) > 0


def _is_time_zone(text: str) -> bool:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # unknown, malformed, a folder
        return False
    return True
