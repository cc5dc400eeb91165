with

source as (

    select * from {{ source('ingestion', 'quarantine') }}

),

final as (

    select
        load_id,
        source as source_system,
        entity,
        source_file,
        extract_date,
        row_number as source_row_number,
        raw_line,
        reason,
        quarantined_at
    from source

)

select * from final
