{#- Money divided by a count (CAC, margin per customer), rounded half away from zero to the
    cent. DuckDB divides decimals as doubles: 122907.15 / 6 comes back as 20484.52499999...,
    which rounds to .52; taking it back to 10 decimals first gives .525 and the cent rounds to
    .53, as the ledger would. Null when the count is zero. -#}
{% macro money_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} != 0
            then cast(
                round(cast({{ numerator }} / {{ denominator }} as decimal(38, 10)), 2)
                as decimal(18, 2)
            )
    end
{%- endmacro %}
