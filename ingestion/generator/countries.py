"""The countries the sample company sells to: currency, region, phone, VAT, addresses.

Every string is representable in Windows-1252 on purpose (see `pools.py`): accents in city and
street names make a reader that decodes cp1252 as UTF-8 visibly break.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """What the generator needs to know about a customer country."""

    code: str
    weight: float
    currency: str
    region: str
    phone_prefix: str
    vat_prefix: str
    vat_digits: int
    tld: str
    legal_suffixes: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]
    streets: tuple[str, ...]
    number_first: bool
    postal_digits: int


COUNTRIES: tuple[Country, ...] = (
    Country(
        "FR",
        0.28,
        "EUR",
        "France",
        "+33",
        "FR",
        11,
        "fr",
        ("SAS", "SA", "SARL"),
        (
            ("Paris", "75"),
            ("Lyon", "69"),
            ("Marseille", "13"),
            ("Toulouse", "31"),
            ("Nantes", "44"),
            ("Lille", "59"),
            ("Orléans", "45"),
            ("Besançon", "25"),
        ),
        (
            "rue de la République",
            "avenue Victor Hugo",
            "boulevard Haussmann",
            "rue du Général Leclerc",
            "place de l'Église",
            "chemin des Prés",
        ),
        True,
        5,
    ),
    Country(
        "DE",
        0.14,
        "EUR",
        "DACH",
        "+49",
        "DE",
        9,
        "de",
        ("GmbH", "AG", "KG"),
        (
            ("München", "80"),
            ("Berlin", "10"),
            ("Hamburg", "20"),
            ("Köln", "50"),
            ("Düsseldorf", "40"),
            ("Nürnberg", "90"),
        ),
        ("Hauptstraße", "Bahnhofstraße", "Königsallee", "Schloßweg", "Mühlenstraße"),
        False,
        5,
    ),
    Country(
        "GB",
        0.12,
        "GBP",
        "UK & Ireland",
        "+44",
        "GB",
        9,
        "co.uk",
        ("Ltd", "PLC", "LLP"),
        (
            ("London", "EC"),
            ("Manchester", "M"),
            ("Birmingham", "B"),
            ("Leeds", "LS"),
            ("Bristol", "BS"),
            ("Edinburgh", "EH"),
        ),
        ("High Street", "Station Road", "Church Lane", "King's Road", "Victoria Street"),
        True,
        0,
    ),
    Country(
        "US",
        0.12,
        "USD",
        "North America",
        "+1",
        "",
        0,
        "com",
        ("Inc.", "LLC", "Corp."),
        (
            ("New York", "100"),
            ("Boston", "021"),
            ("Chicago", "606"),
            ("Austin", "787"),
            ("San Francisco", "941"),
            ("Seattle", "981"),
        ),
        ("Main Street", "Market Street", "Broadway", "Oak Avenue", "Park Place"),
        True,
        5,
    ),
    Country(
        "ES",
        0.06,
        "EUR",
        "Southern Europe",
        "+34",
        "ES",
        9,
        "es",
        ("S.L.", "S.A."),
        (
            ("Madrid", "28"),
            ("Barcelona", "08"),
            ("Valencia", "46"),
            ("Sevilla", "41"),
            ("Málaga", "29"),
        ),
        ("Calle Mayor,", "Avenida de la Constitución,", "Calle de Alcalá,", "Paseo de Gràcia,"),
        False,
        5,
    ),
    Country(
        "IT",
        0.06,
        "EUR",
        "Southern Europe",
        "+39",
        "IT",
        11,
        "it",
        ("S.r.l.", "S.p.A."),
        (("Milano", "201"), ("Roma", "001"), ("Torino", "101"), ("Bologna", "401")),
        ("Via Roma,", "Corso Italia,", "Via Garibaldi,", "Piazza del Duomo,"),
        False,
        5,
    ),
    Country(
        "NL",
        0.06,
        "EUR",
        "Benelux",
        "+31",
        "NL",
        9,
        "nl",
        ("B.V.", "N.V."),
        (("Amsterdam", "10"), ("Rotterdam", "30"), ("Utrecht", "35"), ("Eindhoven", "56")),
        ("Kerkstraat", "Stationsweg", "Dorpsstraat", "Keizersgracht"),
        False,
        4,
    ),
    Country(
        "BE",
        0.05,
        "EUR",
        "Benelux",
        "+32",
        "BE0",
        9,
        "be",
        ("SA/NV", "SRL/BV"),
        (("Bruxelles", "10"), ("Antwerpen", "20"), ("Liège", "40"), ("Gent", "90")),
        ("Rue Neuve", "Meir", "Boulevard d'Avroy", "Veldstraat"),
        True,
        4,
    ),
    Country(
        "CH",
        0.05,
        "CHF",
        "DACH",
        "+41",
        "CHE",
        9,
        "ch",
        ("AG", "SA", "GmbH"),
        (("Zürich", "80"), ("Genève", "12"), ("Basel", "40"), ("Lausanne", "10")),
        ("Bahnhofstrasse", "Rue du Rhône", "Freie Strasse", "Avenue de la Gare"),
        False,
        4,
    ),
)
