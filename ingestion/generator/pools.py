"""Word pools the sample company is drawn from: countries, company and people names, labels.

Every string here is representable in Windows-1252 on purpose: the ERP writes cp1252 and a name
it cannot encode would be an encoding defect, which belongs to the defect injector, not to the
clean baseline. Accents (é, ü, ß, Œ, ñ, ø) are frequent so that a reader that decodes cp1252 as
UTF-8 visibly breaks.
"""

from __future__ import annotations

import re
import unicodedata
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


def _words(text: str) -> tuple[str, ...]:
    """A comma-separated word list, so that long pools stay compact and diffable."""
    # entries may wrap across lines ("Côte\n    d'Azur"): collapse inner whitespace to one space
    return tuple(" ".join(w.split()) for w in text.split(",") if w.strip())


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

REGIONS: tuple[str, ...] = _words(
    """
    France, DACH, UK & Ireland, North America, Southern Europe, Benelux
    """
)

SEGMENTS: tuple[str, ...] = ("SMB", "Mid-Market", "Enterprise")
SEGMENT_WEIGHTS: tuple[float, ...] = (0.6, 0.3, 0.1)

INDUSTRIES: tuple[str, ...] = _words(
    """
    Manufacturing, Logistics, Retail, Food & Beverage, Pharmaceuticals, Energy, Construction,
    Automotive, Healthcare, Hospitality, Agriculture, Utilities
    """
)

# Organisation names are `family activity [area]`; the three pools give ~290,000 distinct names,
# enough for 100,000 customers plus prospects without repeats.
COMPANY_FAMILIES: tuple[str, ...] = _words(
    """
    Müller, Dupont, Lefèvre, Martin, Bernard, Schmidt, Schneider, Fischer, Weber, Wagner, Becker,
    Hoffmann, Rossi, Russo, Bianchi, García, Fernández, Martínez, López, Sánchez, Janssens,
    Peeters, De Vries, Van Dijk, Bakker, Smith, Jones, Taylor, Brown, Wilson, Evans, Johnson,
    Miller, Davis, Anderson, Keller, Meier, Favre, Girard, Mercier, Faure, Rousseau, Blanc,
    Guérin, Boucher, Lambert, Fontaine, Chevalier, Brunner, Huber, Schäfer, Krüger, Öztürk, Novak,
    Nielsen, Larsen, Sørensen, Åberg, Ibáñez, Núñez, Côté, Benoît, Gauthier, Leroy, Moreau,
    Laurent, Roux, Vincent, Colombo, Ricci, Marino, Greco, Conti, Romero, Navarro, Torres,
    Delgado, Visser, Smit, Mulder, Dubois, Lemaire, Maes, Jacobs, Clarke, Hughes, Walker, Turner,
    Baker, Morgan, Cooper, Wright, Zimmermann, Schulz, Böhm, Lehmann, Weiß, Jäger, Brändli, Gerber
    """
)
COMPANY_ACTIVITIES: tuple[str, ...] = _words(
    """
    Logistik, Logistique, Industries, Systems, Solutions, Consulting, Engineering, Pharma, Foods,
    Textiles, Énergie, Digital, Analytics, Automation, Mécanique, Bau, Technik, Retail,
    Distribution, Partners, Group, Holding, Labs, Medical, Robotics, Électronique, Transports,
    Hôtellerie, Verpackung, Chemie, Agro, Marine, Aérospatiale, Software, Data, Capital, Media,
    Design, Optique, Werkzeuge, Maschinenbau, Frères, & Fils, & Söhne, Matériaux, Fördertechnik
    """
)
COMPANY_AREAS: tuple[str, ...] = _words(
    """
    Nord, Sud, Est, Ouest, Europe, International, Atlantique, Alpes, Rhein, Bayern, Iberia,
    Benelux, Helvetia, Lombardia, Provence, Bretagne, Occitanie, Normandie, Thames, Pacific, Côte
    d'Azur, Île-de-France, Schwarzwald, Andalucía, Toscana, Vlaanderen, Wallonie, Romandie,
    Highlands, Midwest, Ardennes, Jura, Savoie, Gascogne, Mosel, Ruhr, Cataluña, Piemonte,
    Holland, Lorraine, Auvergne, Limousin, Vendée, Picardie, Franken, Sachsen, Tirol, Emilia,
    Galicia, Yorkshire, Cornwall, Zeeland, Brabant, Valais, Ticino, Alsace, Anjou, Berry, Quercy
    """
)

# The first customers carry these names so that every extract, however small, has a name with
# an apostrophe, an ampersand, a comma (quoted in the CRM CSV), a double quote and cp1252 accents.
SPECIAL_ORGANISATIONS: tuple[tuple[str, str], ...] = (
    ("Société Générale d'Équipement", "FR"),
    ("Müller & Söhne Maschinenbau", "DE"),
    ("Œuvre Numérique", "FR"),
    ("Smith, Jones & Partners", "GB"),
    ('Brasserie "Le Zinc"', "BE"),
)

FIRST_NAMES: tuple[str, ...] = _words(
    """
    Jean, Marie, Élodie, François, Hélène, Jérôme, Chloé, Anaïs, Loïc, Gaëlle, Thérèse, Agnès,
    Renée, Lukas, Jürgen, Jörg, Sören, Anna, Sophie, Maximilian, Björn, Zoë, José, María, Ángel,
    Lucía, Inés, Giulia, Marco, Niccolò, Pieter, Daan, Emma, Noah, Oliver, George, Amelia, James,
    Olivia, Liam, Ava, Ethan, Mia, Nicolas, Camille, Thomas, Léa, Hugo, Manon, Felix, Lena, Paul,
    Clara, Luca, Sofia, Sven, Ingrid, Céline, Bruno
    """
)
_MORE_LAST_NAMES: tuple[str, ...] = _words(
    """
    Nguyen, Petit, Durand, Kowalski, Fournier, Bauer, Koch, Richter, Klein, Wolf, Neumann,
    Schwarz, Ferrari, Esposito, Gómez, Díaz, Muñoz, O'Brien, Murphy, Kelly, de Jong, van den Berg,
    Dumont, Lacroix, Bonnet, François
    """
)
LAST_NAMES: tuple[str, ...] = (*COMPANY_FAMILIES, *_MORE_LAST_NAMES)
TITLES: tuple[str, ...] = _words(
    """
    CEO, CFO, Head of Operations, Directeur Technique, Einkaufsleiter, IT Manager, Procurement
    Manager, Responsable Achats, Plant Manager, Directrice Financière, Head of Data,
    Geschäftsführer
    """
)

CHANNELS: tuple[str, ...] = ("Paid Search", "Paid Social", "Events", "Email", "Content", "Partner")
# Relative cost of a campaign by channel: events and partner programmes cost most.
CHANNEL_COST_FACTORS: tuple[float, ...] = (1.0, 0.8, 2.2, 0.3, 0.6, 1.4)
CAMPAIGN_THEMES: tuple[str, ...] = _words(
    """
    Product Launch, Webinar Series, Trade Fair, Spring Promo, Autumn Promo, Case Study,
    Retargeting, Newsletter, Partner Week, Industry 4.0, Salon Industrie, Kundentag
    """
)

ACTIVITY_TYPES: tuple[str, ...] = ("Call", "Email", "Meeting", "Demo")
ACTIVITY_TYPE_WEIGHTS: tuple[float, ...] = (0.35, 0.4, 0.15, 0.1)
ACTIVITY_SUBJECTS: tuple[tuple[str, ...], ...] = (
    ("Discovery call", "Follow-up call", "Renewal check-in", "Rappel devis"),
    ("Pricing question", "Sent proposal", "Réponse appel d'offres", "Onboarding e-mail"),
    ("Quarterly business review", "Kick-off meeting", "Réunion technique", "Executive meeting"),
    ("Platform walkthrough", "Sensor demo on site", "Analytics add-on demo"),
)

CASE_ORIGINS: tuple[str, ...] = ("Email", "Phone", "Web", "Chat")
CASE_PRIORITIES: tuple[str, ...] = ("Low", "Medium", "High", "Urgent")
CASE_PRIORITY_WEIGHTS: tuple[float, ...] = (0.35, 0.4, 0.2, 0.05)

PROJECT_TOPICS: tuple[str, ...] = _words(
    """
    Déploiement capteurs, Data platform rollout, ERP integration, Sensor network phase 2,
    Formation équipes, Predictive maintenance pilot, Migration Plattform, Dashboarding
    """
)
CONSULTING_TEAMS: tuple[str, ...] = ("Consulting", "Data Engineering", "Implementation", "Training")

# (sku, name, category, product line, kind, list price in EUR). Subscription prices are per
# month (licences per seat), goods per unit, services per hour or per package.
_SERVICES = "Professional Services"
# fmt: off
PRODUCTS: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("GD-1001", "Sensor Hub S1", "Sensors", "Edge Devices", "goods", 249.0),
    ("GD-1002", "Sensor Hub S2 Pro", "Sensors", "Edge Devices", "goods", 399.0),
    ("GD-1003", "Temperature Probe T10", "Sensors", "Edge Devices", "goods", 59.0),
    ("GD-1004", "Humidity Probe H20", "Sensors", "Edge Devices", "goods", 64.0),
    ("GD-1005", "Vibration Sensor V5", "Sensors", "Edge Devices", "goods", 189.0),
    ("GD-1006", "Capteur de pression P3", "Sensors", "Edge Devices", "goods", 139.0),
    ("GD-1101", "Gateway G100", "Gateways", "Edge Devices", "goods", 890.0),
    ("GD-1102", "Gateway G300", "Gateways", "Edge Devices", "goods", 1490.0),
    ("GD-1103", "Industrial Router R8", "Networking", "Edge Devices", "goods", 1190.0),
    ("GD-1104", 'Display Panel 15"', "Gateways", "Edge Devices", "goods", 640.0),
    ("GD-1201", "Mounting Kit", "Accessories", "Edge Devices", "goods", 35.0),
    ("GD-1202", "Power Supply 24V", "Accessories", "Edge Devices", "goods", 45.0),
    ("GD-1203", "Cable Set 5 m", "Accessories", "Edge Devices", "goods", 19.9),
    ("GD-1204", "Câble réseau blindé 10 m", "Networking", "Edge Devices", "goods", 24.5),
    ("GD-1205", "Boîtier étanche IP67", "Accessories", "Edge Devices", "goods", 89.0),
    ("GD-1206", "Battery Pack B3", "Accessories", "Edge Devices", "goods", 79.0),
    ("GD-1207", "Antenne LTE externe", "Networking", "Edge Devices", "goods", 69.0),
    ("GD-1208", "Wandhalterung Edelstahl", "Accessories", "Edge Devices", "goods", 42.0),
    ("SB-2001", "Platform Licence Standard", "Licences", "Platform", "subscription", 50.0),
    ("SB-2002", "Platform Licence Pro", "Licences", "Platform", "subscription", 95.0),
    ("SB-2003", "Platform Licence Enterprise", "Licences", "Platform", "subscription", 180.0),
    ("SB-2101", "Analytics Add-on", "Add-ons", "Platform", "subscription", 300.0),
    ("SB-2102", "API Access", "Add-ons", "Platform", "subscription", 150.0),
    ("SB-2103", "Data Retention 5 years", "Add-ons", "Platform", "subscription", 200.0),
    ("SB-2104", "Mobile App Seats (10)", "Add-ons", "Platform", "subscription", 120.0),
    ("SB-2201", "Premium Support", "Support", "Platform", "subscription", 400.0),
    ("SB-2202", "Support 24/7 – Astreinte", "Support", "Platform", "subscription", 900.0),
    ("SV-3001", "Consulting Hour – Senior", "Consulting", _SERVICES, "service", 160.0),
    ("SV-3002", "Consulting Hour – Consultant", "Consulting", _SERVICES, "service", 115.0),
    ("SV-3003", "Data Engineering Hour", "Consulting", _SERVICES, "service", 135.0),
    ("SV-3004", "Project Management Hour", "Consulting", _SERVICES, "service", 130.0),
    ("SV-3101", "Implementation Package", "Implementation", _SERVICES, "service", 4500.0),
    ("SV-3102", "On-site Installation", "Implementation", _SERVICES, "service", 650.0),
    ("SV-3201", "Training Day", "Training", _SERVICES, "service", 1200.0),
    ("SV-3202", "Journée de formation avancée", "Training", _SERVICES, "service", 1450.0),
)
# fmt: on
# Subscription SKUs: licences are sold per seat (one tier per customer), add-ons and support
# plans per month; list prices are monthly (subscriptions are invoiced monthly in advance).
LICENCE_SKUS: tuple[str, ...] = ("SB-2001", "SB-2002", "SB-2003")
ADD_ON_SKUS: tuple[str, ...] = ("SB-2101", "SB-2102", "SB-2103", "SB-2104", "SB-2201", "SB-2202")
# Service SKUs billed per hour: the ones a time-and-materials project invoice line uses.
HOURLY_SERVICE_SKUS: tuple[str, ...] = ("SV-3001", "SV-3002", "SV-3003", "SV-3004")

_FOLD = str.maketrans({"Œ": "Oe", "œ": "oe", "ß": "ss", "Ø": "O", "ø": "o", "Æ": "Ae", "æ": "ae"})


def ascii_fold(text: str) -> str:
    """Strip accents the way mail systems do, so e-mail addresses and web domains stay ASCII."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.encode("ascii", "ignore").decode("ascii")


def slug(text: str, separator: str = "-") -> str:
    """Lower-case ASCII words joined by `separator` ("Müller & Söhne" -> "muller-sohne")."""
    words = re.findall(r"[a-z0-9]+", ascii_fold(text).lower())
    return separator.join(words)
