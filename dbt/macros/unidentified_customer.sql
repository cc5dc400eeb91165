{#- The one customer member that holds every sale without a customer (guest checkouts, cash
    sales): its revenue and margin count in every total, and customer counts, retention, CLV and
    CAC leave it out (docs/metrics.md, guest sales). A hash like every other customer_key, of a
    text no ERP number or CRM id can produce. -#}
{% macro unidentified_customer_key() -%}
    {{ dbt.hash("'unidentified:guest-sales'") }}
{%- endmacro %}

{% macro unidentified_customer_name() -%}
    'Unidentified customers'
{%- endmacro %}
