with

source as (

    select * from {{ source('erp', 'sales_orders') }}

),

latest as (

    {{ latest_version('source', ['order_number'], none) }}

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
        _row_number
    from latest

)

select * from final
