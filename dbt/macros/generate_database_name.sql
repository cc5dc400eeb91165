{#- On DuckDB the public schemas (`marts`, `quality`) are built in their own file, attached as
    `public_marts` (profiles.yml): publishing a version is then a copy of that file, not a copy
    of every table (docs/architecture.md, "Publishing"). Other targets keep dbt's default. -#}
{% macro generate_database_name(custom_database_name, node) -%}
    {%- if target.type == 'duckdb' and node.config.get('schema') in ('marts', 'quality') -%}
        public_marts
    {%- else -%}
        {{ default__generate_database_name(custom_database_name, node) }}
    {%- endif -%}
{%- endmacro %}
