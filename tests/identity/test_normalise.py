import polars as pl
import pytest

from identity import normalise


def _apply(function, values: list[str | None]) -> list[str | None]:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(function(pl.col("v")).alias("out"))["out"].to_list()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ACME Corp", "acme"),
        ("ACME CORPORATION SAS", "acme"),
        ("Acme corp.", "acme"),
        ("  Acme   Industries  Inc. ", "acme industries"),
        ("The Smith & Sons Ltd", "smith and sons"),
        ("smith and sons", "smith and sons"),
        ("Société Générale", "societe generale"),
        ("Societe Generale", "societe generale"),
        ("SOCIÉTÉ GÉNÉRALE S.A.", "societe generale"),
        ("Müller & Söhne Maschinenbau GmbH & Co. KG", "muller and sohne maschinenbau"),
        ("Moreau Frères S.r.l.", "moreau freres"),
        ('Brasserie "Le Zinc" SA/NV', "brasserie le zinc"),
        ("Œuvre Numérique", "oeuvre numerique"),
        ("Weiß Bau AG", "weiss bau"),
        ("Sørensen Data", "sorensen data"),
        ("Smith, Jones & Partners", "smith jones and partners"),
        ("Jacobs Systems Côte d'Azur Corp.", "jacobs systems cote dazur"),
        ("Bianchi S.p.A.", "bianchi"),
        ("García S.L.", "garcia"),
        ("Van Dijk B.V.", "van dijk"),
        ("Peeters SRL/BV", "peeters"),
        ("Acme LLC", "acme"),
        ("Acme Limited", "acme"),
        ("Acme PLC", "acme"),
        ("Acme Incorporated", "acme"),
        ("Acme Oy", "acme"),
        ("Acme AB", "acme"),
        ("Acme SARL", "acme"),
        ("Acme SASU", "acme"),
        ("Acme NV", "acme"),
        ("Acme SpA", "acme"),
        ("Acme Srl", "acme"),
        ("Acme & Co.", "acme"),
        ("Corp", "corp"),
        ("The Co", "co"),
    ],
)
def test_organisation_names_are_reduced_to_what_identifies_them(raw: str, expected: str) -> None:
    assert _apply(normalise.org_name, [raw]) == [expected]


def test_the_spellings_two_systems_use_for_one_firm_share_one_key() -> None:
    groups = [
        ["ACME Corp", "ACME CORPORATION SAS", "Acme corp.", "The Acme Corporation"],
        ["The Smith & Sons Ltd", "smith and sons", "SMITH & SONS LIMITED"],
        ["Société Générale", "Societe Generale", "SOCIETE GENERALE SA"],
        ["Lefèvre Énergie Île-de-France", "LEFEVRE ENERGIE ILE DE FRANCE SAS"],
    ]
    for group in groups:
        assert len(set(_apply(normalise.org_name, group))) == 1, group


def test_empty_and_missing_names_are_null() -> None:
    assert _apply(normalise.org_name, ["", "   ", "...", None]) == [None, None, None, None]


def test_descriptor_words_are_dropped_from_the_name_core_only() -> None:
    names = _apply(normalise.org_name, ["Dupont Logistics Group", "Lehmann Holding International"])
    assert names == ["dupont logistics group", "lehmann holding international"]
    assert _apply(normalise.name_core, names) == ["dupont logistics", "lehmann"]
    assert _apply(normalise.name_core, ["group"]) == ["group"]


def test_website_domains_lose_scheme_www_path_and_port() -> None:
    urls = [
        "https://www.Acme.fr/contact",
        "http://acme.co.uk:8080",
        "www2.foo.de",
        "acme.fr",
        "gmail.com",
        "not a url",
        None,
    ]
    assert _apply(normalise.web_domain, urls) == [
        "acme.fr",
        "acme.co.uk",
        "foo.de",
        "acme.fr",
        None,
        None,
        None,
    ]


def test_email_domains_ignore_free_mail() -> None:
    emails = ["Jo.Doe@ACME.fr", "x@gmail.com", "someone@Hotmail.FR", "<a@b.de>", "no-at-sign"]
    assert _apply(normalise.email_domain, emails) == ["acme.fr", None, None, "b.de", None]


def test_phone_numbers_become_digits_and_keys_their_last_nine() -> None:
    phones = ["+33 (0)6 12 34 56 78", "06 12 34 56 78", "0033 6-12-34-56-78", "123"]
    assert _apply(normalise.phone_digits, phones) == [
        "330612345678",
        "612345678",
        "33612345678",
        None,
    ]
    assert set(_apply(normalise.phone_key, phones[:3])) == {"612345678"}


def test_postal_codes_lose_spaces_dashes_and_case() -> None:
    codes = ["ec1 2ab", "75 012", "5643-EE", " "]
    assert _apply(normalise.postal_code, codes) == ["EC12AB", "75012", "5643EE", None]


def test_countries_become_iso_alpha_2_codes() -> None:
    countries = ["FR", "fr", "France", "Deutschland", "United Kingdom", "USA", "NLD", "xx1", None]
    assert _apply(normalise.country_code, countries) == [
        "FR",
        "FR",
        "FR",
        "DE",
        "GB",
        "US",
        "NL",
        None,
        None,
    ]


def test_vat_numbers_keep_letters_and_digits_in_upper_case() -> None:
    assert _apply(normalise.vat_number, ["fr 12 345 678 901", "DE-123.456.789", "x1"]) == [
        "FR12345678901",
        "DE123456789",
        None,
    ]
