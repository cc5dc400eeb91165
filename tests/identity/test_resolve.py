"""The Python step: the rule pairs (computed in SQL, given here) in, then Splink, clustering,
overrides and stable keys. The rules themselves are tested as dbt unit tests
(dbt/models/intermediate/identity/_identity__unit_tests.yml) and on generated companies
(test_sql_stage.py)."""

import os
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from identity import probabilistic, resolve, resolve_staged_records
from identity.resolve import IdentityResult, resolve_identities
from tests.identity.builders import accounts, contacts, customers, rule_pairs

AS_OF = date(2026, 10, 1)


def _firm(i: int, name: str, country: str = "FR", city: str = "Paris") -> tuple[dict, dict]:
    """A CRM account and its ERP customer, linked by nothing but their fields."""
    postal = f"75{i:03d}"
    street = f"{i} rue de la République"
    account = {
        "account_id": f"A{i:03d}", "name": name, "billing_city": city,
        "billing_postal_code": postal, "billing_street": street, "billing_country": country,
    }  # fmt: skip
    customer = {
        "customer_number": f"C{i:03d}", "legal_name": f"{name} SAS", "city": city,
        "postal_code": postal, "address": street, "country_code": country,
    }  # fmt: skip
    return account, customer


def _keys(result: IdentityResult) -> dict[str, str]:
    frame = result.bridge.select(
        pl.concat_str("source_system", pl.lit(":"), "source_record_id"), "customer_key"
    )
    return dict(frame.iter_rows())


def _resolve(
    crm: pl.DataFrame,
    erp: pl.DataFrame,
    people=None,
    pairs: tuple[tuple[str, str, str], ...] = (),
    **kwargs,
) -> IdentityResult:
    return resolve_identities(
        crm, people, erp, rule_pairs=rule_pairs(*pairs), as_of=AS_OF, **kwargs
    )


def test_the_bridge_has_one_row_per_record_with_its_key_and_rule() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    result = _resolve(
        accounts(firm | {"erp_customer_number": "C001"}, {"account_id": "A999", "name": "Zenith"}),
        customers(cust),
        pairs=(("crm:A001", "erp:C001", "erp_number"), ("crm:A001", "erp:C001", "name_country")),
    )
    bridge = result.bridge.sort("source_system", "source_record_id")
    assert bridge.columns == [
        "customer_key", "source_system", "source_record_id", "match_rule", "match_probability",
    ]  # fmt: skip
    assert bridge.select("source_system", "source_record_id", "match_rule").rows() == [
        ("crm", "A001", "erp_number"),
        ("crm", "A999", "singleton"),
        ("erp", "C001", "erp_number"),
    ]
    assert bridge["match_probability"].to_list() == [1.0, 1.0, 1.0]
    keys = _keys(result)
    assert keys["crm:A001"] == keys["erp:C001"] != keys["crm:A999"]
    stats = dict(result.stats.iter_rows())
    assert (stats["records"], stats["clusters"], stats["records_by_rule.erp_number"]) == (3, 2, 2)


def test_a_duplicate_account_inside_the_crm_lands_in_its_customer() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    duplicate = {"account_id": "A777", "name": "ACME INDSUTRIE"}  # typo, no address
    result = _resolve(
        accounts(firm | {"website": "https://www.acme-industrie.fr"}, duplicate),
        customers(cust),
        contacts({"contact_id": "K1", "account_id": "A777", "email": "marie@acme-industrie.fr"}),
        pairs=(("crm:A001", "crm:A777", "domain"), ("crm:A001", "erp:C001", "name_country")),
    )
    keys = _keys(result)
    assert keys["crm:A001"] == keys["crm:A777"] == keys["erp:C001"]
    assert dict(result.stats.iter_rows())["duplicate_rate"] == pytest.approx(1 / 3)


def test_a_customer_opened_twice_in_the_erp_lands_in_one_customer() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    second = cust | {"customer_number": "C900", "postal_code": "69001", "city": "Lyon"}
    pairs = (
        ("crm:A001", "erp:C001", "erp_number"),
        ("crm:A001", "erp:C900", "name_country"),
        ("erp:C001", "erp:C900", "name_country"),
    )
    keys = _keys(
        _resolve(
            accounts(firm | {"erp_customer_number": "C001"}), customers(cust, second), pairs=pairs
        )
    )
    assert keys["crm:A001"] == keys["erp:C001"] == keys["erp:C900"]


def _population() -> tuple[list[dict], list[dict]]:
    """Thirty firms known to both systems, all linked by name, and some prospects."""
    families = ["Dupont", "Martin", "Bernard", "Weber", "Rossi", "Lambert"]
    activities = ["Logistique", "Systèmes", "Conseil", "Énergie", "Transports"]
    crm, erp = [], []
    for i, (family, activity) in enumerate(((f, a) for f in families for a in activities), start=1):
        account, customer = _firm(i, f"{family} {activity}")
        crm.append(account)
        erp.append(customer)
    for i in range(100, 140):
        crm.append(_firm(i, f"Prospect {i} Conseil")[0])
    return crm, erp


def _linked(crm: list[dict], erp: list[dict]) -> tuple[tuple[str, str, str], ...]:
    """The name_country pairs the SQL rules give `_population`'s firms (same name, country)."""
    numbers = {c["customer_number"] for c in erp}
    return tuple(
        (f"crm:{a['account_id']}", f"erp:C{a['account_id'][1:]}", "name_country")
        for a in crm
        if f"C{a['account_id'][1:]}" in numbers
    )


def test_a_typo_in_a_name_with_no_erp_number_is_matched_probabilistically() -> None:
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lfeèvre Mécanique Provence"
    result = _resolve(accounts(*crm, typo), customers(*erp, customer), pairs=_linked(crm, erp))
    keys = _keys(result)
    assert keys["crm:A050"] == keys["erp:C050"]
    row = result.bridge.filter(pl.col("source_record_id") == "A050").row(0, named=True)
    assert row["match_rule"] == "probabilistic"
    assert row["match_probability"] >= 0.9


def test_a_similar_name_at_another_address_is_not_matched() -> None:
    crm, erp = _population()
    prospect = _firm(60, "Lefèvre Mécanique Nord")[0]
    _, customer = _firm(61, "Lefèvre Mécanique Sud")
    keys = _keys(
        _resolve(accounts(*crm, prospect), customers(*erp, customer), pairs=_linked(crm, erp))
    )
    assert keys["crm:A060"] != keys["erp:C061"]


def test_resolution_is_deterministic() -> None:
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lefèvre Mécaniqeu Provence"
    pairs = _linked(crm, erp)
    first = _resolve(accounts(*crm, typo), customers(*erp, customer), pairs=pairs)
    second = _resolve(
        accounts(*reversed(crm), typo), customers(customer, *erp), pairs=tuple(reversed(pairs))
    )
    assert first.bridge.equals(second.bridge)
    assert first.review_queue.equals(second.review_queue)


def test_a_stale_erp_number_goes_to_the_review_queue_and_not_into_the_customer() -> None:
    firm, cust = _firm(1, "Dupont Logistique")
    other_firm, other = _firm(2, "Weber Maschinenbau", country="DE", city="Köln")
    result = _resolve(
        accounts(
            firm | {"erp_customer_number": "C002"}, other_firm | {"erp_customer_number": "C002"}
        ),
        customers(cust, other),
        pairs=(
            ("crm:A001", "erp:C001", "name_country"),
            ("crm:A002", "erp:C002", "erp_number"),
            ("crm:A002", "erp:C002", "name_country"),
        ),
        stale_erp_numbers=pl.DataFrame({"record_a": ["crm:A001"], "record_b": ["erp:C002"]}),
    )
    keys = _keys(result)
    assert keys["crm:A001"] == keys["erp:C001"] != keys["erp:C002"]
    assert result.review_queue.select("record_a", "record_b", "reason").rows() == [
        ("crm:A001", "erp:C002", "stale_erp_number")
    ]


def test_stewards_same_and_never_same_overrides_win_over_the_rules() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    lone = {"account_id": "A500", "name": "Totally Different"}
    overrides = pl.DataFrame(
        {
            "record_a": ["crm:A500", "crm:A001"],
            "record_b": ["erp:C001", "erp:C001"],
            "decision": ["same", "never_same"],
        }
    )
    result = _resolve(
        accounts(firm, lone),
        customers(cust),
        pairs=(("crm:A001", "erp:C001", "name_country"),),
        overrides=overrides,
    )
    keys = _keys(result)
    assert keys["crm:A500"] == keys["erp:C001"] != keys["crm:A001"]
    rules = dict(result.bridge.select("source_record_id", "match_rule").iter_rows())
    assert rules == {"A001": "singleton", "A500": "override", "C001": "override"}


def test_keys_stay_stable_across_runs_with_records_added_and_removed() -> None:
    crm, erp = _population()
    first = _resolve(accounts(*crm), customers(*erp), pairs=_linked(crm, erp))
    # one customer's account is deleted, a new firm arrives, another gets a duplicate account
    dropped = crm[0]["account_id"]
    new_firm, new_customer = _firm(70, "Nouvelle Société")
    duplicate = crm[3] | {"account_id": "A800"}
    crm_now, erp_now = [*crm[1:], new_firm], [*erp, new_customer]
    pairs = (
        *_linked(crm_now, erp_now),
        ("crm:A800", "erp:C004", "name_country"),
        ("crm:A004", "crm:A800", "name_country"),
    )
    second = _resolve(
        accounts(*crm_now, duplicate), customers(*erp_now), pairs=pairs, previous=first.bridge
    )
    before, after = _keys(first), _keys(second)
    untouched = [r for r in before if r != f"crm:{dropped}"]
    assert all(after[r] == before[r] for r in untouched)
    assert after["crm:A800"] == before[f"crm:{crm[3]['account_id']}"]
    assert after["crm:A070"] == after["erp:C070"]
    assert after["crm:A070"] not in set(before.values())
    assert second.history.select("event").to_series().to_list() == ["new"]


def test_a_threshold_outside_the_review_band_is_rejected() -> None:
    with pytest.raises(ValueError, match="threshold"):
        _resolve(accounts(), customers(), threshold=0.4)


def test_nothing_is_written_to_the_working_folder(tmp_path: Path, monkeypatch) -> None:
    # The scoring's DuckDB spills under the data root (C360_HOME), whose default is relative to
    # the working folder: a data root of its own, so the working folder is the only thing checked.
    working = tmp_path / "working"
    working.mkdir()
    monkeypatch.chdir(working)
    monkeypatch.setenv("C360_HOME", str(tmp_path / "home"))
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lfeèvre Mécanique Provence"
    _resolve(accounts(*crm, typo), customers(*erp, customer), pairs=_linked(crm, erp))
    assert os.listdir(working) == []


def test_a_rule_pair_naming_a_record_not_in_the_inputs_is_an_error() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    with pytest.raises(ValueError, match=r"records not in the inputs: \['erp:C404'\]"):
        _resolve(accounts(firm), customers(cust), pairs=(("crm:A001", "erp:C404", "vat"),))


def test_a_rule_pair_with_an_unknown_rule_is_an_error() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    with pytest.raises(ValueError, match="rules that do not exist"):
        _resolve(accounts(firm), customers(cust), pairs=(("crm:A001", "erp:C001", "hunch"),))


LIMIT = "select current_setting('memory_limit')"


def test_splink_scores_in_an_instance_with_half_the_build_memory_limit(monkeypatch) -> None:
    """Its DuckDB and the build's share C360_BUILD_MEMORY_LIMIT (c360.build_files)."""
    monkeypatch.setenv("C360_BUILD_MEMORY_LIMIT", "2GB")
    seen = []
    scoring = probabilistic._score

    def spy(con, *args):
        seen.append(con.execute(LIMIT).fetchall()[0][0])
        return scoring(con, *args)

    monkeypatch.setattr(probabilistic, "_score", spy)
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lfeèvre Mécanique Provence"
    result = _resolve(accounts(*crm, typo), customers(*erp, customer), pairs=_linked(crm, erp))
    assert _keys(result)["crm:A050"] == _keys(result)["erp:C050"]
    assert seen == ["953.6 MiB"]  # 1GB, half of 2GB (DuckDB prints GiB)


def test_the_build_connection_runs_at_half_its_limit_while_identity_resolves(monkeypatch):
    monkeypatch.setenv("C360_BUILD_MEMORY_LIMIT", "2GB")
    build = duckdb.connect()
    build.execute("set memory_limit = '2GB'")
    seen = []

    def resolving(*args, **kwargs):
        seen.append(build.execute(LIMIT).fetchall()[0][0])
        return "resolved"

    monkeypatch.setattr(resolve, "resolve_identities", resolving)
    staged = pl.DataFrame({"_extract_date": [AS_OF]})
    erp_numbers = pl.DataFrame({"is_stale": [False]})
    try:
        result = resolve_staged_records(
            staged, staged, staged, staged, erp_numbers, build_connection=build
        )
        after = build.execute(LIMIT).fetchall()[0][0]
    finally:
        build.close()
    assert (result, seen, after) == ("resolved", ["953.6 MiB"], "1.8 GiB")
