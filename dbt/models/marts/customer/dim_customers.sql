{#- One row per customer: an organisation with at least one ERP record (or invoices under a
    number the ERP never sent: an inferred member), however many CRM accounts and ERP records it
    has. Its golden attributes (int_customer_golden_attributes: the survivorship rules of
    docs/identity.md) joined to its activity summaries (int_customer_activity), its acquisition
    (int_customer_acquisitions) and its predicted lifetime value (fct_customer_clv). -#}
with

golden as (

    select * from {{ ref('int_customer_golden_attributes') }}

),

activity as (

    select * from {{ ref('int_customer_activity') }}

),

acquisitions as (

    select * from {{ ref('int_customer_acquisitions') }}

),

customer_clv as (

    select * from {{ ref('fct_customer_clv') }}

),

final as (

    select
        golden.customer_key,
        golden.erp_customer_number,
        golden.crm_account_id,
        golden.customer_name,
        golden.legal_name,
        golden.country_code,
        golden.address,
        golden.postal_code,
        golden.city,
        golden.segment,
        golden.industry,
        golden.employee_count,
        golden.owner_user_id,
        golden.owner_name,
        golden.billing_currency,
        golden.vat_number,
        golden.main_contact_name,
        golden.main_contact_email,
        golden.is_blocked,
        golden.is_matched_to_crm,
        golden.is_inferred,
        golden.crm_records,
        golden.erp_records,
        golden.created_on,
        activity.first_invoice_date,
        {{ month_of('activity.first_invoice_date') }} as acquisition_month,
        coalesce(acquisitions.acquisition_channel, 'Unattributed') as acquisition_channel,
        activity.last_invoice_date,
        activity.lifetime_net_revenue,
        activity.lifetime_gross_margin,
        activity.last_order_date,
        activity.open_pipeline,
        activity.open_opportunities,
        activity.open_cases,
        activity.outstanding_balance,
        activity.is_active,
        customer_clv.predicted_clv,
        customer_clv.p_alive
    from golden
    inner join activity
        on golden.customer_key = activity.customer_key
    left join acquisitions
        on golden.customer_key = acquisitions.customer_key
    left join customer_clv
        on golden.customer_key = customer_clv.customer_key

)

select * from final
