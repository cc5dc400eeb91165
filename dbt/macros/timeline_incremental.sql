{#- fct_customer_activity_timeline rebuilt only where a delivery changed it.

    A day's delivery touches about 1 % of the timeline's events (at 100,000 customers, 62,000 of
    8.15 M: docs/benchmarks.md), so rewriting every event each build is most of the model's
    cost. On DuckDB the model is incremental, in two steps that give what a full build gives:
    - the pre-hook (`delete_timeline_events_to_redo`) keeps a stored CRM event only when its
      record is unchanged and still reaches the same customer: the staging row's `_loaded_at`
      is older than the newest `loaded_at` stored for its event type (a row loaded since then
      is new or corrected; a record gone from staging, deleted in the CRM, has no row), and its
      account still maps to the stored customer in the identity bridge (a steward's merge or a
      re-resolution moves it). Every other stored event is deleted, and so are all invoices,
      credit notes and sales orders: they are 1.7 M of the 8.15 M events, and their figures
      move with exchange rates and ERP customer keys, so they are recomputed whole;
    - the model then computes the events whose record has no stored row (`not_stored`).
    A watermark older than needed redoes more, never less: `_loaded_at` is the time the file
    was loaded, and raw is written only by ingestion, never while a build runs.
    A change of the code or settings rebuilds it whole (`--full-refresh`, decided by the dbt
    step from the build record). On Spark it is a table. -#}
{% macro timeline_crm_records() %}
    {{ return([
        {'event_type': 'activity', 'model': 'stg_crm__activities', 'id': 'activity_id'},
        {'event_type': 'case', 'model': 'stg_crm__cases', 'id': 'case_id'},
        {'event_type': 'opportunity', 'model': 'stg_crm__opportunities', 'id': 'opportunity_id'},
    ]) }}
{% endmacro %}


{% macro delete_timeline_events_to_redo() %}
    {%- if is_incremental() %}
    delete from {{ this }}
    where (event_type, source_record_id) not in (
        select
            stored.event_type,
            stored.source_record_id
        from {{ this }} as stored
        inner join (
            {%- for record in timeline_crm_records() %}
            select
                '{{ record.event_type }}' as event_type,
                {{ record.id }} as source_record_id
            from {{ ref(record.model) }}
            where _loaded_at < (
                select max(loaded_at) from {{ this }}
                where event_type = '{{ record.event_type }}'
            )
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as unchanged
            on
                stored.event_type = unchanged.event_type
                and stored.source_record_id = unchanged.source_record_id
        inner join {{ ref('int_customer_bridge') }} as bridge
            on
                bridge.source_system = 'crm'
                and stored.source_customer_id = bridge.source_record_id
                and stored.customer_key = bridge.customer_key
    )
    {%- endif %}
{% endmacro %}


{#- In an incremental build, the condition that leaves out the records whose event the pre-hook
    kept (nothing in a full build). -#}
{% macro not_stored(id_column, event_type) %}
    {%- if is_incremental() %}
    where {{ id_column }} not in (
        select source_record_id from {{ this }}
        where event_type = '{{ event_type }}'
    )
    {%- endif %}
{% endmacro %}
