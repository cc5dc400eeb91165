{#- The public copy of the identity bridge: which source records make up each customer. -#}
with

bridge as (

    select * from {{ ref('int_customer_bridge') }}

),

final as (

    select
        customer_key,
        source_system,
        source_record_id,
        match_rule,
        match_probability
    from bridge

)

select * from final
