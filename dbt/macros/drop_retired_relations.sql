{#- Drop every table and view of the project's schemas that no model, seed or snapshot builds any
    more: a model removed or renamed by an upgrade leaves its last table behind, and in the
    public file (published whole) a retired mart would stay in front of analysts with figures
    that stop moving. Run at the end of every DuckDB build (on-run-end), whatever it selected:
    the graph holds every node, selected or not. Only schemas the project's nodes build into are
    looked at, so the catalogue (written by the refresh, not dbt) and `main` are left alone. -#}
{% macro drop_retired_relations() %}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set built = [] -%}
        {%- set schemas = [] -%}
        {%- set kinds = ['model', 'seed', 'snapshot'] -%}
        {%- for node in graph.nodes.values() if node.resource_type in kinds -%}
            {%- set schema = (node.database ~ '.' ~ node.schema) | lower -%}
            {%- do built.append(schema ~ '.' ~ (node.alias or node.name) | lower) -%}
            {%- if schema not in schemas -%}{%- do schemas.append(schema) -%}{%- endif -%}
        {%- endfor -%}
        {%- set found = run_query(
            "select database_name, schema_name, table_name, 'table' from duckdb_tables()
            union all
            select database_name, schema_name, view_name, 'view' from duckdb_views()
            where not internal"
        ) -%}
        {%- for database, schema, name, kind in found.rows -%}
            {%- set relation = (database ~ '.' ~ schema ~ '.' ~ name) | lower -%}
            {%- if (database ~ '.' ~ schema) | lower in schemas and relation not in built -%}
                {{ log('dropping ' ~ kind ~ ' ' ~ relation ~ ': no model builds it', info=True) }}
                {%- set quoted = '"' ~ database ~ '"."' ~ schema ~ '"."' ~ name ~ '"' -%}
                {%- do run_query('drop ' ~ kind ~ ' if exists ' ~ quoted) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
