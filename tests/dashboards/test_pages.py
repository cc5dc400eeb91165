"""What every page of issue 8's second part does the same way: no warehouse, CSV downloads."""

import pytest

from tests.conftest import settings_for
from tests.dashboards.app import run_page

PAGES = ["profitability", "acquisition", "retention", "pipeline", "projects"]


@pytest.mark.parametrize("page", PAGES)
def test_a_page_explains_what_to_do_when_nothing_is_published(page, tmp_path, monkeypatch):
    settings_for(tmp_path, monkeypatch)
    app = run_page(page)
    assert "c360 refresh" in app.info[0].value
    assert not app.metric


@pytest.mark.parametrize("page", PAGES)
def test_every_table_of_a_page_can_be_downloaded_as_csv(page, published):
    app = run_page(page)
    tables = [f for f in app.dataframe if f.value is not None]
    downloads = [b for b in app.get("download_button") if b.proto.label == "Download CSV"]
    assert len(downloads) == len(tables) >= 2
