{#- The rate of every month and currency to the reporting currency (reporting-currency units per
    unit of the currency): the one table every conversion reads.

    - A currency the ERP's `fx_rates` quote is converted with the ERP's rates, as delivered
      (the ERP's table is by contract a table of rates to the reporting currency); before the
      ERP's first quote of it, with the ECB's. A rate dated on any day of a month is that
      month's (the later of two).
    - Any other currency, and every currency when the ERP delivers no FX table, takes the ECB
      monthly mean, crossed through the EUR: (reporting units per EUR) / (currency units per
      EUR). So C360_REPORTING_CURRENCY=GBP converts a USD amount as amount / USD-per-EUR x
      GBP-per-EUR of the month. Kept at 10 decimals: 6 would leave a yen rate 4 digits.
    From the first quoted month or invoice to the month after the newest invoice or extract
    (the ingestion accepts documents dated up to a week after their extract), every month has a
    rate for every currency quoted at all: a month nobody quoted carries the currency's newest
    quote before it, or its first quote when none is before (`rate_month` names the month
    quoted). Without that, a document of a month whose rates are not delivered yet, or dated
    after the ECB file shipped with the code ends (most ERPs export no FX table), had no rate,
    and every refresh stopped on its null amount until the rate came.
    Whole currencies, not months, are filled from the ECB after the ERP's first quote: mixing
    sources within a currency would move its newest rate (the open pipeline's) to whichever
    source published last. -#}
with

erp_quotes as (

    select * from {{ ref('stg_erp__fx_rates') }}

),

erp_ranked as (

    -- An ERP may date a month's rate on any of its days (the month's end, say): it is the
    -- month's rate, and of two in one month the later one.
    select
        {{ month_of('month') }} as month,
        currency,
        rate,
        row_number() over (
            partition by currency, {{ month_of('month') }}
            order by month desc
        ) as rank_in_month
    from erp_quotes

),

erp_rates as (

    select
        month,
        currency,
        rate
    from erp_ranked
    where rank_in_month = 1

),

ecb_rates as (

    select * from {{ ref('stg_ecb__monthly_rates') }}

),

invoices as (

    select * from {{ ref('stg_erp__invoices') }}

),

erp_currencies as (

    select
        currency,
        min(month) as first_erp_month
    from erp_rates
    group by currency

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
    where
        erp_currencies.currency is null
        or ecb_rates.month < erp_currencies.first_erp_month

),

quoted as (

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

),

document_months as (

    select
        {{ month_of('min(invoice_date)') }} as oldest_month,
        greatest(
            {{ month_of('max(invoice_date)') }}, {{ month_of('max(_extract_date)') }}
        ) as newest_month
    from invoices

),

bounds as (

    -- least and greatest skip a null: no invoice leaves the quoted months' bounds.
    select
        least(min(quoted.month), min(document_months.oldest_month)) as first_month,
        {{ add_months(
            'greatest(max(quoted.month), max(document_months.newest_month))', 1
        ) }} as last_month
    from quoted
    cross join document_months

),

numbers as (

    -- 200 years of months: the ingestion keeps dates within 50 years of their extract.
    {{ dbt.generate_series(2400) }}

),

months as (

    select
        {{ add_months('bounds.first_month', 'cast(numbers.generated_number - 1 as integer)') }}
            as month,
        bounds.last_month
    from numbers
    cross join bounds

),

calendar as (

    select month
    from months
    where month <= last_month

),

ranked_quotes as (

    select
        *,
        row_number() over (partition by currency order by month) as quote_rank
    from quoted

),

currencies as (

    select
        currency,
        rate as first_rate,
        rate_source as first_rate_source,
        month as first_rate_month
    from ranked_quotes
    where quote_rank = 1

),

grid as (

    select
        calendar.month,
        currencies.currency,
        currencies.first_rate,
        currencies.first_rate_source,
        currencies.first_rate_month,
        quoted.rate,
        quoted.rate_source,
        quoted.month as rate_month,
        -- Each quoted month opens a group of the months that carry its quote.
        count(quoted.month) over (
            partition by currencies.currency
            order by calendar.month
            rows between unbounded preceding and current row
        ) as quotes_so_far
    from calendar
    cross join currencies
    left join quoted
        on
            calendar.month = quoted.month
            and currencies.currency = quoted.currency

),

carried as (

    select
        month,
        currency,
        first_rate,
        first_rate_source,
        first_rate_month,
        quotes_so_far,
        max(rate) over (partition by currency, quotes_so_far) as rate,
        max(rate_source) over (partition by currency, quotes_so_far) as rate_source,
        max(rate_month) over (partition by currency, quotes_so_far) as rate_month
    from grid

),

final as (

    -- Months before a currency's first quote (no group yet) take that first quote.
    select
        month,
        currency,
        case when quotes_so_far = 0 then first_rate else rate end as rate,
        case when quotes_so_far = 0 then first_rate_source else rate_source end as rate_source,
        case when quotes_so_far = 0 then first_rate_month else rate_month end as rate_month
    from carried

)

select * from final
