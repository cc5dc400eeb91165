{#- The customer_key of every ERP customer number in use: from the identity bridge, or, for a
    number that invoices use but the ERP never extracted, an inferred key of its own. -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

resolved as (

    select
        source_record_id as customer_number,
        customer_key,
        false as is_inferred
    from bridge
    where source_system = 'erp'

),

inferred as (

    select distinct
        invoices.customer_number,
        {{ dbt.hash(dbt.concat(["'inferred:erp:'", 'invoices.customer_number'])) }}
            as customer_key,
        true as is_inferred
    from invoices
    left join resolved
        on invoices.customer_number = resolved.customer_number
    where
        resolved.customer_number is null
        -- An invoice with no number is a guest sale: the unidentified member, not a customer.
        and invoices.customer_number is not null

),

final as (

    select * from resolved
    union all
    select * from inferred

)

select * from final
