{#- Standard costs as validity ranges [valid_from, valid_to): a cost applies from its date until
    the next cost of the same SKU. -#}
with

product_costs as (

    select * from {{ ref('stg_erp__product_costs') }}

),

final as (

    select
        sku,
        valid_from,
        lead(valid_from) over (partition by sku order by valid_from) as valid_to,
        standard_unit_cost,
        currency as cost_currency
    from product_costs

)

select * from final
