{#- Months one subscription invoice line pays for (dbt var `subscription_term_months`, from
    C360_SUBSCRIPTION_TERM_MONTHS, default 1: the sample company invoices its subscriptions
    monthly in advance; a company billing annually sets 12). The ERP's invoice lines carry no service period, so every subscription
    line is recognised evenly over this many months from its invoice month (docs/metrics.md). -#}
{% macro subscription_term_months() -%}
    {%- set months = var('subscription_term_months') | int -%}
    {%- if months < 1 -%}
        {{ exceptions.raise_compiler_error(
            "subscription_term_months must be a whole number of months >= 1, not '"
            ~ var('subscription_term_months') ~ "'"
        ) }}
    {%- endif -%}
    {{ return(months) }}
{%- endmacro %}
