{#- One row per CRM account still in the CRM and the customer it belongs to (the identity
    bridge), with the attributes the golden record takes from the CRM and the account's rank
    among the customer's accounts: by recency of modification (the CRM's latest word) and by
    age (the customer's primary account). -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

crm_accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

final as (

    select
        bridge.customer_key,
        crm_accounts.account_id,
        crm_accounts.name,
        crm_accounts.industry,
        crm_accounts.employee_count,
        crm_accounts.owner_id,
        crm_accounts.vat_number,
        crm_accounts.billing_country,
        row_number() over (
            partition by bridge.customer_key
            order by crm_accounts.last_modified_at desc, crm_accounts.account_id asc
        ) as recency_rank,
        row_number() over (
            partition by bridge.customer_key
            order by crm_accounts.created_at, crm_accounts.account_id
        ) as age_rank
    from bridge
    inner join crm_accounts
        on
            bridge.source_system = 'crm'
            and bridge.source_record_id = crm_accounts.account_id

)

select * from final
