{%- set business_key = ['order_number'] -%}
{{ incremental_staging_config('erp', 'sales_orders', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'sales_orders'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        order_number,
        customer_number,
        order_date,
        status,
        currency,
        crm_opportunity_id,
        sales_rep,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
