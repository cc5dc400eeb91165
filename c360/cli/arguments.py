"""Argument types of the `c360` commands: a wrong value is an argparse error naming the option.

Why: `c360 generate --customers 0` ended in the generator's ValueError and its traceback, and
`c360 serve --port 70000` in Streamlit's OverflowError; `c360 subject erase --email ''` searched
the whole data root for nobody. argparse says which option and why, and exits 2 before anything
starts.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

HIGHEST_PORT = 65535


def whole_number(least: int) -> Callable[[str], int]:
    """A converter to a whole number of `least` or more."""

    def convert(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{value} is below {least}: give {least} or more")
        return value

    convert.__name__ = f"whole number of {least} or more"
    return convert


def positive_number(text: str) -> float:
    """A number above 0 (minutes of a budget)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} is not above 0")
    return value


def port(text: str) -> int:
    """A TCP port, 1 to 65535."""
    value = whole_number(1)(text)
    if value > HIGHEST_PORT:
        raise argparse.ArgumentTypeError(f"{value} is above {HIGHEST_PORT}, the highest TCP port")
    return value


AT_LEAST_ONE = whole_number(1)
AT_LEAST_ZERO = whole_number(0)


def identifier(text: str) -> str:
    """A person's or customer's identifier: anything but empty or blank, which names nobody."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value identifies nobody: give one")
    return text
