{#- Closed deals per close month, owner and opportunity type: won and lost counts and amounts,
    win rate by count and by amount, sales cycle and average deal size of the won deals. The
    sums are kept beside the ratios so that any roll-up divides sums, never averages ratios. -#}
with

opportunities as (

    select * from {{ ref('int_opportunities_converted') }}

),

closed as (

    select
        close_month,
        owner_user_id,
        owner_name,
        opportunity_type,
        count(*) filter (where is_won) as won_opportunities,
        count(*) filter (where not is_won) as lost_opportunities,
        coalesce(sum(amount_converted) filter (where is_won), 0) as won_amount,
        coalesce(sum(amount_converted) filter (where not is_won), 0) as lost_amount,
        coalesce(sum(days_open) filter (where is_won), 0) as won_days_open
    from opportunities
    where is_closed
    group by
        close_month,
        owner_user_id,
        owner_name,
        opportunity_type

),

final as (

    select
        close_month,
        owner_user_id,
        owner_name,
        opportunity_type,
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(won_opportunities as integer) as won_opportunities,
        cast(lost_opportunities as integer) as lost_opportunities,
        cast(won_amount as decimal(18, 2)) as won_amount,
        cast(lost_amount as decimal(18, 2)) as lost_amount,
        cast(won_opportunities as double)
        / cast(won_opportunities + lost_opportunities as double) as win_rate_by_count,
        case
            when won_amount + lost_amount > 0
                then cast(won_amount as double) / cast(won_amount + lost_amount as double)
        end as win_rate_by_amount,
        cast(won_days_open as integer) as won_sales_cycle_days_total,
        case
            when won_opportunities > 0
                then cast(won_days_open as double) / cast(won_opportunities as double)
        end as avg_sales_cycle_days,
        {{ money_ratio('won_amount', 'won_opportunities') }} as avg_deal_size
    from closed

)

select * from final
