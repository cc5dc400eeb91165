from datetime import date

import polars as pl

from identity.stable_keys import assign_keys, new_key

DAY_1, DAY_2 = date(2026, 9, 1), date(2026, 9, 2)


def _clusters(*groups: list[str]) -> pl.DataFrame:
    rows = [{"record_id": r, "cluster_id": min(g)} for g in groups for r in g]
    return pl.DataFrame(rows, schema={"record_id": pl.String, "cluster_id": pl.String})


def _keys(assignment: pl.DataFrame) -> dict[str, str]:
    return dict(assignment.iter_rows())


def _events(history: pl.DataFrame) -> set[tuple[str, str]]:
    return set(history.select("event", "customer_key").iter_rows())


def test_a_first_run_keys_every_cluster_by_a_hash_of_its_smallest_record() -> None:
    keys, history = assign_keys(_clusters(["crm:b", "erp:1"], ["crm:a"]), None, DAY_1)
    assert _keys(keys) == {
        "crm:b": new_key("crm:b"),
        "erp:1": new_key("crm:b"),
        "crm:a": new_key("crm:a"),
    }
    assert len(new_key("crm:a")) == 16
    assert _events(history) == {("new", new_key("crm:a")), ("new", new_key("crm:b"))}
    assert history["event_date"].unique().to_list() == [DAY_1]


def test_keys_of_untouched_customers_survive_records_added_and_removed() -> None:
    first, _ = assign_keys(
        _clusters(["crm:a", "erp:1"], ["crm:b", "erp:2"], ["crm:c"], ["crm:d"]), None, DAY_1
    )
    before = _keys(first)
    # crm:d is deleted, crm:e is new, erp:3 joins crm:c's customer, crm:b gets a duplicate
    second, history = assign_keys(
        _clusters(["crm:a", "erp:1"], ["crm:b", "erp:2", "crm:b2"], ["crm:c", "erp:3"], ["crm:e"]),
        first,
        DAY_2,
    )
    after = _keys(second)
    for record in ("crm:a", "erp:1", "crm:b", "erp:2", "crm:c"):
        assert after[record] == before[record]
    assert after["crm:b2"] == before["crm:b"]
    assert after["erp:3"] == before["crm:c"]
    assert _events(history) == {("new", new_key("crm:e")), ("retired", before["crm:d"])}


def test_a_merge_keeps_the_key_most_members_had_and_retires_the_other() -> None:
    first, _ = assign_keys(_clusters(["crm:a", "erp:1"], ["crm:z"]), None, DAY_1)
    before = _keys(first)
    second, history = assign_keys(_clusters(["crm:a", "erp:1", "crm:z"]), first, DAY_2)
    assert set(_keys(second).values()) == {before["crm:a"]}
    merge = history.filter(pl.col("event") == "merge").row(0, named=True)
    assert merge["customer_key"] == before["crm:a"]
    assert merge["related_keys"] == [before["crm:z"]]
    assert merge["record_ids"] == ["crm:z"]
    retired = history.filter(pl.col("event") == "retired").row(0, named=True)
    assert retired["customer_key"] == before["crm:z"]
    assert retired["related_keys"] == [before["crm:a"]]


def test_a_tie_between_previous_keys_goes_to_the_smallest_key() -> None:
    previous = pl.DataFrame({"record_id": ["crm:a", "crm:b"], "customer_key": ["k2", "k1"]})
    keys, _ = assign_keys(_clusters(["crm:a", "crm:b"]), previous, DAY_2)
    assert set(_keys(keys).values()) == {"k1"}


def test_a_split_leaves_the_key_with_the_bigger_part_and_gives_the_other_a_new_one() -> None:
    first, _ = assign_keys(_clusters(["crm:a", "crm:b", "erp:1"]), None, DAY_1)
    old = _keys(first)["crm:a"]
    second, history = assign_keys(_clusters(["crm:b", "erp:1"], ["crm:a"]), first, DAY_2)
    after = _keys(second)
    assert after["crm:b"] == after["erp:1"] == old
    # crm:a's own hash is the key it lost: a key once used is never handed out again
    assert after["crm:a"] not in {old, new_key("crm:a")}
    assert after["crm:a"] == new_key("crm:a", 1)
    split = history.filter(pl.col("event") == "split").row(0, named=True)
    assert split["customer_key"] == old
    assert split["related_keys"] == [after["crm:a"]]
    assert split["record_ids"] == ["crm:a"]
    new = history.filter(pl.col("event") == "new").row(0, named=True)
    assert (new["customer_key"], new["related_keys"]) == (after["crm:a"], [old])


def test_a_cluster_that_loses_its_first_choice_takes_its_next_free_previous_key() -> None:
    previous = pl.DataFrame(
        {
            "record_id": ["crm:a", "crm:b", "crm:c", "crm:d", "crm:e"],
            "customer_key": ["k1", "k1", "k1", "k1", "k2"],
        }
    )
    keys, history = assign_keys(
        _clusters(["crm:a", "crm:b", "crm:c"], ["crm:d", "crm:e"]), previous, DAY_2
    )
    assert _keys(keys) == {
        "crm:a": "k1",
        "crm:b": "k1",
        "crm:c": "k1",
        "crm:d": "k2",
        "crm:e": "k2",
    }
    events = history.select("event", "customer_key", "record_ids").iter_rows()
    assert {(e, k, tuple(r)) for e, k, r in events} == {
        ("split", "k1", ("crm:d",)),
        ("merge", "k2", ("crm:d",)),
    }


def test_a_previous_bridge_is_accepted_as_the_previous_assignment() -> None:
    bridge = pl.DataFrame(
        {"customer_key": ["k9"], "source_system": ["erp"], "source_record_id": ["C1"]}
    )
    keys, _ = assign_keys(_clusters(["erp:C1", "crm:x"]), bridge, DAY_2)
    assert set(_keys(keys).values()) == {"k9"}
