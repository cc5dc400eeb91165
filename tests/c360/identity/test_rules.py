import polars as pl

from c360.identity import rules
from c360.identity.records import crm_records, erp_records, record_domains
from tests.c360.identity.builders import accounts, contacts, customers


def _pairs(crm: pl.DataFrame, erp: pl.DataFrame, people: pl.DataFrame | None = None):
    crm_r, erp_r = crm_records(crm, people), erp_records(erp)
    domains = record_domains(crm_r, erp_r, people)
    return rules.crm_erp_pairs(crm_r, erp_r, domains), rules.duplicate_pairs(crm_r, erp_r, domains)


def _rows(frame: pl.DataFrame) -> set[tuple[str, str, str]]:
    return set(frame.select("record_a", "record_b", "rule").iter_rows())


def test_an_erp_number_that_exists_links_the_account_to_that_customer() -> None:
    cross, _ = _pairs(
        accounts({"account_id": "A1", "name": "Acme", "erp_customer_number": " c1 "}),
        customers({"customer_number": "C1", "legal_name": "Totally Other Name"}),
    )
    assert _rows(cross.accepted) == {("crm:A1", "erp:C1", "erp_number")}


def test_an_erp_number_that_does_not_exist_links_nothing() -> None:
    cross, _ = _pairs(
        accounts({"account_id": "A1", "name": "Acme", "erp_customer_number": "C404"}),
        customers({"customer_number": "C1", "legal_name": "Zenith"}),
    )
    assert cross.accepted.is_empty()


def test_the_same_vat_number_links_across_systems() -> None:
    cross, _ = _pairs(
        accounts({"account_id": "A1", "name": "Acme", "vat_number": "fr 123 456 789 01"}),
        customers({"customer_number": "C1", "legal_name": "Zenith", "vat_number": "FR12345678901"}),
    )
    assert _rows(cross.accepted) == {("crm:A1", "erp:C1", "vat")}


def test_the_same_normalised_name_in_the_same_country_links_across_systems() -> None:
    cross, _ = _pairs(
        accounts(
            {"account_id": "A1", "name": "The ACME Corp", "billing_country": "FR"},
            {"account_id": "A2", "name": "Smith & Sons", "billing_country": "GB"},
        ),
        customers(
            {"customer_number": "C1", "legal_name": "Acme SAS", "country_code": "FR"},
            {
                "customer_number": "C2",
                "legal_name": "Smith and Sons Ltd",
                "trading_name": "Smith Brothers",
                "country_code": "GB",
            },
        ),
    )
    assert _rows(cross.accepted) == {
        ("crm:A1", "erp:C1", "name_country"),
        ("crm:A2", "erp:C2", "name_country"),
    }


def test_the_same_name_in_another_country_is_not_a_link() -> None:
    cross, _ = _pairs(
        accounts({"account_id": "A1", "name": "Acme", "billing_country": "FR"}),
        customers({"customer_number": "C1", "legal_name": "Acme GmbH", "country_code": "DE"}),
    )
    assert cross.accepted.is_empty()


def test_a_domain_on_both_sides_links_across_systems() -> None:
    erp = customers({"customer_number": "C1", "legal_name": "Zenith"}).with_columns(
        website=pl.lit("https://www.acme.fr")
    )
    cross, _ = _pairs(accounts({"account_id": "A1", "name": "Acme", "website": "acme.fr"}), erp)
    assert _rows(cross.accepted) == {("crm:A1", "erp:C1", "domain")}


def test_a_website_and_a_contact_email_domain_link_duplicate_crm_accounts() -> None:
    _, duplicates = _pairs(
        accounts(
            {"account_id": "A1", "name": "Acme Industries", "website": "https://www.acme.fr"},
            {"account_id": "A2", "name": "Acme Indsutries"},
        ),
        customers(),
        contacts({"contact_id": "K1", "account_id": "A2", "email": "jo.doe@acme.fr"}),
    )
    assert _rows(duplicates) == {("crm:A1", "crm:A2", "domain")}


def test_contacts_at_free_mail_providers_do_not_link_accounts() -> None:
    _, duplicates = _pairs(
        accounts({"account_id": "A1", "name": "Acme"}, {"account_id": "A2", "name": "Zenith"}),
        customers(),
        contacts(
            {"contact_id": "K1", "account_id": "A1", "email": "jo@gmail.com"},
            {"contact_id": "K2", "account_id": "A2", "email": "al@gmail.com"},
        ),
    )
    assert duplicates.is_empty()


def test_crm_accounts_created_twice_are_duplicates_by_name_and_by_vat() -> None:
    _, duplicates = _pairs(
        accounts(
            {"account_id": "A1", "name": "Acme", "billing_country": "FR"},
            {"account_id": "A2", "name": "ACME SAS", "billing_country": "FR"},
            {"account_id": "A3", "name": "Zenith", "vat_number": "FR123456789"},
            {"account_id": "A4", "name": "Zenith Holding", "vat_number": "FR 123 456 789"},
        ),
        customers(),
    )
    assert _rows(duplicates) == {
        ("crm:A1", "crm:A2", "name_country"),
        ("crm:A3", "crm:A4", "vat"),
    }


def test_an_erp_customer_reopened_for_a_second_currency_is_a_duplicate() -> None:
    _, duplicates = _pairs(
        accounts(),
        customers(
            {
                "customer_number": "C1",
                "legal_name": "Acme SAS",
                "country_code": "FR",
                "currency": "EUR",
            },
            {
                "customer_number": "C9",
                "legal_name": "Acme SAS",
                "country_code": "FR",
                "currency": "USD",
            },
        ),
    )
    assert _rows(duplicates) == {("erp:C1", "erp:C9", "name_country")}


def test_a_stale_erp_number_does_not_override_strong_evidence_against_it() -> None:
    cross, _ = _pairs(
        accounts(
            {
                "account_id": "A1",
                "name": "Dupont Logistique",
                "billing_country": "FR",
                "erp_customer_number": "C2",
            }
        ),
        customers(
            {"customer_number": "C1", "legal_name": "Dupont Logistique SAS", "country_code": "FR"},
            {
                "customer_number": "C2",
                "legal_name": "Weber Maschinenbau GmbH",
                "country_code": "DE",
            },
        ),
    )
    assert _rows(cross.accepted) == {("crm:A1", "erp:C1", "name_country")}
    stale = cross.stale.row(0, named=True)
    assert (stale["record_a"], stale["record_b"]) == ("crm:A1", "erp:C2")
    assert stale["name_similarity"] < 0.6
    assert "countries differ" in stale["detail"]


def test_a_wrong_erp_number_in_the_same_country_is_dropped_when_the_record_has_a_better_owner() -> (
    None
):
    cross, _ = _pairs(
        accounts(
            {
                "account_id": "A1",
                "name": "Schmidt Media",
                "billing_country": "DE",
                "erp_customer_number": "C2",
            },
            {
                "account_id": "A2",
                "name": "Schmidt Engineering",
                "billing_country": "DE",
                "erp_customer_number": "C2",
            },
        ),
        customers(
            {
                "customer_number": "C2",
                "legal_name": "Schmidt Engineering GmbH",
                "country_code": "DE",
            }
        ),
    )
    assert ("crm:A2", "erp:C2", "erp_number") in _rows(cross.accepted)
    assert ("crm:A1", "erp:C2", "erp_number") not in _rows(cross.accepted)
    assert cross.stale["detail"].to_list() == ["another account matches the ERP record better"]


def test_an_erp_number_next_to_a_typo_in_the_name_is_kept() -> None:
    cross, _ = _pairs(
        accounts(
            {
                "account_id": "A1",
                "name": "Dpuont Logistique",
                "billing_country": "FR",
                "vat_number": "FR11111111111",
                "erp_customer_number": "C1",
            },
        ),
        customers(
            {
                "customer_number": "C1",
                "legal_name": "Dupont Logistique SAS",
                "country_code": "FR",
                "vat_number": "FR22222222222",
            },
        ),
    )
    assert _rows(cross.accepted) == {("crm:A1", "erp:C1", "erp_number")}
    assert cross.stale.is_empty()


def test_a_name_shared_by_too_many_records_links_none_of_them() -> None:
    many = [
        {"account_id": f"A{i}", "name": "Services", "billing_country": "FR"}
        for i in range(rules.MAX_KEY_GROUP + 1)
    ]
    _, duplicates = _pairs(accounts(*many), customers())
    assert duplicates.is_empty()
