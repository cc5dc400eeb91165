{#- Support satisfaction per customer: the CSAT (1-5) its contacts gave on closed cases. CRM cases
    reach their customer through the identity bridge, as in fct_customer_activity_timeline; a
    case without a score is counted but not averaged. One row per customer with at least one
    case. -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

cases as (

    select * from {{ ref('stg_crm__cases') }}

),

crm_keys as (

    select
        customer_key,
        source_record_id as account_id
    from bridge
    where source_system = 'crm'

),

customer_cases as (

    select
        crm_keys.customer_key,
        cases.case_id,
        cases.created_at,
        cases.closed_at,
        cases.csat_score
    from cases
    inner join crm_keys
        on cases.account_id = crm_keys.account_id

),

final as (

    select
        customer_key,
        cast(count(*) as integer) as cases,
        cast(count(closed_at) as integer) as closed_cases,
        cast(count(csat_score) as integer) as rated_cases,
        avg(cast(csat_score as double)) as avg_csat,
        cast(count(*) filter (where csat_score <= 2) as integer) as dissatisfied_cases,
        max(case when csat_score is not null then created_at end) as last_rated_case_at
    from customer_cases
    group by customer_key

)

select * from final
