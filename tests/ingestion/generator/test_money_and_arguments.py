import datetime as dt

import numpy as np
import pytest

from ingestion.generator import generate_company
from ingestion.generator.money import net_cents, tax_cents


def test_net_amount_rounds_half_away_from_zero_in_exact_cents():
    # 1 x 0.05 at 50% off is 0.025 -> 0.03; 3 x 0.10 is 0.30 exactly (0.1 * 3 in floats is not)
    q100 = np.array([100, 300, 250, 1_000])
    price = np.array([5, 10, 3_333, 19_990])
    discount = np.array([50, 0, 15, 20])
    assert net_cents(q100, price, discount).tolist() == [3, 30, 7_083, 159_920]


def test_tax_is_twenty_percent_rounded_half_up():
    assert tax_cents(np.array([1, 2, 3, 12, 100])).tolist() == [0, 0, 1, 2, 20]


def test_a_one_day_run_with_no_history_still_writes_a_full_extract(tmp_path):
    summary = generate_company(
        tmp_path / "landing",
        tmp_path / "truth",
        customers=3,
        days=1,
        history_months=0,
        start=dt.date(2026, 9, 15),
    )
    assert summary.extract_dates == [dt.date(2026, 9, 15)]
    assert (tmp_path / "landing/erp/2026-09-15/_SUCCESS").exists()
    assert summary.rows_by_entity["erp.fx_rates"] == 4


@pytest.mark.parametrize("bad", [{"customers": 0}, {"days": 0}, {"history_months": -1}])
def test_out_of_range_arguments_are_refused(tmp_path, bad):
    with pytest.raises(ValueError, match="need customers"):
        generate_company(tmp_path / "landing", tmp_path / "truth", **bad)
