{%- set business_key = ['account_id'] -%}
{{ incremental_staging_config('crm', 'accounts', business_key) }}

with

source as (

    {{ staging_versions(source('crm', 'accounts'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, 'last_modified_at', deleted_column='is_deleted') }}

),

final as (

    select
        account_id,
        name,
        website,
        industry,
        employee_count,
        annual_revenue,
        billing_street,
        billing_city,
        billing_postal_code,
        billing_country,
        vat_number,
        phone,
        owner_id,
        type,
        erp_customer_number,
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
