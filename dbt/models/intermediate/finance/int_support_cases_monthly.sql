{#- Support cases per customer and month: cases opened and their handle minutes, the volume of
    the support_hours cost-to-serve driver.

    A case belongs to the month it was opened (UTC) and to the customer its CRM account resolves
    to through the identity bridge; a case whose account the bridge does not know keeps a null
    customer_key, so its cost stays in the company totals instead of disappearing. -#}
with

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

crm_keys as (

    select
        source_record_id as account_id,
        customer_key
    from bridge
    where source_system = 'crm'

),

final as (

    select
        crm_keys.customer_key,
        {{ month_of(dbt.cast('cases.created_at', 'date')) }} as month,
        count(*) as cases,
        sum(coalesce(cases.handle_minutes, 0)) as handle_minutes
    from cases
    left join crm_keys
        on cases.account_id = crm_keys.account_id
    group by
        crm_keys.customer_key,
        {{ month_of(dbt.cast('cases.created_at', 'date')) }}

)

select * from final
