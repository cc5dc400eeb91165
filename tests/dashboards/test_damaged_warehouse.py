"""A damaged published file: every page says which file and what to do, never a traceback."""

import os
import shutil

import pytest

from c360.publish import publish
from c360.refresh_lock import refresh_lock
from tests.conftest import settings_for
from tests.dashboards.app import run_page


def cut_short(path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def header_overwritten(path) -> None:
    with path.open("r+b") as handle:
        handle.seek(4096)  # DuckDB's database header: the size is right, the checksum is not
        handle.write(b"\xa5" * 8192)


@pytest.mark.parametrize("damage", [cut_short, header_overwritten])
@pytest.mark.parametrize("page", [None, "profitability"], ids=["app", "profitability"])
def test_a_damaged_warehouse_is_named_with_what_to_do(built, tmp_path, monkeypatch, damage, page):
    home = tmp_path / "c360"
    shutil.copytree(built, home, symlinks=True)
    settings = settings_for(home, monkeypatch)
    with refresh_lock(settings.refresh_lock):
        # the page's reader is the local admin, who reads the copy with personal data
        current = publish(settings).restricted_path
    damage(current)

    app = run_page(page)  # fails on any exception the page shows

    [error] = app.error
    assert f"the published warehouse file {current} is damaged" in error.value
    assert "`c360 rollback`" in error.value
    assert not app.metric
