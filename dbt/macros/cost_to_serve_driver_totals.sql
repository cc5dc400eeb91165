{#- What rpt_cost_to_serve's rows of one driver add up to, for the marts that sum them (per
    customer over the months, per month over the customers). Sums are cast back to the monthly
    table's types: a sum's type differs by engine (DuckDB widens it to 38 digits, Spark by 10),
    and the contracts hold both to one. -#}
{% macro cost_to_serve_driver_totals() -%}
    max(driver_label) as driver_label,
        max(unit) as unit,
        max(reporting_currency) as reporting_currency,
        cast(sum(volume) as decimal(38, 6)) as volume,
        cast(sum(cost_to_serve) as decimal(18, 2)) as cost_to_serve
{%- endmacro %}
