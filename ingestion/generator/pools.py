"""Word pools the sample company is drawn from: company and people names, labels.

The countries are in `countries.py`, the products in `products.py`.

Every string here is representable in Windows-1252 on purpose: the ERP writes cp1252 and a name
it cannot encode would be an encoding defect, which belongs to the defect injector, not to the
clean baseline. Accents (é, ü, ß, Œ, ñ, ø) are frequent so that a reader that decodes cp1252 as
UTF-8 visibly breaks.
"""

from __future__ import annotations

import re
import unicodedata


def _words(text: str) -> tuple[str, ...]:
    """A comma-separated word list, so that long pools stay compact and diffable."""
    # entries may wrap across lines ("Côte\n    d'Azur"): collapse inner whitespace to one space
    return tuple(" ".join(w.split()) for w in text.split(",") if w.strip())


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
