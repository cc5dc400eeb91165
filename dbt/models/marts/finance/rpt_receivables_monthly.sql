{#- Receivables at each month end per customer: int_receivables_monthly, published under the
    contract (the rules live there). -#}
with

receivables as (

    select * from {{ ref('int_receivables_monthly') }}

)

select * from receivables
