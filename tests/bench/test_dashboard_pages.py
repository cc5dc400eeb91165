"""The dashboards' benchmark runs every page's queries as the page does, on a real warehouse."""

from bench.dashboard_pages import TARGET_P95_MS, time_pages
from dashboards.data import current_version


def test_every_page_is_timed_on_the_published_warehouse(settings):
    pages = time_pages(current_version(), repeat=1)

    assert set(pages) >= {"overview", "customer_360", "profitability", "pipeline", "data_quality"}
    for timing in pages.values():
        assert 0 < timing["p50_ms"] <= timing["max_ms"]
        assert timing["meets_target"] == (timing["p95_ms"] < TARGET_P95_MS)
