with

source as (

    select * from {{ source('ingestion', 'load_log') }}

),

final as (

    select
        load_id,
        source as source_system,
        entity,
        source_file,
        extract_date,
        file_hash,
        file_bytes,
        rows_read,
        rows_loaded,
        rows_quarantined,
        -- Absent from entries written before erasure existed: no row of theirs was erased.
        coalesce(rows_erased, 0) as rows_erased,
        status,
        message,
        started_at,
        finished_at
    from source

)

select * from final
