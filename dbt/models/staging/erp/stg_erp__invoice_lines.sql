{{ incremental_staging_config('erp', 'invoice_lines', ['invoice_number', 'line_number']) }}

with

source as (

    {{ staging_versions(source('erp', 'invoice_lines'), ['invoice_number', 'line_number']) }}

),

latest as (

    {{ latest_version('source', ['invoice_number', 'line_number'], none) }}

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
