"""The shared table: long lists send their first rows to the browser and say so; a ratio that
shows as zero shows no sign; dates, ratios and amounts each show in their format."""

import json
import math

from streamlit.testing.v1 import AppTest


def long_list_page() -> None:
    import polars as pl

    from dashboards.components import table

    table(pl.DataFrame({"n": range(25)}), "numbers", max_rows=10)
    table(pl.DataFrame({"n": range(5)}), "few", max_rows=10)


def test_a_long_table_shows_its_first_rows_and_says_the_csv_has_them_all():
    app = AppTest.from_function(long_list_page)
    app.run()
    assert not app.exception
    shown = [frame.value for frame in app.dataframe]
    assert [len(frame) for frame in shown] == [10, 5]
    assert list(shown[0]["n"]) == list(range(10))
    assert [c.value for c in app.caption] == ["The first 10 of 25 rows; the CSV has them all."]
    assert [b.proto.label for b in app.get("download_button")] == ["Download CSV"] * 2


def ratios_page() -> None:
    import polars as pl

    from dashboards.components import table

    changes = [-0.00004, -0.0, 0.00004, -0.00006, -0.25, None]
    table(pl.DataFrame({"nrr_pct": changes, "label_pct": ["x"] * 6, "n": range(6)}), "ratios")


def test_a_ratio_that_shows_as_zero_shows_no_minus_sign_and_the_others_keep_theirs():
    app = AppTest.from_function(ratios_page)
    app.run()
    assert not app.exception
    [shown] = [frame.value for frame in app.dataframe]
    values = list(shown["nrr_pct"])
    assert values[:5] == [0.0, 0.0, 0.0, -0.00006, -0.25]  # -0.00006 shows as -0.01 %
    assert [math.copysign(1.0, value) for value in values[:3]] == [1.0, 1.0, 1.0]
    assert math.isnan(values[5])  # missing stays missing
    assert list(shown["label_pct"]) == ["x"] * 6  # not a float: not a ratio


def formats_page() -> None:
    import datetime as dt
    from decimal import Decimal

    import polars as pl

    from dashboards.components import table

    frame = pl.DataFrame(
        {
            "month": [dt.date(2026, 11, 1)],
            "contribution_margin": [Decimal("-180618.47")],
            "fx_rate": [Decimal("1.0832000000")],
            "billed_hours": [Decimal("12.3750")],
            "margin_pct": [-0.25],
            "invoices": [3],
        },
        schema_overrides={
            "contribution_margin": pl.Decimal(18, 2),
            "fx_rate": pl.Decimal(18, 10),
            "billed_hours": pl.Decimal(18, 4),
        },
    )
    table(frame, "formats")


def test_dates_ratios_and_two_place_amounts_each_show_in_their_format_and_nothing_else_changes():
    app = AppTest.from_function(formats_page)
    app.run()
    assert not app.exception
    [element] = app.dataframe
    formats = {
        name: column["type_config"]["format"]
        for name, column in json.loads(element.proto.columns).items()
        if "type_config" in column
    }
    # An exchange rate's ten places and hours' four are not rounded to an amount's two.
    assert formats == {
        "month": "YYYY-MM-DD",
        "margin_pct": "percent",
        "contribution_margin": "accounting",
    }
    [row] = element.value.to_dict("records")
    assert str(row["contribution_margin"]) == "-180618.47"  # the value itself is not rounded
