{#- An instant (UTC) as a column type. DuckDB's `timestamp` is a wall-clock time without zone
    and `timestamp with time zone` an instant; Spark's `timestamp` is already an instant (shown
    in the session time zone, UTC here) and has no `with time zone` spelling. -#}
{% macro type_timestamp_tz() -%}
    {{ return(adapter.dispatch('type_timestamp_tz', 'c360')()) }}
{%- endmacro %}

{% macro default__type_timestamp_tz() -%}
    timestamp with time zone
{%- endmacro %}

{% macro spark__type_timestamp_tz() -%}
    timestamp
{%- endmacro %}
