{#- Pairs of records that share a rule key: `vat` (same VAT number), `name_country` (same
    normalised name, ERP trading or legal name, in the same country) and `domain` (same web or
    e-mail domain). Across systems record_a is the CRM record and record_b the ERP one; inside a
    system record_a < record_b. ERP-ERP pairs by domain are left out: two ERP customers of one
    domain are more often a group's subsidiaries than one customer reopened. -#}

{#- A key shared by more records than this is not an identity (a generic name, a reseller's
    domain): matching all of them pairwise would weld unrelated firms together. -#}
{%- set max_key_group = 8 -%}

with

records as (

    select * from {{ ref('int_identity_records') }}

),

record_domains as (

    select * from {{ ref('int_identity_record_domains') }}

),

keys as (

    select distinct
        record_id,
        source_system,
        'vat' as match_rule,
        vat as match_key
    from records
    where vat is not null
    union
    select distinct
        record_id,
        source_system,
        'name_country' as match_rule,
        {{ dbt.concat(['country', "'|'", 'normalised_name']) }} as match_key
    from records
    where normalised_name is not null and country is not null
    union
    select distinct
        record_id,
        source_system,
        'name_country' as match_rule,
        {{ dbt.concat(['country', "'|'", 'normalised_legal_name']) }} as match_key
    from records
    where normalised_legal_name is not null and country is not null
    union
    select distinct
        record_domains.record_id,
        records.source_system,
        'domain' as match_rule,
        record_domains.web_domain as match_key
    from record_domains
    inner join records
        on record_domains.record_id = records.record_id

),

small_keys as (

    select
        match_rule,
        match_key
    from keys
    group by match_rule, match_key
    having count(*) <= {{ max_key_group }}

),

bounded as (

    select keys.*
    from keys
    inner join small_keys
        on keys.match_rule = small_keys.match_rule and keys.match_key = small_keys.match_key

),

pairs as (

    select distinct
        side_a.record_id as record_a,
        side_b.record_id as record_b,
        side_a.match_rule
    from bounded as side_a
    inner join bounded as side_b
        on side_a.match_rule = side_b.match_rule and side_a.match_key = side_b.match_key
    where
        (side_a.source_system = 'crm' and side_b.source_system = 'erp')
        or (
            side_a.source_system = side_b.source_system
            and side_a.record_id < side_b.record_id
            and not (side_a.source_system = 'erp' and side_a.match_rule = 'domain')
        )

),

final as (

    select
        record_a,
        record_b,
        match_rule
    from pairs

)

select * from final
