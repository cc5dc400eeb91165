{#- One row per day: the time spine MetricFlow joins metrics to (the metric catalogue,
    _catalogue__metrics.yml). 2000 to 2040 covers any extract the contracts accept. -#}
with

days as (

    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2041-01-01' as date)") }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
