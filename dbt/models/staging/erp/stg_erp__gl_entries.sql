{{ incremental_staging_config('erp', 'gl_entries', ['entry_id']) }}

with

source as (

    {{ staging_versions(source('erp', 'gl_entries'), ['entry_id']) }}

),

latest as (

    {{ latest_version('source', ['entry_id'], none) }}

),

final as (

    select
        entry_id,
        posting_date,
        account_code,
        account_name,
        cost_centre,
        amount,
        currency,
        campaign_code,
        customer_number,
        description,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
