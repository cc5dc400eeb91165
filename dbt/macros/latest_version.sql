{#- The current version of each business key of a raw table that keeps every version.

    The latest extract wins, then the source's own modification time, then the later load and
    the later row of the file. A version flagged deleted by the source removes the record from
    this current view (its history stays in the raw table). For entities also delivered as full
    snapshots, `is_present` is false when the record is missing from the newest snapshot and was
    not sent again since. -#}
{% macro latest_version(
    relation, key_columns, modified_column=none, deleted_column=none, has_snapshots=false
) %}
    {%- set keys = key_columns | join(', ') -%}
    select
        ranked.*
        {%- if has_snapshots %},
        (
            snapshot_date.newest_snapshot is null
            or ranked._extract_date > snapshot_date.newest_snapshot
            or in_snapshot._in_snapshot is not null
        ) as is_present
        {%- endif %}
    from (
        select
            *,
            row_number() over (
                partition by {{ keys }}
                order by
                    _extract_date desc,
                    {% if modified_column %}{{ modified_column }} desc nulls last,{% endif %}
                    _loaded_at desc,
                    _row_number desc
            ) as _version_rank
        from {{ relation }}
    ) as ranked
    {%- if has_snapshots %}
    cross join (
        select max(case when _is_snapshot then _extract_date end) as newest_snapshot
        from {{ relation }}
    ) as snapshot_date
    left join (
        select distinct
            {{ keys }},
            true as _in_snapshot
        from {{ relation }}
        where
            _is_snapshot
            and _extract_date = (
                select max(_extract_date) from {{ relation }} where _is_snapshot
            )
    ) as in_snapshot
        on
        {%- for key in key_columns %}
            {% if not loop.first %}and {% endif %}ranked.{{ key }} = in_snapshot.{{ key }}
        {%- endfor %}
    {%- endif %}
    where
        ranked._version_rank = 1
        {%- if deleted_column %}
        and not coalesce(ranked.{{ deleted_column }}, false)
        {%- endif %}
{% endmacro %}
