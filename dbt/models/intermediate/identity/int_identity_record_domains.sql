{#- Every domain a record is known by: its own (website, or e-mail in an ERP that has one) and
    the e-mail domains of all its CRM contacts, not only the one the record keeps. -#}
with

records as (

    select * from {{ ref('int_identity_records') }}

),

contact_domains as (

    select * from {{ ref('int_identity_contact_domains') }}

),

own as (

    select
        record_id,
        domain
    from records
    where domain is not null

),

from_contacts as (

    select
        records.record_id,
        contact_domains.domain
    from contact_domains
    inner join records
        on
            records.system = 'crm'
            and contact_domains.account_id = records.source_id

),

final as (

    select record_id, domain from own
    union
    select record_id, domain from from_contacts

)

select * from final
