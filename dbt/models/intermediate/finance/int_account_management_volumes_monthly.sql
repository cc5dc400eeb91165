{#- Account-management work per customer and month, one row per driver: CRM calls and meetings
    (crm_calls, crm_meetings) and non-billable timesheet hours on the customer's projects
    (non_billable_hours).

    Calls and meetings count from the month of the customer's first invoice on: before it they
    are selling, whose cost is sales and marketing spend (CAC), not cost to serve. An activity on
    a CRM account the identity bridge does not know keeps a null customer_key (unattributed). -#}
with

activities as (

    select * from {{ ref('stg_crm__activities') }}

),

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

acquisitions as (

    select * from {{ ref('int_customer_acquisitions') }}

),

timesheets as (

    select * from {{ ref('stg_erp__timesheets') }}

),

projects as (

    select * from {{ ref('stg_erp__projects') }}

),

customer_keys as (

    select * from {{ ref('int_customer_keys_by_erp_number') }}

),

crm_keys as (

    select
        source_record_id as account_id,
        customer_key
    from bridge
    where source_system = 'crm'

),

crm_activities as (

    select
        crm_keys.customer_key,
        {{ month_of(dbt.cast('activities.activity_at', 'date')) }} as month,
        case when activities.type = 'Call' then 'crm_calls' else 'crm_meetings' end as driver,
        cast(1 as decimal(38, 6)) as quantity
    from activities
    left join crm_keys
        on activities.account_id = crm_keys.account_id
    left join acquisitions
        on crm_keys.customer_key = acquisitions.customer_key
    where
        activities.type in ('Call', 'Meeting')
        and (
            crm_keys.customer_key is null
            or {{ month_of(dbt.cast('activities.activity_at', 'date')) }}
            >= acquisitions.acquisition_month
        )

),

project_hours as (

    select
        customer_keys.customer_key,
        {{ month_of('timesheets.work_date') }} as month,
        'non_billable_hours' as driver,
        cast(timesheets.hours as decimal(38, 6)) as quantity
    from timesheets
    inner join projects
        on timesheets.project_id = projects.project_id
    left join customer_keys
        on projects.customer_number = customer_keys.customer_number
    where not timesheets.is_billable

),

combined as (

    select * from crm_activities
    union all
    select * from project_hours

),

final as (

    select
        customer_key,
        month,
        driver,
        cast(sum(quantity) as decimal(38, 6)) as quantity,
        1 as quantity_per_unit
    from combined
    group by
        customer_key,
        month,
        driver

)

select * from final
