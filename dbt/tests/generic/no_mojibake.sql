{#-
    Text read in the wrong encoding: UTF-8 decoded as Windows-1252 ("FrÃ¨res", "CafÃ©",
    "Â°", "â€™") or bytes replaced by U+FFFD ("Soci�t�"). Ingestion decodes drifted files as
    what they are; this catches what slips through. "Ã" followed by a letter ("SÃO PAULO") and
    a lone "Â" are real text: only "Ã" before a symbol or continuation character is flagged.
-#}
{% test no_mojibake(model, column_name) %}

    select {{ column_name }}
    from {{ model }}
    where regexp_matches(
        {{ column_name }},
        'Ã[^\x{00}-\x{7F}\x{C0}-\x{FF}]|Â[\x{80}-\x{BF}]|â€|\x{FFFD}'
    )

{% endtest %}
