{%- set business_key = ['employee_id'] -%}
with

source as (

    select * from {{ source('erp', 'employees') }}

),

latest as (

    {{ latest_version('source', business_key, none, has_snapshots=true) }}

),

final as (

    select
        employee_id,
        name,
        department,
        cost_rate_per_hour,
        bill_rate_per_hour,
        weekly_capacity_hours,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        is_present
    from latest

)

select * from final
