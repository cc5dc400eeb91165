{%- set business_key = ['invoice_number'] -%}
{{ incremental_staging_config('erp', 'invoices', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'invoices'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        invoice_number,
        customer_number,
        order_number,
        kind,
        invoice_date,
        due_date,
        currency,
        status,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
