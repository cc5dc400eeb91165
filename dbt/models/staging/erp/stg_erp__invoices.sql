{{ incremental_staging_config('erp', 'invoices', ['invoice_number']) }}

with

source as (

    {{ staging_versions(source('erp', 'invoices'), ['invoice_number']) }}

),

latest as (

    {{ latest_version('source', ['invoice_number'], none) }}

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
