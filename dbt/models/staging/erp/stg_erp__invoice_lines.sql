{%- set business_key = ['invoice_number', 'line_number'] -%}
{{ incremental_staging_config('erp', 'invoice_lines', business_key) }}

with

source as (

    {{ staging_versions(source('erp', 'invoice_lines'), business_key) }}

),

latest as (

    {{ latest_version('source', business_key, none) }}

),

final as (

    select
        invoice_number,
        line_number,
        sku,
        project_id,
        quantity,
        unit_price,
        net_amount,
        tax_amount,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        _loaded_at
    from latest

)

select * from final
