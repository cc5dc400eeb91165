{#- Staging models that keep the current version of each business key as a table, rebuilt
    only for the keys that new loads touched.

    A staging view would re-rank every raw version each time a model or a test reads it, and
    the busiest staging models are read by a dozen models. As a table the ranking runs once per
    build, and an incremental build ranks only the changed keys:
    - changed keys are those of the raw rows loaded since the newest load already staged
      (`_loaded_at` at or after the watermark). Raw is written only by ingestion, never while
      a build runs (the refresh lock, Dagster's warehouse pool), so no row loaded before the
      watermark can be unseen;
    - the pre-hook deletes the stored rows of those keys, then the model ranks every raw
      version of the keys that have no stored row, so the result is the one a full rebuild
      gives: a deleting version removes its record, a late correction replaces it;
    - a key whose versions all lost or were deleted is ranked again at the next build: the
      answer is the same, only the work is repeated.
    A later watermark (the newest winning version may be older than the newest load) ranks
    more keys than needed, never fewer. Entities delivered as full snapshots stay views: the
    newest snapshot moves `is_present` for every key. On Spark (Parquet cannot delete rows)
    every staging model stays a view. -#}
{% macro incremental_staging_config(source_name, table_name, key_columns) %}
    {#- The hook is rendered when the model runs: an external source's location is known only
        then (at parse time `source()` names a placeholder relation). -#}
    {%- set source_relation = "source('" ~ source_name ~ "', '" ~ table_name ~ "')" -%}
    {%- set delete_changed_keys -%}
        {{ '{% if is_incremental() %}' }}
        delete from {{ '{{ this }}' }}
        where ({{ key_columns | join(', ') }}) in (
            {{ '{{ keys_loaded_since_staged(' ~ source_relation ~ ', ' ~ key_columns ~ ') }}' }}
        )
        {{ '{% endif %}' }}
    {%- endset -%}
    {% do config(
        materialized=('view' if target.type == 'spark' else 'incremental'),
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[delete_changed_keys],
    ) %}
{% endmacro %}


{#- Every raw version a staging build ranks: all of them, or in an incremental build every
    version of the keys the pre-hook deleted (and of any key with no stored row). -#}
{% macro staging_versions(source_relation, key_columns) %}
    {%- set keys = key_columns | join(', ') -%}
    select *
    from {{ source_relation }}
    {%- if is_incremental() %}
    semi join (
        {{ keys_loaded_since_staged(source_relation, key_columns) }}
        except
        select {{ keys }}
        from {{ this }}
    ) as changed_keys using ({{ keys }})
    {%- endif %}
{% endmacro %}


{#- The business keys of the raw rows loaded since the newest load already staged in this
    model (all keys when it holds no row): the keys an incremental build re-ranks. -#}
{% macro keys_loaded_since_staged(source_relation, key_columns) %}
    select {{ key_columns | join(', ') }}
    from {{ source_relation }}
    where _loaded_at >= (
        select coalesce(max(_loaded_at), cast('-infinity' as timestamptz)) from {{ this }}
    )
{%- endmacro %}
