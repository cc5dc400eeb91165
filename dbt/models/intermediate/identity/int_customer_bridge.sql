{#- The bridge rows of the one identity resolution a refresh runs (int_identity_resolution):
    every CRM account and ERP customer record with its customer_key. -#}
with

resolution as (

    select * from {{ ref('int_identity_resolution') }}

),

final as (

    select
        customer_key,
        source_system,
        source_record_id,
        match_rule,
        match_probability
    from resolution
    where output = 'bridge'

)

select * from final
