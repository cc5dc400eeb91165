{#- Drop every table and view of the project's schemas that no model, seed or snapshot builds any
    more: a model removed or renamed by an upgrade leaves its last table behind, and in the
    public file (published whole) a retired mart would stay in front of analysts with figures
    that stop moving. Run at the end of every DuckDB build (on-run-end), whatever it selected:
    the graph holds every node, selected or not. Only schemas the project's nodes build into are
    looked at, so the catalogue (written by the refresh, not dbt) and `main` are left alone,
    except for dbt's own leftovers there: an incremental Python model (int_clv_fits) builds its
    new rows into a table `<model>__dbt_tmp<timestamp>` in the file's default schema, which
    dbt-duckdb 1.11 treats as temporary and never drops, so each incremental refresh left one
    more. A table named so after a node of the project is dropped wherever it is. -#}
{% macro drop_retired_relations() %}
    {%- if execute and target.type == 'duckdb' -%}
        {%- set built = [] -%}
        {%- set names = [] -%}
        {%- set schemas = [] -%}
        {%- set dbt_temporary = modules.re.compile('^(.+)__dbt_tmp[0-9]*$') -%}
        {%- set kinds = ['model', 'seed', 'snapshot'] -%}
        {%- for node in graph.nodes.values() if node.resource_type in kinds -%}
            {%- set schema = (node.database ~ '.' ~ node.schema) | lower -%}
            {%- do built.append(schema ~ '.' ~ (node.alias or node.name) | lower) -%}
            {%- do names.append((node.alias or node.name) | lower) -%}
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
            {%- set temporary = dbt_temporary.match(name | lower) -%}
            {%- set leftover = temporary and temporary.group(1) in names -%}
            {%- if leftover or (
                (database ~ '.' ~ schema) | lower in schemas and relation not in built
            ) -%}
                {%- set why = 'dbt left it behind' if leftover else 'no model builds it' -%}
                {{ log('dropping ' ~ kind ~ ' ' ~ relation ~ ': ' ~ why, info=True) }}
                {%- set quoted = '"' ~ database ~ '"."' ~ schema ~ '"."' ~ name ~ '"' -%}
                {%- do run_query('drop ' ~ kind ~ ' if exists ' ~ quoted) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}
