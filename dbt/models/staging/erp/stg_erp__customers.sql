{%- set business_key = ['customer_number'] -%}
with

source as (

    select * from {{ source('erp', 'customers') }}

),

latest as (

    {{ latest_version('source', business_key, 'updated_on', has_snapshots=true) }}

),

final as (

    select
        customer_number,
        legal_name,
        trading_name,
        vat_number,
        address,
        postal_code,
        city,
        country_code,
        currency,
        payment_terms_days,
        credit_limit,
        segment,
        created_on,
        updated_on,
        is_blocked,
        _load_id,
        _source_file,
        _extract_date,
        _row_number,
        is_present
    from latest

)

select * from final
