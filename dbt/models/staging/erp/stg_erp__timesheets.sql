{{ incremental_staging_config('erp', 'timesheets', ['timesheet_id']) }}

with

source as (

    {{ staging_versions(source('erp', 'timesheets'), ['timesheet_id']) }}

),

latest as (

    {{ latest_version('source', ['timesheet_id'], none) }}

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
