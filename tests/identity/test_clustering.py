import polars as pl
import pytest

from identity.clustering import cluster_with_overrides, connected_components


def _edges(*pairs: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"record_a": a, "record_b": b, "rule": r, "probability": 1.0} for a, b, r in pairs],
        schema={"record_a": pl.String, "record_b": pl.String, "rule": pl.String,
                "probability": pl.Float64},
    )  # fmt: skip


def _overrides(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [{"record_a": a, "record_b": b, "decision": d} for a, b, d in rows],
        schema={"record_a": pl.String, "record_b": pl.String, "decision": pl.String},
    )


def _groups(clusters: pl.DataFrame) -> set[frozenset[str]]:
    grouped = clusters.group_by("cluster_id").agg("record_id")["record_id"].to_list()
    return {frozenset(g) for g in grouped}


IDS = pl.Series(["crm:A", "crm:B", "erp:X", "erp:X2", "erp:Y", "crm:Z"])


def test_each_cluster_is_labelled_with_its_smallest_record_id() -> None:
    clusters = connected_components(
        IDS, _edges(("erp:X", "crm:B", "vat"), ("erp:X2", "erp:X", "name_country"))
    )
    labels = dict(clusters.iter_rows())
    assert labels["erp:X2"] == labels["erp:X"] == "crm:B"
    assert labels["crm:Z"] == "crm:Z"


def test_a_long_chain_of_pairs_is_one_cluster() -> None:
    ids = pl.Series([f"r{i:04d}" for i in range(500)])
    chain = _edges(*((f"r{i + 1:04d}", f"r{i:04d}", "vat") for i in range(499)))
    clusters = connected_components(ids, chain)
    assert clusters["cluster_id"].unique().to_list() == ["r0000"]


def test_a_same_override_joins_two_records_no_rule_linked() -> None:
    clusters, edges = cluster_with_overrides(
        IDS, _edges(("crm:A", "erp:X", "erp_number")), _overrides(("erp:Y", "crm:A", "same"))
    )
    assert frozenset({"crm:A", "erp:X", "erp:Y"}) in _groups(clusters)
    assert ("crm:A", "erp:Y", "override") in set(
        edges.select("record_a", "record_b", "rule").iter_rows()
    )


def test_a_never_same_override_removes_the_direct_link() -> None:
    clusters, _ = cluster_with_overrides(
        IDS,
        _edges(("crm:A", "erp:X", "name_country")),
        _overrides(("erp:X", "crm:A", "never_same")),
    )
    assert frozenset({"crm:A"}) in _groups(clusters)
    assert frozenset({"erp:X"}) in _groups(clusters)


def test_a_never_same_override_cuts_the_weaker_record_loose_from_its_cluster() -> None:
    edges = _edges(("crm:A", "erp:X", "erp_number"), ("erp:X", "erp:X2", "name_country"))
    clusters, kept = cluster_with_overrides(
        IDS, edges, _overrides(("crm:A", "erp:X2", "never_same"))
    )
    # X2 holds on by a name match only, A by its ERP number: X2 is the weaker side
    assert frozenset({"crm:A", "erp:X"}) in _groups(clusters)
    assert frozenset({"erp:X2"}) in _groups(clusters)
    assert kept.height == 1


def test_never_same_wins_over_same() -> None:
    clusters, _ = cluster_with_overrides(
        IDS,
        _edges(),
        _overrides(
            ("crm:A", "erp:X", "same"), ("erp:X", "crm:B", "same"), ("crm:A", "crm:B", "never_same")
        ),
    )
    labels = dict(clusters.iter_rows())
    assert labels["crm:A"] != labels["crm:B"]


def test_overrides_on_records_that_are_not_there_are_ignored() -> None:
    clusters, _ = cluster_with_overrides(IDS, _edges(), _overrides(("crm:A", "crm:GONE", "same")))
    assert clusters.height == IDS.len()
    assert clusters["cluster_id"].n_unique() == IDS.len()


def test_an_override_decision_must_be_same_or_never_same() -> None:
    with pytest.raises(ValueError, match="same"):
        cluster_with_overrides(IDS, _edges(), _overrides(("crm:A", "erp:X", "maybe")))
