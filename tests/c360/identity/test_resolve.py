import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from c360.identity.evaluate import pairwise_scores
from c360.identity.raw_inputs import read_staging_inputs
from c360.identity.resolve import IdentityResult, resolve_identities
from tests.c360.identity.builders import accounts, contacts, customers, generated_company

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


def _resolve(crm: pl.DataFrame, erp: pl.DataFrame, people=None, **kwargs) -> IdentityResult:
    return resolve_identities(crm, people, erp, as_of=AS_OF, **kwargs)


def test_the_bridge_has_one_row_per_record_with_its_key_and_rule() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    result = _resolve(
        accounts(firm | {"erp_customer_number": "C001"}, {"account_id": "A999", "name": "Zenith"}),
        customers(cust),
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
    )
    keys = _keys(result)
    assert keys["crm:A001"] == keys["crm:A777"] == keys["erp:C001"]
    assert dict(result.stats.iter_rows())["duplicate_rate"] == pytest.approx(1 / 3)


def test_a_customer_opened_twice_in_the_erp_lands_in_one_customer() -> None:
    firm, cust = _firm(1, "Acme Industrie")
    second = cust | {"customer_number": "C900", "postal_code": "69001", "city": "Lyon"}
    keys = _keys(
        _resolve(accounts(firm | {"erp_customer_number": "C001"}), customers(cust, second))
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


def test_a_typo_in_a_name_with_no_erp_number_is_matched_probabilistically() -> None:
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lfeèvre Mécanique Provence"
    result = _resolve(accounts(*crm, typo), customers(*erp, customer))
    keys = _keys(result)
    assert keys["crm:A050"] == keys["erp:C050"]
    row = result.bridge.filter(pl.col("source_record_id") == "A050").row(0, named=True)
    assert row["match_rule"] == "probabilistic"
    assert row["match_probability"] >= 0.9


def test_a_similar_name_at_another_address_is_not_matched() -> None:
    crm, erp = _population()
    prospect = _firm(60, "Lefèvre Mécanique Nord")[0]
    _, customer = _firm(61, "Lefèvre Mécanique Sud")
    keys = _keys(_resolve(accounts(*crm, prospect), customers(*erp, customer)))
    assert keys["crm:A060"] != keys["erp:C061"]


def test_resolution_is_deterministic() -> None:
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lefèvre Mécaniqeu Provence"
    first = _resolve(accounts(*crm, typo), customers(*erp, customer))
    second = _resolve(accounts(*reversed(crm), typo), customers(customer, *erp))
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
    result = _resolve(accounts(firm, lone), customers(cust), overrides=overrides)
    keys = _keys(result)
    assert keys["crm:A500"] == keys["erp:C001"] != keys["crm:A001"]
    rules = dict(result.bridge.select("source_record_id", "match_rule").iter_rows())
    assert rules == {"A001": "singleton", "A500": "override", "C001": "override"}


def test_keys_stay_stable_across_runs_with_records_added_and_removed() -> None:
    crm, erp = _population()
    first = _resolve(accounts(*crm), customers(*erp))
    # one customer's account is deleted, a new firm arrives, another gets a duplicate account
    dropped = crm[0]["account_id"]
    new_firm, new_customer = _firm(70, "Nouvelle Société")
    duplicate = crm[3] | {"account_id": "A800"}
    second = _resolve(
        accounts(*crm[1:], new_firm, duplicate),
        customers(*erp, new_customer),
        previous=first.bridge,
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
    monkeypatch.chdir(tmp_path)
    crm, erp = _population()
    typo, customer = _firm(50, "Lefèvre Mécanique Provence")
    typo["name"] = "Lfeèvre Mécanique Provence"
    _resolve(accounts(*crm, typo), customers(*erp, customer))
    assert os.listdir(tmp_path) == []


@pytest.fixture(scope="module")
def typical_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_company(tmp_path_factory.mktemp("typical"), 300, "typical")


@pytest.fixture(scope="module")
def heavy_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_company(tmp_path_factory.mktemp("heavy"), 300, "heavy")


def _score(raw: Path) -> float:
    inputs = read_staging_inputs(raw)
    result = resolve_identities(
        inputs.crm_accounts, inputs.crm_contacts, inputs.erp_customers, as_of=AS_OF
    )
    truth = pl.read_parquet(raw.parent / "truth" / "organisations.parquet")
    return pairwise_scores(result.bridge, truth).f1


def test_a_generated_company_with_typical_defects_resolves_with_f1_of_at_least_0_98(
    typical_company: Path,
) -> None:
    assert _score(typical_company) >= 0.98


def test_a_generated_company_with_heavy_defects_resolves_with_f1_of_at_least_0_95(
    heavy_company: Path,
) -> None:
    assert _score(heavy_company) >= 0.95
