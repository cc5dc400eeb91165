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
        web_domain
    from records
    where web_domain is not null

),

from_contacts as (

    select
        records.record_id,
        contact_domains.web_domain
    from contact_domains
    inner join records
        on
            records.source_system = 'crm'
            and contact_domains.account_id = records.source_id

),

final as (

    select
        record_id,
        web_domain
    from own
    union
    select
        record_id,
        web_domain
    from from_contacts

)

select * from final
