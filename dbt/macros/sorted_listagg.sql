{#- The values of a group joined in their own sorted order (a fingerprint must not depend on
    row order). dbt-spark's listagg ignores `order by`, so Spark sorts the collected array;
    both sort strings by their bytes. -#}
{% macro sorted_listagg(expression, delimiter_text) -%}
    {{ return(adapter.dispatch('sorted_listagg', 'c360')(expression, delimiter_text)) }}
{%- endmacro %}

{% macro default__sorted_listagg(expression, delimiter_text) -%}
    {{ dbt.listagg(expression, delimiter_text, 'order by ' ~ expression) }}
{%- endmacro %}

{% macro spark__sorted_listagg(expression, delimiter_text) -%}
    array_join(array_sort(collect_list({{ expression }})), {{ delimiter_text }})
{%- endmacro %}
