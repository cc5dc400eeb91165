{#- Every pair of records the deterministic rules match, one row per pair and rule: the ERP
    numbers that are not stale, then the shared keys (VAT, name and country, domain). The
    probabilistic stage (int_customer_bridge) takes it from here. -#}
with

erp_number_pairs as (

    select * from {{ ref('int_identity_erp_number_pairs') }}

),

key_pairs as (

    select * from {{ ref('int_identity_key_pairs') }}

),

final as (

    select
        record_a,
        record_b,
        'erp_number' as match_rule
    from erp_number_pairs
    where not is_stale
    union
    select
        record_a,
        record_b,
        match_rule
    from key_pairs

)

select * from final
