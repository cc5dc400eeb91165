"""Normalised forms of the fields two systems spell differently, as vectorised Polars expressions.

"ACME Corp", "ACME CORPORATION SAS" and "Acme corp." all become "acme"; "The Smith & Sons Ltd"
becomes "smith and sons"; "Société Générale" becomes "societe generale". Every function takes
an expression and returns one, so a million names are normalised without a Python loop.
"""

from __future__ import annotations

import polars as pl

# Company-form words dropped from the end of a name, once punctuation is gone ("S.A." is "sa",
# "SA/NV" is "sa nv"). A trailing "and" goes with them ("Smith & Co" is "smith").
LEGAL_SUFFIXES: tuple[str, ...] = (
    "ab", "ag", "aps", "asa", "bv", "bvba", "co", "company", "corp", "corporation", "cv", "eg",
    "ev", "eurl", "gbr", "gmbh", "inc", "incorporated", "kg", "kgaa", "kk", "limited", "llc",
    "llp", "lp", "ltd", "ltda", "mbh", "nv", "oy", "oyj", "plc", "pllc", "pty", "pvt", "sa",
    "sab", "sarl", "sas", "sasu", "sca", "scs", "se", "sl", "slu", "snc", "spa", "sprl", "srl",
    "srls", "ug", "and",
)  # fmt: skip
# Words that describe rather than name ("Dupont Logistics Group"): dropped only for the
# probabilistic stage's `name_core`, because "X" and "X International" can be two real firms.
DESCRIPTOR_WORDS: tuple[str, ...] = (
    "global", "group", "groupe", "gruppe", "grupo", "gruppo", "holding", "holdings",
    "international", "intl", "worldwide",
)  # fmt: skip
FREE_MAIL_DOMAINS: tuple[str, ...] = (
    "aol.com", "free.fr", "gmail.com", "gmx.at", "gmx.ch", "gmx.de", "gmx.net", "googlemail.com",
    "hotmail.co.uk", "hotmail.com", "hotmail.de", "hotmail.fr", "icloud.com", "laposte.net",
    "libero.it", "live.com", "live.fr", "mac.com", "mail.com", "me.com", "msn.com",
    "orange.fr", "outlook.com", "outlook.fr", "posteo.de", "proton.me", "protonmail.com",
    "sfr.fr", "t-online.de", "wanadoo.fr", "web.de", "yahoo.co.uk", "yahoo.com", "yahoo.de",
    "yahoo.es", "yahoo.fr", "yahoo.it", "ymail.com", "zoho.com",
)  # fmt: skip
# Folded, letters-only spellings of countries (and ISO-3 codes) to ISO-2; two letters pass as is.
COUNTRY_ALIASES: dict[str, str] = {
    "aut": "AT", "austria": "AT", "osterreich": "AT",
    "bel": "BE", "belgium": "BE", "belgique": "BE", "belgie": "BE", "belgien": "BE",
    "che": "CH", "switzerland": "CH", "suisse": "CH", "schweiz": "CH", "svizzera": "CH",
    "deu": "DE", "germany": "DE", "deutschland": "DE", "allemagne": "DE",
    "dnk": "DK", "denmark": "DK", "esp": "ES", "spain": "ES", "espana": "ES", "espagne": "ES",
    "fin": "FI", "finland": "FI", "fra": "FR", "france": "FR",
    "gbr": "GB", "uk": "GB", "unitedkingdom": "GB", "greatbritain": "GB", "england": "GB",
    "scotland": "GB", "wales": "GB", "royaumeuni": "GB",
    "irl": "IE", "ireland": "IE", "ita": "IT", "italy": "IT", "italia": "IT", "italie": "IT",
    "lux": "LU", "luxembourg": "LU", "nld": "NL", "netherlands": "NL", "thenetherlands": "NL",
    "holland": "NL", "nederland": "NL", "paysbas": "NL", "nor": "NO", "norway": "NO",
    "pol": "PL", "poland": "PL", "prt": "PT", "portugal": "PT", "swe": "SE", "sweden": "SE",
    "usa": "US", "unitedstates": "US", "unitedstatesofamerica": "US", "etatsunis": "US",
    "can": "CA", "canada": "CA",
}  # fmt: skip
# Letters that Unicode decomposition does not fold to ASCII.
SPECIAL_LETTERS: dict[str, str] = {
    "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h",
}  # fmt: skip
_SUFFIX_TAIL = r"(?: (?:" + "|".join(LEGAL_SUFFIXES) + r"))+$"
_DESCRIPTOR_TAIL = r"(?: (?:" + "|".join(DESCRIPTOR_WORDS) + r"))+$"


def fold(text: pl.Expr) -> pl.Expr:
    """Lower case with accents folded to ASCII ("Société Weiß" -> "societe weiss")."""
    lower = text.str.to_lowercase().str.replace_many(
        list(SPECIAL_LETTERS), list(SPECIAL_LETTERS.values())
    )
    return lower.str.normalize("NFKD").str.replace_all(r"\p{M}", "")


def _words(text: pl.Expr) -> pl.Expr:
    """Folded text with every run of non-letters and non-digits turned into one space."""
    return fold(text).str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars()


def _null_if_empty(text: pl.Expr) -> pl.Expr:
    return pl.when(text.str.len_chars() > 0).then(text)


def org_name(name: pl.Expr) -> pl.Expr:
    """An organisation name reduced to what identifies it.

    Lower case, accents folded, "&" spelled "and", dots and apostrophes dropped ("S.A." is
    "sa"), other punctuation turned into spaces, a leading "The" dropped and trailing legal
    forms removed ("ACME CORPORATION SAS" -> "acme"). A name made only of legal words is kept
    whole. Empty names are null.
    """
    text = (
        fold(name)
        .str.replace_all("&", " and ", literal=True)
        .str.replace_all(r"[.'’`´]", "")
        .str.replace_all(r"[^\p{L}\p{N}]+", " ")
        .str.strip_chars()
        .str.replace(r"^the ", "")
    )
    stripped = pl.concat_str(pl.lit(" "), text).str.replace(_SUFFIX_TAIL, "").str.strip_chars()
    return _null_if_empty(pl.when(stripped.str.len_chars() > 0).then(stripped).otherwise(text))


def name_core(normalised_name: pl.Expr) -> pl.Expr:
    """A normalised name without trailing descriptor words ("dupont group" -> "dupont")."""
    text = normalised_name
    stripped = pl.concat_str(pl.lit(" "), text).str.replace(_DESCRIPTOR_TAIL, "").str.strip_chars()
    return pl.when(stripped.str.len_chars() > 0).then(stripped).otherwise(text)


def _valid_domain(domain: pl.Expr) -> pl.Expr:
    domain = domain.str.strip_chars(".")
    looks_valid = domain.str.contains(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")
    return pl.when(looks_valid & ~domain.is_in(FREE_MAIL_DOMAINS)).then(domain)


def web_domain(url: pl.Expr) -> pl.Expr:
    """The domain of a website ("https://www.Acme.fr/contact" -> "acme.fr"); free mail is null."""
    domain = (
        url.str.strip_chars()
        .str.to_lowercase()
        .str.replace(r"^[a-z][a-z0-9+.-]*://", "")
        .str.replace(r"^[^/@]*@", "")
        .str.replace(r"[/?#:].*$", "")
        .str.replace(r"^www\d*\.", "")
    )
    return _valid_domain(domain)


def email_domain(email: pl.Expr) -> pl.Expr:
    """The domain of an e-mail address ("Jo.Doe@ACME.fr" -> "acme.fr"); free mail is null."""
    domain = email.str.strip_chars().str.to_lowercase().str.extract(r"@([^@\s>]+)>?$", 1)
    return _valid_domain(domain)


def phone_digits(phone: pl.Expr) -> pl.Expr:
    """The digits of a phone number without leading zeros ("+33 (0)6 12" -> "33612")."""
    digits = phone.str.replace_all(r"\D", "").str.strip_chars_start("0")
    return pl.when(digits.str.len_chars() >= 6).then(digits)


def phone_key(phone: pl.Expr) -> pl.Expr:
    """The last nine digits, the subscriber number whichever way the prefix was written."""
    return phone_digits(phone).str.slice(-9)


def postal_code(code: pl.Expr) -> pl.Expr:
    """Upper case without spaces, dashes or dots ("ec1 2ab" -> "EC12AB")."""
    return _null_if_empty(code.str.to_uppercase().str.replace_all(r"[\s.\-]", ""))


def country_code(country: pl.Expr) -> pl.Expr:
    """ISO 3166-1 alpha-2 code from a code or a common name ("Deutschland" -> "DE")."""
    key = fold(country).str.replace_all(r"[\s.'-]", "")
    code = key.replace(COUNTRY_ALIASES)
    return pl.when(code.str.contains(r"^[a-zA-Z]{2}$")).then(code.str.to_uppercase())


def vat_number(vat: pl.Expr) -> pl.Expr:
    """Upper-case letters and digits only ("fr 12 345" -> "FR12345"); too short is null."""
    text = vat.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    return pl.when(text.str.len_chars() >= 4).then(text)


def place(text: pl.Expr) -> pl.Expr:
    """A city or street in folded words ("Düsseldorf" -> "dusseldorf")."""
    return _null_if_empty(_words(text))
