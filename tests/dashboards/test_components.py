"""The shared table: long lists send their first rows to the browser and say so."""

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
