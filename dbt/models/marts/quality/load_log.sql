{#- One row per landed file the ingestion handled, with its reconciliation: every row read was
    loaded, quarantined, or dropped as a row of a person erased on request. -#}
with

load_log as (

    select * from {{ ref('stg_ingestion__load_log') }}

),

final as (

    select
        load_id,
        source_system,
        entity,
        source_file,
        extract_date,
        file_hash,
        file_bytes,
        rows_read,
        rows_loaded,
        rows_quarantined,
        rows_erased,
        rows_read = rows_loaded + rows_quarantined + rows_erased as is_reconciled,
        status,
        message,
        started_at,
        finished_at as loaded_at
    from load_log

)

select * from final
