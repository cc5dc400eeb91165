{%- set business_key = ['timesheet_id'] -%}
{{ incremental_staging_config('erp', 'timesheets', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'timesheets'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        timesheet_id,
        employee_id,
        project_id,
        work_date,
        hours,
        is_billable,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
