{#- Rows of extracts that failed their contract: file, row number, raw text and reason. -#}
with

quarantine as (

    select * from {{ ref('stg_ingestion__quarantine') }}

),

final as (

    select
        load_id,
        source_system,
        entity,
        source_file,
        extract_date,
        source_row_number,
        raw_line,
        reason,
        quarantined_at
    from quarantine

)

select * from final
