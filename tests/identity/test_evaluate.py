import polars as pl
import pytest

from identity.evaluate import cluster_errors, pairwise_scores


def _bridge(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema=["customer_key", "source_system", "source_record_id"], orient="row"
    )


TRUTH = pl.DataFrame(
    {
        "org_id": ["O1", "O2"],
        "crm_account_ids": [["A1", "A2"], ["A3"]],
        "erp_customer_numbers": [["C1"], ["C3"]],
    }
)


def test_perfect_clusters_score_one() -> None:
    bridge = _bridge(
        ("k1", "crm", "A1"), ("k1", "crm", "A2"), ("k1", "erp", "C1"),
        ("k2", "crm", "A3"), ("k2", "erp", "C3"),
    )  # fmt: skip
    scores = pairwise_scores(bridge, TRUTH)
    assert (scores.precision, scores.recall, scores.f1) == (1.0, 1.0, 1.0)
    assert scores.true_pairs == 4
    assert cluster_errors(bridge, TRUTH).is_empty()


def test_a_false_merge_costs_precision_and_a_missed_duplicate_costs_recall() -> None:
    bridge = _bridge(
        ("k1", "crm", "A1"), ("k1", "erp", "C1"), ("k1", "crm", "A3"),
        ("k2", "crm", "A2"), ("k3", "erp", "C3"),
    )  # fmt: skip
    scores = pairwise_scores(bridge, TRUTH)
    # predicted pairs: A1-C1, A1-A3, C1-A3; true pairs: A1-A2, A1-C1, A2-C1, A3-C3
    assert (scores.predicted_pairs, scores.true_pairs, scores.correct_pairs) == (3, 4, 1)
    assert scores.precision == pytest.approx(1 / 3)
    assert scores.recall == pytest.approx(1 / 4)
    errors = cluster_errors(bridge, TRUTH)
    assert set(errors.select("error", "key").iter_rows()) == {
        ("merged", "k1"),
        ("split", "O1"),
        ("split", "O2"),
    }


def test_records_the_truth_does_not_know_are_left_out() -> None:
    bridge = _bridge(("k1", "crm", "A1"), ("k1", "crm", "UNKNOWN"), ("k1", "erp", "C1"))
    assert pairwise_scores(bridge, TRUTH).precision == 1.0
