"""The formats the tiles share: money, the changes a tile shows as its delta, and source text
shown through Markdown."""

import html
import math
from decimal import Decimal

import pytest
from markdown_it import MarkdownIt

from dashboards.formatting import (
    change,
    count,
    days,
    markdown_literal,
    money,
    money_change,
    percent,
    points,
    ratio,
)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1234567.891"), "1.23 M EUR"),
        (-45_600.0, "-45.60 k EUR"),
        (789.4, "789 EUR"),
        (-789.6, "-790 EUR"),
        (-0.0000001, "0 EUR"),  # a sum of doubles a hair below zero
        (-0.4, "0 EUR"),
        (-0.0, "0 EUR"),
        (None, "—"),
        (math.nan, "—"),
    ],
)
def test_money_reads_compactly_and_never_as_minus_zero(value, shown):
    assert money(value, "EUR") == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (-0.0000001, None),
        (0.49, None),
        (None, None),
        (math.nan, None),
        (-12.5, "-12 EUR"),  # half to even, as money rounds it
        (Decimal("-1500"), "-1.50 k EUR"),
        (0.51, "1 EUR"),
    ],
)
def test_a_change_that_reads_as_zero_has_no_delta(value, shown):
    assert money_change(value, "EUR") == shown


@pytest.mark.parametrize(
    ("current", "previous", "shown"),
    [
        (125_000, 100_000, "+25.0 %"),
        (99.9, 100, "-0.1 %"),
        (100, 100, None),  # no move: no green arrow up for "+0.0 %"
        (99.99, 100, None),  # nor a red one down for "-0.0 %"
        (Decimal("100.04"), Decimal("100"), None),
        (5, 0, None),
        (None, 3, None),
        (math.nan, 100, None),  # not "+nan %" with a green arrow
    ],
)
def test_a_relative_change_that_reads_as_zero_has_no_delta(current, previous, shown):
    assert change(current, previous) == shown


@pytest.mark.parametrize(
    ("current", "previous", "shown"),
    [
        (0.44, 0.40, "+4.0 pts"),
        (0.422, 0.45, "-2.8 pts"),
        (0.4421, 0.4420, None),
        (0.44, 0.44, None),
        (0.44, None, None),
        (math.inf, 0.44, None),
    ],
)
def test_a_change_in_points_that_reads_as_zero_has_no_delta(current, previous, shown):
    assert points(current, previous) == shown


def test_no_format_shows_a_negative_zero():
    residue = -0.0000001
    assert (percent(residue), count(residue), days(residue), ratio(residue)) == (
        "0.0 %",
        "0",
        "0 days",
        "0.0x",
    )
    assert (percent(-0.0004), days(-0.4)) == ("0.0 %", "0 days")
    assert (percent(-0.0006), days(-0.6)) == ("-0.1 %", "-1 days")


@pytest.mark.parametrize(
    "typed",
    [
        "![x](https://tracker.example/p.png)",
        "[Pay here](https://pay.example) *now*",
        "# Acme <b>Corp</b> `code` ~~gone~~ > quoted",
        "Dupont & Fils S.A. \\ 1+1=2 | a_b_c {x}",
        "- listed",
        "1. numbered",
    ],
)
def test_source_text_shows_character_for_character_through_markdown(typed):
    """A CommonMark renderer (markdown-it, not Streamlit's) shows the escaped text as one plain
    paragraph holding exactly the typed text: no image, link, heading, emphasis or list."""
    rendered = MarkdownIt("commonmark").render(markdown_literal(typed))
    assert rendered == f"<p>{html.escape(typed, quote=False)}</p>\n"


def test_streamlits_own_syntax_is_escaped_too():
    assert markdown_literal("$x^2$ :red[alert] :smile:") == r"\$x\^2\$ \:red\[alert\] \:smile\:"
