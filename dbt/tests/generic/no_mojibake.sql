{#-
    Text read in the wrong encoding: UTF-8 decoded as Windows-1252 ("FrÃ¨res", "CafÃ©",
    "Â°", "â€™") or bytes replaced by U+FFFD ("Soci�t�"). Ingestion decodes drifted files as
    what they are; this catches what slips through. "Ã" followed by a letter ("SÃO PAULO") and
    a lone "Â" are real text: only "Ã" before a symbol or continuation character is flagged.
    Through `regex_matches` (macros/engine_text_functions.sql), so it runs on Spark too; the
    pattern is a raw block, as a Jinja string literal would read `\x` as its own escape.
-#}
{% test no_mojibake(model, column_name) %}

    {%- set pattern -%}
        Ã[^\x{00}-\x{7F}\x{C0}-\x{FF}]|Â[\x{80}-\x{BF}]|â€|\x{FFFD}
    {%- endset %}

    select {{ column_name }}
    from {{ model }}
    where {{ regex_matches(column_name, pattern) }}

{% endtest %}
