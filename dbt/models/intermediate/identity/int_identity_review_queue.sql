{#- The review queue rows of the one identity resolution a refresh runs
    (int_identity_resolution): pairs for stewards to decide on. -#}
with

resolution as (

    select * from {{ ref('int_identity_resolution') }}

),

final as (

    select
        record_a,
        record_b,
        probability,
        reason
    from resolution
    where output = 'review_queue'

)

select * from final
