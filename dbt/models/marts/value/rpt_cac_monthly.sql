{#- Customer acquisition cost per month and channel, plus the Blended row of each month
    (definitions: docs/metrics.md). -#}
with

cac_monthly as (

    select * from {{ ref('int_cac_monthly') }}

),

final as (

    select
        month,
        channel,
        is_blended,
        '{{ var("reporting_currency") }}' as reporting_currency,
        marketing_spend,
        sales_spend,
        spend,
        new_customers,
        {{ money_ratio('spend', 'new_customers') }} as cac
    from cac_monthly

)

select * from final
