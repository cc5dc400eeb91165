{#- Normalised forms of the fields CRM and ERP spell differently: the keys of the deterministic
    identity rules (models/intermediate/identity). The same results as c360/identity/normalise.py,
    which normalises the fields of the probabilistic stage; the word lists are the same lists
    (tests/c360/identity/test_sql_stage.py compares both on generated companies and the
    lists themselves). Each macro takes and returns a SQL expression. -#}

{#- Company-form words dropped from the end of a name once punctuation is gone ("S.A." is
    "sa"). A trailing "and" goes with them ("Smith & Co" is "smith"). -#}
{% macro identity_legal_suffixes() -%}
    {{ return([
        "ab", "ag", "aps", "asa", "bv", "bvba", "co", "company", "corp", "corporation", "cv",
        "eg", "ev", "eurl", "gbr", "gmbh", "inc", "incorporated", "kg", "kgaa", "kk", "limited",
        "llc", "llp", "lp", "ltd", "ltda", "mbh", "nv", "oy", "oyj", "plc", "pllc", "pty", "pvt",
        "sa", "sab", "sarl", "sas", "sasu", "sca", "scs", "se", "sl", "slu", "snc", "spa", "sprl",
        "srl", "srls", "ug", "and",
    ]) }}
{%- endmacro %}

{#- Words that describe rather than name ("Dupont Logistics Group"), dropped for the name core
    only: "X" and "X International" can be two real firms. -#}
{% macro identity_descriptor_words() -%}
    {{ return([
        "global", "group", "groupe", "gruppe", "grupo", "gruppo", "holding", "holdings",
        "international", "intl", "worldwide",
    ]) }}
{%- endmacro %}

{% macro identity_free_mail_domains() -%}
    {{ return([
        "aol.com", "free.fr", "gmail.com", "gmx.at", "gmx.ch", "gmx.de", "gmx.net",
        "googlemail.com", "hotmail.co.uk", "hotmail.com", "hotmail.de", "hotmail.fr",
        "icloud.com", "laposte.net", "libero.it", "live.com", "live.fr", "mac.com", "mail.com",
        "me.com", "msn.com", "orange.fr", "outlook.com", "outlook.fr", "posteo.de", "proton.me",
        "protonmail.com", "sfr.fr", "t-online.de", "wanadoo.fr", "web.de", "yahoo.co.uk",
        "yahoo.com", "yahoo.de", "yahoo.es", "yahoo.fr", "yahoo.it", "ymail.com", "zoho.com",
    ]) }}
{%- endmacro %}

{#- Folded, letters-only spellings of countries (and ISO-3 codes) to ISO-2. -#}
{% macro identity_country_aliases() -%}
    {{ return({
        "aut": "AT", "austria": "AT", "osterreich": "AT",
        "bel": "BE", "belgium": "BE", "belgique": "BE", "belgie": "BE", "belgien": "BE",
        "che": "CH", "switzerland": "CH", "suisse": "CH", "schweiz": "CH", "svizzera": "CH",
        "deu": "DE", "germany": "DE", "deutschland": "DE", "allemagne": "DE",
        "dnk": "DK", "denmark": "DK", "esp": "ES", "spain": "ES", "espana": "ES",
        "espagne": "ES", "fin": "FI", "finland": "FI", "fra": "FR", "france": "FR",
        "gbr": "GB", "uk": "GB", "unitedkingdom": "GB", "greatbritain": "GB", "england": "GB",
        "scotland": "GB", "wales": "GB", "royaumeuni": "GB",
        "irl": "IE", "ireland": "IE", "ita": "IT", "italy": "IT", "italia": "IT",
        "italie": "IT", "lux": "LU", "luxembourg": "LU", "nld": "NL", "netherlands": "NL",
        "thenetherlands": "NL", "holland": "NL", "nederland": "NL", "paysbas": "NL",
        "nor": "NO", "norway": "NO", "pol": "PL", "poland": "PL", "prt": "PT",
        "portugal": "PT", "swe": "SE", "sweden": "SE", "usa": "US", "unitedstates": "US",
        "unitedstatesofamerica": "US", "etatsunis": "US", "can": "CA", "canada": "CA",
    }) }}
{%- endmacro %}

{#- Letters that Unicode decomposition does not fold to ASCII. -#}
{% macro identity_special_letters() -%}
    {{ return({
        "œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th",
        "ı": "i", "ħ": "h",
    }) }}
{%- endmacro %}

{#- Lower case with accents folded ("Société Weiß" -> "societe weiss"). -#}
{% macro identity_fold(text) -%}
    {%- set folded = namespace(sql='lower(' ~ text ~ ')') -%}
    {%- for letter, spelling in identity_special_letters().items() -%}
        {%- set folded.sql = "replace(" ~ folded.sql ~ ", '" ~ letter ~ "', '" ~ spelling ~ "')" -%}
    {%- endfor -%}
    {{ fold_accents(folded.sql) }}
{%- endmacro %}

{#- `text` without the trailing run of `words` ("acme corp sas" -> "acme"); kept whole when
    nothing would be left. `text` is evaluated twice: pass a column. -#}
{% macro identity_strip_tail(text, words) -%}
    coalesce(
        nullif(trim({{ regex_replace_first(
            "' ' || " ~ text, "(?: (?:" ~ (words | join("|")) ~ "))+$", ""
        ) }}), ''),
        {{ text }}
    )
{%- endmacro %}

{#- Step one of an organisation name: folded words, "&" spelled "and", dots and apostrophes
    dropped ("S.A." is "sa"), other punctuation a space, a leading "The" dropped. -#}
{% macro identity_name_words(name) -%}
    {{ regex_replace_first(
        "trim(" ~ regex_replace_all(
            regex_replace_all(
                "replace(" ~ identity_fold(name) ~ ", '&', ' and ')", "[.''’`´]", ""
            ),
            "[^\\p{L}\\p{N}]+",
            " "
        ) ~ ")",
        "^the ",
        ""
    ) }}
{%- endmacro %}

{#- Step two: legal forms removed from the end; empty is null. `words` is step one's column. -#}
{% macro identity_org_name(words) -%}
    nullif({{ identity_strip_tail(words, identity_legal_suffixes()) }}, '')
{%- endmacro %}

{#- A normalised name without trailing descriptor words ("dupont group" -> "dupont"). -#}
{% macro identity_name_core(name) -%}
    {{ identity_strip_tail(name, identity_descriptor_words()) }}
{%- endmacro %}

{#- The host of a website, before validation ("https://www.Acme.fr/contact" -> "acme.fr"). -#}
{% macro identity_url_host(url) -%}
    {{ regex_replace_all(
        regex_replace_first(
            regex_replace_first(
                regex_replace_first(
                    regex_replace_first("lower(trim(" ~ url ~ "))", "^[a-z][a-z0-9+.-]*://", ""),
                    "^[^/@]*@",
                    ""
                ),
                "[/?#:].*$",
                ""
            ),
            "^www\\d*\\.",
            ""
        ),
        "^\\.+|\\.+$",
        ""
    ) }}
{%- endmacro %}

{#- The domain of an e-mail address, before validation ("Jo.Doe@ACME.fr" -> "acme.fr"). -#}
{% macro identity_email_host(email) -%}
    {{ regex_replace_all(
        regex_extract("lower(trim(" ~ email ~ "))", "@([^@\\s>]+)>?$", 1), "^\\.+|\\.+$", ""
    ) }}
{%- endmacro %}

{#- A host (from identity_url_host or identity_email_host, in a column: it is read three times)
    kept as a domain when it looks like one and is not a free-mail provider. -#}
{% macro identity_domain(host) -%}
    case
        when {{ regex_matches(host, "^[a-z0-9-]+(?:\\.[a-z0-9-]+)+$") }}
            and {{ host }} not in ('{{ identity_free_mail_domains() | join("', '") }}')
            then {{ host }}
    end
{%- endmacro %}

{#- A country folded to letters only ("Royaume-Uni" -> "royaumeuni"), for identity_country. -#}
{% macro identity_country_key(country) -%}
    {{ regex_replace_all(identity_fold(country), "[\\s.''-]", "") }}
{%- endmacro %}

{#- ISO 3166-1 alpha-2 code from a country key column ("deutschland" -> "DE"): an alias, or
    two letters as they are. -#}
{% macro identity_country(key) -%}
    case
        {%- for alias, iso in identity_country_aliases().items() %}
        when {{ key }} = '{{ alias }}' then '{{ iso }}'
        {%- endfor %}
        when {{ regex_matches(key, "^[a-zA-Z]{2}$") }} then upper({{ key }})
    end
{%- endmacro %}

{#- Upper-case letters and digits only ("fr 12 345" -> "FR12345"); shorter than 4 is null. -#}
{% macro identity_vat(vat) -%}
    {%- set text = regex_replace_all("upper(" ~ vat ~ ")", "[^A-Z0-9]", "") -%}
    case when length({{ text }}) >= 4 then {{ text }} end
{%- endmacro %}
