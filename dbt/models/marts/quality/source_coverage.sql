{#- Which canonical entities the company delivers, and for each one it does not, what is empty
    or unknown because of it and which file would fill it (seed reference.source_dependencies).
    Partial sources are normal (an ERP-only company, no product costs): the dashboards read
    this table to say "no product_costs in the ERP extracts: margin unknown" instead of showing
    an empty chart or a 100 % margin. -#}
{%- set entities = [
    ('crm', 'accounts'), ('crm', 'contacts'), ('crm', 'leads'), ('crm', 'opportunities'),
    ('crm', 'activities'), ('crm', 'cases'), ('crm', 'campaigns'), ('crm', 'users'),
    ('erp', 'customers'), ('erp', 'products'), ('erp', 'product_costs'), ('erp', 'employees'),
    ('erp', 'sales_orders'), ('erp', 'sales_order_lines'), ('erp', 'invoices'),
    ('erp', 'invoice_lines'), ('erp', 'payments'), ('erp', 'projects'), ('erp', 'timesheets'),
    ('erp', 'gl_entries'), ('erp', 'fx_rates'),
] -%}
with

dependencies as (

    select * from {{ ref('source_dependencies') }}

),

available as (

    {%- for source, entity in entities %}
        select
            '{{ source }}' as source,
            '{{ entity }}' as entity,
            count(*) as rows_available
        from {{ ref('stg_' ~ source ~ '__' ~ entity) }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        available.source,
        available.entity,
        cast(available.rows_available as bigint) as rows_available,
        available.rows_available = 0 as is_absent,
        dependencies.topic,
        dependencies.consequence,
        dependencies.affected,
        dependencies.affected_models,
        dependencies.filled_by,
        case
            when available.rows_available = 0 and dependencies.consequence = 'substituted'
                then {{ dbt.concat([
                    "'no '", 'available.entity', "' in the '", 'upper(available.source)',
                    "' extracts: '", 'dependencies.affected',
                ]) }}
            when available.rows_available = 0
                then {{ dbt.concat([
                    "'no '", 'available.entity', "' in the '", 'upper(available.source)',
                    "' extracts: '", 'dependencies.affected', "' '",
                    "case when dependencies.consequence = 'empty' then 'empty' "
                    ~ "else 'unknown' end",
                    "' (delivering '", 'dependencies.filled_by', "' fills it)'",
                ]) }}
        end as message
    from available
    left join dependencies
        on
            available.source = dependencies.source
            and available.entity = dependencies.entity

)

select * from final
