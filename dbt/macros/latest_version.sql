{#- The current version of each business key of a delta-loaded raw table: the latest extract
    wins, then the source's own modification time, then the later load and row of the file. -#}
{% macro latest_version(relation, key_columns, modified_column=none) %}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by
                    _extract_date desc,
                    {% if modified_column %}{{ modified_column }} desc nulls last,{% endif %}
                    _loaded_at desc,
                    _row_number desc
            ) as _version_rank
        from {{ relation }}
    ) as ranked
    where _version_rank = 1
{% endmacro %}
