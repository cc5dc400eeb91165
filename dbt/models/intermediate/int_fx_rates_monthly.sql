{#- The rate of every month and currency to the reporting currency (reporting-currency units per
    unit of the currency): the one table every conversion reads.

    - A currency the ERP's `fx_rates` quote is converted with the ERP's rates only, as delivered
      (the ERP's table is by contract a table of rates to the reporting currency).
    - Any other currency, and every currency when the ERP delivers no FX table, takes the ECB
      monthly mean, crossed through the EUR: (reporting units per EUR) / (currency units per
      EUR). So C360_REPORTING_CURRENCY=GBP converts a USD amount as amount / USD-per-EUR x
      GBP-per-EUR of the month. Kept at 10 decimals: 6 would leave a yen rate 4 digits.
    Whole currencies, not months, are filled from the ECB: mixing sources within a currency
    would move its newest rate (the open pipeline's) to whichever source published last. -#}
with

erp_rates as (

    select * from {{ ref('stg_erp__fx_rates') }}

),

ecb_rates as (

    select * from {{ ref('stg_ecb__monthly_rates') }}

),

erp_currencies as (

    select distinct currency
    from erp_rates

),

reporting_per_eur as (

    select
        month,
        units_per_eur
    from ecb_rates
    where currency = '{{ var("reporting_currency") }}'

),

ecb_cross_rates as (

    select
        ecb_rates.month,
        ecb_rates.currency,
        reporting_per_eur.units_per_eur / ecb_rates.units_per_eur as rate
    from ecb_rates
    inner join reporting_per_eur
        on ecb_rates.month = reporting_per_eur.month
    left join erp_currencies
        on ecb_rates.currency = erp_currencies.currency
    where erp_currencies.currency is null

),

final as (

    select
        month,
        currency,
        cast(rate as decimal(18, 10)) as rate,
        'erp' as rate_source
    from erp_rates
    union all
    select
        month,
        currency,
        cast(round(rate, 10) as decimal(18, 10)) as rate,
        'ecb' as rate_source
    from ecb_cross_rates

)

select * from final
