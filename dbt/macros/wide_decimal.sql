{#- Widen a decimal before multiplying it: DuckDB keeps the product of two DECIMAL(18, s) in
    18 digits and overflows (an amount x a 6-decimal rate does), instead of widening. -#}
{% macro wide_decimal(expression, precision=38) -%}
    cast({{ expression }} as decimal({{ precision }}, 10))
{%- endmacro %}
