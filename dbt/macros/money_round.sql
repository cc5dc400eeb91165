{#- A floating-point amount (a Python step's output) to the cent, the same on every engine.
    round() on a double differs: DuckDB rounds the binary value (1089.965 is stored as
    1089.96499999..., so .96), Spark rounds its decimal text (.97). Taken to 10 decimals first,
    as money_ratio does, both round 1089.9650000000 half away from zero to .97, as the ledger
    would. -#}
{% macro money_round(expression) -%}
    cast(round(cast({{ expression }} as decimal(38, 10)), 2) as decimal(18, 2))
{%- endmacro %}
