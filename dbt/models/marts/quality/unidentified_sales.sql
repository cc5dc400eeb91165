{#- Guest sales (invoices without a customer number: cash sales, guest checkouts): what share
    of the revenue the "unidentified customers" member holds. They count in revenue and margin,
    and in no customer count, retention, CLV or CAC (docs/metrics.md). -#}
with

invoice_lines as (

    select * from {{ ref('fct_invoice_lines') }}

),

final as (

    select
        '{{ var("reporting_currency") }}' as reporting_currency,
        cast(coalesce(sum(net_revenue), 0) as decimal(18, 2)) as net_revenue,
        cast(
            coalesce(sum(case when is_unidentified_customer then net_revenue end), 0)
            as decimal(18, 2)
        ) as unidentified_net_revenue,
        case
            when coalesce(sum(net_revenue), 0) != 0
                then
                    cast(
                        coalesce(sum(case when is_unidentified_customer then net_revenue end), 0)
                        as double
                    )
                    / cast(sum(net_revenue) as double)
        end as unidentified_revenue_share,
        cast(
            count(distinct case when is_unidentified_customer then invoice_number end)
            as integer
        ) as unidentified_documents,
        cast(count(case when is_unidentified_customer then 1 end) as integer)
            as unidentified_lines,
        {{ unidentified_customer_key() }} as unidentified_customer_key,
        {{ unidentified_customer_name() }} as unidentified_customer_name
    from invoice_lines

)

select * from final
