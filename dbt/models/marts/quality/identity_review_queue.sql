{#- Pairs of records awaiting a steward's decision (append it to the overrides file). -#}
with

queue as (

    select * from {{ ref('int_identity_review_queue') }}

),

final as (

    select
        record_a,
        record_b,
        probability,
        reason
    from queue

)

select * from final
