{#- The contracts declare column types in DuckDB's (and Postgres') spelling: `varchar`,
    `timestamp with time zone`. dbt checks a contract by casting null to each declared type
    (dbt.cast); on Spark those spellings do not parse (varchar needs a length), so they are
    read as Spark's names for the same types: `string`, and `timestamp` (an instant in Spark).
    The models themselves use dbt.type_string() and type_timestamp_tz(). -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_names = {"varchar": "string", "text": "string", "timestamp with time zone": "timestamp", "timestamptz": "timestamp"} -%}
    cast({{ field }} as {{ spark_names.get(type | trim | lower, type) }})
{%- endmacro %}
