{#- First day of the calendar month of a date, as a date, on every adapter. -#}
{% macro month_of(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- The date `n` months after a date (negative `n`: before), as a date. -#}
{% macro add_months(date_expression, n) -%}
    cast({{ dbt.dateadd('month', n, date_expression) }} as date)
{%- endmacro %}
