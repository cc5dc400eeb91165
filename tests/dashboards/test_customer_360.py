"""The Customer 360 page on the integration company: search, golden record, sources, money and
timeline, checked against the marts and against the landing extracts."""

import polars as pl
import pytest

from c360.access import EVERY_CUSTOMER
from dashboards.formatting import markdown_literal, money, percent
from dashboards.queries.customer import monthly
from tests.dashboards.app import mart, run_page, shown_table, tiles
from tests.dashboards.oracle import csat_scores, customer_documents, customer_monthly_revenue


@pytest.fixture
def customer(published) -> dict:
    """The biggest customer made of one ERP record and at least one CRM account."""
    return mart(
        published,
        "select * from marts.dim_customers where erp_records = 1 and crm_records >= 1 "
        "and not is_inferred order by lifetime_net_revenue desc limit 1",
    ).row(0, named=True)


def test_searching_an_erp_number_shows_that_customers_golden_record(published, customer):
    app = run_page("customer_360", q=customer["erp_customer_number"])
    assert app.header[0].value == markdown_literal(customer["customer_name"])
    shown = tiles(app)
    assert shown["Lifetime net revenue"] == money(customer["lifetime_net_revenue"], "EUR")
    assert shown["Open balance"] == money(customer["outstanding_balance"], "EUR")
    assert app.caption[0].value == "1 customer found"


def test_a_crm_account_id_finds_the_customer_it_was_matched_to(published, customer):
    app = run_page("customer_360", q=customer["crm_account_id"].lower())
    assert app.header[0].value == markdown_literal(customer["customer_name"])
    sources = app.dataframe[1].value  # golden record, then its source records
    assert set(sources["source_record_id"]) >= {
        customer["erp_customer_number"],
        customer["crm_account_id"],
    }
    assert set(sources["match_rule"]) <= {
        "erp_number",
        "vat",
        "name_country",
        "domain",
        "probabilistic",
        "override",
        "singleton",
    }


def test_a_name_fragment_lists_every_customer_whose_name_contains_it(published, customer):
    fragment = customer["customer_name"][1:5].upper()
    expected = mart(
        published,
        f"select count(*) as n from marts.dim_customers where customer_name ilike '%{fragment}%' "
        f"or legal_name ilike '%{fragment}%'",
    )["n"][0]
    app = run_page("customer_360", q=fragment)
    assert app.caption[0].value.startswith(f"{expected} customer")
    assert customer["customer_key"] in app.selectbox(key="customer").options or any(
        customer["customer_name"] in option for option in app.selectbox(key="customer").options
    )


def test_monthly_revenue_equals_the_customers_invoices_in_the_extracts(published, customer):
    expected = customer_monthly_revenue(published.landing_dir, customer["erp_customer_number"])
    version = published.current_pointer.resolve().name
    actual = monthly(version, customer["customer_key"], EVERY_CUSTOMER)
    assert dict(actual.select("month", "net_revenue").iter_rows()) == expected
    assert sum(expected.values()) == customer["lifetime_net_revenue"]


def test_the_invoices_tab_lists_every_invoice_and_credit_note_of_the_customer(published, customer):
    documents = customer_documents(published.landing_dir, customer["erp_customer_number"])
    app = run_page("customer_360", q=customer["erp_customer_number"])
    invoices = next(
        frame.value
        for frame in app.dataframe
        if "event_type" in frame.value.columns
        and set(frame.value["event_type"]) <= {"invoice", "credit_note"}
    )
    assert dict(zip(invoices["source_record_id"], invoices["event_type"], strict=True)) == documents


def test_a_search_that_matches_nothing_says_so(published):
    app = run_page("customer_360", q="no such customer anywhere")
    assert app.info[0].value == "No customer matches this search and these filters."
    assert not app.metric


def test_a_segment_filter_leaves_out_customers_of_other_segments(published, customer):
    other = mart(
        published,
        "select distinct segment from marts.dim_customers "
        f"where segment != '{customer['segment']}'",
    )["segment"][0]
    app = run_page("customer_360", q=customer["erp_customer_number"], segment=other)
    assert app.info[0].value == "No customer matches this search and these filters."
    app = run_page("customer_360", q=customer["erp_customer_number"], segment=customer["segment"])
    assert app.header[0].value == markdown_literal(customer["customer_name"])


def test_every_customer_table_can_be_downloaded_as_csv(published, customer):
    app = run_page("customer_360", q=customer["erp_customer_number"])
    shown = [f for f in app.dataframe if isinstance(f.value, pl.DataFrame) or f.value is not None]
    downloads = app.get("download_button")
    assert len(downloads) == len(shown) > 3


def test_predicted_clv_p_alive_and_receivables_are_the_customers(published, customer):
    receivables = mart(
        published,
        "select invoice_number, open_amount from marts.fct_receivables "
        f"where customer_key = '{customer['customer_key']}'",
    )
    app = run_page("customer_360", q=customer["erp_customer_number"])
    shown = tiles(app)
    assert shown["Predicted CLV"] == money(customer["predicted_clv"], "EUR")
    assert shown["P(alive)"] == percent(customer["p_alive"])
    listed = shown_table(app, "paid_in_full_date")
    assert dict(listed.select("invoice_number", "open_amount").iter_rows()) == dict(
        receivables.iter_rows()
    )
    assert receivables.height > 0


def test_the_csat_tile_is_the_mean_score_of_the_customers_rated_cases_in_the_crm_extract(
    published,
):
    accounts = mart(
        published,
        "select customer_key, source_record_id from marts.bridge_customer_sources "
        "where source_system = 'crm'",
    )
    rated = {
        key: scores
        for key in accounts["customer_key"].unique().sort()
        if (
            scores := csat_scores(
                published.landing_dir,
                set(accounts.filter(pl.col("customer_key") == key)["source_record_id"]),
            )
        )
    }
    key = max(rated, key=lambda k: len(rated[k]))  # the customer with the most rated cases
    shown = tiles(run_page("customer_360", q=key))
    assert shown["CSAT"] == f"{sum(rated[key]) / len(rated[key]):.1f} / 5"


def test_the_arr_tab_is_the_customers_recurring_revenue_history(published):
    [key] = mart(
        published,
        "select customer_key from marts.rpt_arr_monthly group by customer_key "
        "order by count(*) desc, customer_key limit 1",
    )["customer_key"]
    expected = mart(
        published,
        "select month, mrr, arr, arr_change, arr_movement from marts.rpt_arr_monthly "
        f"where customer_key = '{key}' order by month desc",
    )
    shown = shown_table(run_page("customer_360", q=key), "arr_movement")
    assert shown.select(expected.columns).equals(expected)
    assert expected.height >= 6


def test_the_cost_to_serve_tab_breaks_the_customers_cost_down_by_driver(published, customer):
    expected = mart(
        published,
        "select driver, sum(cost_to_serve) as cost from marts.rpt_cost_to_serve "
        f"where customer_key = '{customer['customer_key']}' group by driver "
        "order by cost desc, driver",
    )
    lifetime = mart(
        published,
        "select cost_to_serve from marts.rpt_customer_profitability_lifetime "
        f"where customer_key = '{customer['customer_key']}'",
    )["cost_to_serve"][0]
    shown = shown_table(run_page("customer_360", q=customer["erp_customer_number"]), "unit")
    assert expected.height >= 3
    assert shown["driver"].to_list() == expected["driver"].to_list()
    assert shown["cost_to_serve"].to_list() == expected["cost"].to_list()
    assert shown["cost_to_serve"].sum() == lifetime


def test_the_clv_tab_says_when_the_model_was_fitted(published, customer):
    [fitted_through] = mart(
        published,
        "select fitted_through from marts.fct_customer_clv "
        f"where customer_key = '{customer['customer_key']}'",
    )["fitted_through"]
    app = run_page("customer_360", q=customer["erp_customer_number"])
    captions = [caption.value for caption in app.caption]
    assert f"CLV fitted through {fitted_through.isoformat()} (refit weekly)" in captions
