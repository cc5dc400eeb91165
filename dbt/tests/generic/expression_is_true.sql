{#- Every row satisfies a boolean SQL expression (dbt_utils is not reachable from here). -#}
{% test expression_is_true(model, expression) %}

    select *
    from {{ model }}
    where not ({{ expression }})

{% endtest %}
