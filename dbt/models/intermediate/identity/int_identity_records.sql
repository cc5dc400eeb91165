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

-- the intermediate keys each expression reads more than once
crm_keys as (

    select
        account_id,
        name,
        vat_number,
        erp_customer_number,
        {{ identity_url_host('website') }} as website_host,
        {{ identity_country_key('billing_country') }} as country_key
    from accounts

),

crm_words as (

    select
        crm_keys.account_id,
        {{ identity_name_words('crm_keys.name') }} as name_words,
        {{ identity_country('crm_keys.country_key') }} as country,
        {{ identity_vat('crm_keys.vat_number') }} as vat,
        coalesce(
            {{ identity_domain('crm_keys.website_host') }},
            contact_domain.web_domain
        ) as web_domain,
        upper(trim(crm_keys.erp_customer_number)) as erp_number
    from crm_keys
    left join contact_domain
        on crm_keys.account_id = contact_domain.account_id

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
erp_keys as (

    select
        customer_number,
        trading_name,
        legal_name,
        vat_number,
        {{ identity_country_key('country_code') }} as country_key
    from customers

),

erp_words as (

    select
        customer_number,
        {{ identity_name_words('coalesce(trading_name, legal_name)') }} as name_words,
        {{ identity_name_words('legal_name') }} as legal_name_words,
        {{ identity_country('country_key') }} as country,
        {{ identity_vat('vat_number') }} as vat,
        cast(null as {{ dbt.type_string() }}) as web_domain,
        upper(trim(customer_number)) as erp_number
    from erp_keys

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
