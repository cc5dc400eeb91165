{%- set business_key = ['entry_id'] -%}
{{ incremental_staging_config('erp', 'gl_entries', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'gl_entries'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

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
