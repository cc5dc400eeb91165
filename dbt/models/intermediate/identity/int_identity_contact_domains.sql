{#- The e-mail domain of every CRM contact outside free-mail providers, once per account. -#}
with

contacts as (

    select * from {{ ref('stg_crm__contacts') }}

),

hosts as (

    select
        account_id,
        {{ identity_email_host('email') }} as email_host
    from contacts

),

domains as (

    select
        account_id,
        {{ identity_domain('email_host') }} as web_domain
    from hosts

),

final as (

    select distinct
        account_id,
        web_domain
    from domains
    where account_id is not null and web_domain is not null

)

select * from final
