{#- Every CRM account and ERP customer as one shape of record, with the normalised keys the
    deterministic rules compare (macros/identity_normalise.sql). Records are named
    `crm:<account_id>` and `erp:<customer_number>`, as in the bridge, the overrides file and the
    review queue. -#}
with

accounts as (

    select * from {{ ref('stg_crm__accounts') }}

),

contacts as (

    select * from {{ ref('int_identity_contact_domains') }}

),

customers as (

    select * from {{ ref('stg_erp__customers') }}

),

-- a duplicate account rarely has its website filled in, its contacts' e-mails do: the account
-- without a website takes the first (alphabetical) of its contacts' domains
contact_domain as (

    select
        account_id,
        min(web_domain) as web_domain
    from contacts
    group by account_id

),

crm_words as (

    select
        accounts.account_id,
        {{ identity_name_words('accounts.name') }} as name_words,
        {{ identity_country('accounts.billing_country') }} as country,
        {{ identity_vat('accounts.vat_number') }} as vat,
        coalesce(
            {{ identity_domain(identity_url_host('accounts.website')) }},
            contact_domain.web_domain
        ) as web_domain,
        upper(trim(accounts.erp_customer_number)) as erp_number
    from accounts
    left join contact_domain
        on accounts.account_id = contact_domain.account_id

),

crm_records as (

    select
        {{ dbt.concat(["'crm:'", 'account_id']) }} as record_id,
        'crm' as source_system,
        account_id as source_id,
        {{ identity_org_name('name_words') }} as normalised_name,
        cast(null as {{ dbt.type_string() }}) as normalised_legal_name,
        country,
        vat,
        web_domain,
        erp_number
    from crm_words

),

-- the ERP extract carries no website or e-mail: its records have no domain of their own
erp_words as (

    select
        customer_number,
        {{ identity_name_words('coalesce(trading_name, legal_name)') }} as name_words,
        {{ identity_name_words('legal_name') }} as legal_name_words,
        {{ identity_country('country_code') }} as country,
        {{ identity_vat('vat_number') }} as vat,
        cast(null as {{ dbt.type_string() }}) as web_domain,
        upper(trim(customer_number)) as erp_number
    from customers

),

erp_records as (

    select
        {{ dbt.concat(["'erp:'", 'customer_number']) }} as record_id,
        'erp' as source_system,
        customer_number as source_id,
        {{ identity_org_name('name_words') }} as normalised_name,
        {{ identity_org_name('legal_name_words') }} as normalised_legal_name,
        country,
        vat,
        web_domain,
        erp_number
    from erp_words

),

records as (

    select * from crm_records
    union all
    select * from erp_records

),

final as (

    select
        record_id,
        source_system,
        source_id,
        normalised_name,
        normalised_legal_name,
        {{ identity_name_core('normalised_name') }} as name_core,
        country,
        vat,
        web_domain,
        erp_number
    from records

)

select * from final
