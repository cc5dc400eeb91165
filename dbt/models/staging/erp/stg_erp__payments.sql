{%- set business_key = ['payment_id'] -%}
{{ incremental_staging_config('erp', 'payments', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'payments'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        payment_id,
        customer_number,
        invoice_number,
        payment_date,
        amount,
        currency,
        method,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
