{#- Every CRM account carrying the number of an existing ERP customer, paired with it, and
    whether that number is stale: a stale or wrong ERP number must not override strong evidence
    against it. A pair whose names are not near-identical is stale when any evidence speaks
    against it: the countries differ, the VAT numbers differ, another CRM account holds the ERP
    record better (same VAT, same name and country, or its own number with a near-identical
    name), or the account holds another ERP record by VAT or name that is not a second record
    of the numbered one. -#}

{#- Jaro-Winkler on normalised names (the best of name, legal name and name core). On
    generated companies every correct pair scores >= 0.9 while wrong numbers score 0.37-0.85:
    names of one family ("Schmidt Media", "Schmidt Engineering") reach 0.85, so the 0.6 that
    separates random names is not enough. -#}
{%- set near_identical_names = 0.9 -%}

with

records as (

    select * from {{ ref('int_identity_records') }}

),

key_pairs as (

    select * from {{ ref('int_identity_key_pairs') }}

),

crm as (

    select * from records
    where source_system = 'crm'

),

erp as (

    select * from records
    where source_system = 'erp'

),

numbered as (

    select
        crm.record_id as record_a,
        erp.record_id as record_b,
        crm.country as country_a,
        erp.country as country_b,
        crm.vat as vat_a,
        erp.vat as vat_b,
        erp.normalised_name as name_b,
        erp.normalised_legal_name as alt_b,
        greatest(
            {{ name_similarity('crm.normalised_name', 'erp.normalised_name') }},
            {{ name_similarity('crm.normalised_name', 'erp.normalised_legal_name') }},
            {{ name_similarity('crm.name_core', 'erp.name_core') }}
        ) as name_similarity
    from crm
    inner join erp
        on crm.erp_number = erp.erp_number

),

-- CRM-ERP pairs by VAT or by name and country: evidence as strong as a number
strong as (

    select
        key_pairs.record_a,
        key_pairs.record_b
    from key_pairs
    inner join crm
        on key_pairs.record_a = crm.record_id
    inner join erp
        on key_pairs.record_b = erp.record_id
    where key_pairs.match_rule in ('vat', 'name_country')

),

owners as (

    select
        record_a,
        record_b
    from strong
    union
    select
        record_a,
        record_b
    from numbered
    where name_similarity >= {{ near_identical_names }}

),

claimed as (

    select distinct
        numbered.record_a,
        numbered.record_b
    from numbered
    inner join owners
        on numbered.record_b = owners.record_b
    where owners.record_a != numbered.record_a

),

-- another ERP record the account holds, whose name and VAT both differ from the numbered
-- record's (else it is a second record of the same customer)
elsewhere as (

    select distinct
        numbered.record_a,
        numbered.record_b
    from numbered
    inner join strong
        on numbered.record_a = strong.record_a
    inner join erp as other
        on strong.record_b = other.record_id
    where
        strong.record_b != numbered.record_b
        and coalesce(other.normalised_name != numbered.name_b, true)
        and coalesce(other.normalised_name != numbered.alt_b, true)
        and coalesce(other.vat != numbered.vat_b, true)

),

evidence as (

    select
        numbered.record_a,
        numbered.record_b,
        numbered.name_similarity,
        case
            when numbered.country_a != numbered.country_b then 'countries differ'
        end as countries_differ,
        case when numbered.vat_a != numbered.vat_b then 'VAT numbers differ' end as vats_differ,
        case
            when claimed.record_a is not null
                then 'another account matches the ERP record better'
        end as claimed_by_another,
        case
            when elsewhere.record_a is not null
                then 'the account matches another ERP record better'
        end as matched_elsewhere
    from numbered
    left join claimed
        on numbered.record_a = claimed.record_a and numbered.record_b = claimed.record_b
    left join elsewhere
        on numbered.record_a = elsewhere.record_a and numbered.record_b = elsewhere.record_b

),

final as (

    select
        record_a,
        record_b,
        round(name_similarity, 4) as name_similarity,
        nullif(
            concat_ws(
                ', ', countries_differ, vats_differ, claimed_by_another, matched_elsewhere
            ),
            ''
        ) as evidence,
        (
            name_similarity < {{ near_identical_names }}
            and coalesce(
                countries_differ, vats_differ, claimed_by_another, matched_elsewhere
            ) is not null
        ) as is_stale
    from evidence

)

select * from final
