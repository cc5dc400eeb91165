{%- set business_key = ['contact_id'] -%}
{{ incremental_staging_config('crm', 'contacts', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'contacts'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, 'last_modified_at', deleted_column='is_deleted') }}

),

final as (

    select
        contact_id,
        account_id,
        first_name,
        last_name,
        email,
        phone,
        title,
        country,
        email_opt_out,
        created_at,
        last_modified_at,
        is_deleted,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
