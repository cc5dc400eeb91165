{#- The published columns that hold personal data (names of people, emails, phones, free-text
    notes), as declared on the columns in the YAML (`config: meta: personal_data: true`, and
    `personal_data_rows: <SQL condition>` when only some rows hold it): the one list publishing
    masks from (c360/personal_data.py), written into the file it publishes so the two cannot
    disagree. Built from dbt's graph (macros/declared_personal_data.sql): it reads no model. -#}
with

declared as (

    {{ declared_personal_data() }}

),

final as (

    select
        cast(schema_name as {{ dbt.type_string() }}) as schema_name,
        cast(table_name as {{ dbt.type_string() }}) as table_name,
        cast(column_name as {{ dbt.type_string() }}) as column_name,
        cast(masked_rows as {{ dbt.type_string() }}) as masked_rows
    from declared

)

select * from final
