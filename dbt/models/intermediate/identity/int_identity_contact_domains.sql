{#- The e-mail domain of every CRM contact outside free-mail providers, once per account. -#}
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

domains as (

    select
        account_id,
        {{ identity_domain(identity_email_host('email')) }} as web_domain
    from contacts

),

final as (

    select distinct
        account_id,
        web_domain
    from domains
    where account_id is not null and web_domain is not null

)

select * from final
