{#- One select per published column declared to hold personal data in the YAML
    (`config: meta: personal_data: true`, with `personal_data_rows: <SQL condition>` when only
    some rows hold it), read from dbt's graph; none when nothing is declared. -#}
{% macro declared_personal_data() -%}
    {%- set declared = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type in ['model', 'snapshot']
                and node.schema in ['marts', 'quality'] -%}
                {%- for column in node.columns.values() -%}
                    {%- if column.config.meta.get('personal_data') is true -%}
                        {%- set rows = column.config.meta.get('personal_data_rows') -%}
                        {%- do declared.append((node.schema, node.alias, column.name, rows)) -%}
                    {%- endif -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for schema_name, table_name, column_name, rows in declared | sort %}
    select
        '{{ schema_name }}' as schema_name,
        '{{ table_name }}' as table_name,
        '{{ column_name }}' as column_name,
        {% if rows -%}
            '{{ rows | replace("'", "''") }}'
        {%- else -%}
            cast(null as {{ dbt.type_string() }})
        {%- endif %} as masked_rows
    union all
    {%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as schema_name,
        cast(null as {{ dbt.type_string() }}) as table_name,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_string() }}) as masked_rows
    where 1 = 0
{%- endmacro %}
