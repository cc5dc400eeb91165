"""No KPI is computed in dashboards/queries: a page selects and filters what a mart or the metric
catalogue computed, so a figure means the same on a page, in `c360 metrics query` and in an
analyst's SQL (docs/analysts.md).

A formula here is a ratio of aggregates (a division whose divisor is `sum(`, `count(`, `avg(`
or `nullif(`) or a running aggregate (`sum(...) over` a named window or one with `order by`: a
year to date). What is not a KPI stays allowed: a histogram's bin edges (`pow(10, bin / 8)`), a
unit conversion (`/ 60`), a sampling step (`//`, `count(*) over ()`), ordering groups by their
total (`sum(...) over (partition by ...)`).
"""

import re
from pathlib import Path

QUERIES = Path(__file__).parents[2] / "dashboards" / "queries"
RATIO = re.compile(r"(?<!/)/(?!/)\s*(?:cast\s*\(\s*)?(?:nullif|sum|count|avg)\s*\(", re.I)
RUNNING = re.compile(
    r"\b(?:sum|count|avg)\s*\((?:[^()]|\([^()]*\))*\)\s*over\s*"
    r"(?:\w+|\((?:[^()]|\([^()]*\))*?\border\s+by\b)",
    re.I,
)


def formulas(text: str) -> list[str]:
    """Each ratio of aggregates and running aggregate in `text`, as written."""
    return [m.group(0) for pattern in (RATIO, RUNNING) for m in pattern.finditer(text)]


def test_the_dashboards_queries_hold_no_formula():
    found = {
        path.name: formulas(path.read_text())
        for path in sorted(QUERIES.glob("*.py"))
        if formulas(path.read_text())
    }
    assert found == {}


def test_the_scan_finds_the_formulas_it_forbids_and_passes_plain_arithmetic():
    assert formulas("cast(sum(won) as double) / nullif(sum(won + lost), 0) as win_rate") == [
        "/ nullif("
    ]
    assert formulas("sum(won) / sum(closed)") == ["/ sum("]
    assert formulas("sum(net_revenue) over year_so_far") == ["sum(net_revenue) over year_so_far"]
    assert formulas("sum(x) over (partition by year(month) order by month)") == [
        "sum(x) over (partition by year(month) order by"
    ]
    assert formulas("order by sum(sum(weighted_amount)) over (partition by owner_name)") == []
    assert formulas("count(*) over () as customers") == []
    assert formulas("round(pow(10, b.bin / {BINS_PER_DECADE}), 2)") == []
    assert formulas("date_diff('minute', a, b) / 60") == []
    assert formulas("contribution_rank % greatest(1, customers // 50) = 0") == []
