{#- dbt-spark runs Python models only through Databricks submission methods, so on the spark
    target the project's Python models are disabled (dbt_project.yml) and c360.spark_build runs
    the same library code (c360.identity, c360.clv) on the Spark tables between dbt runs, writing
    each output as a table of the model's name and schema. `ref` to one of them then reads that
    table; every other ref, and every ref on DuckDB, is dbt's own. -#}
{% macro python_step_schemas() -%}
    {{ return({
        "int_identity_resolution": "intermediate",
        "int_customer_clv": "intermediate",
        "int_clv_holdout": "intermediate",
        "clv_fit_quality": "quality",
        "clv_holdout_calibration": "quality",
    }) }}
{%- endmacro %}

{% macro ref() -%}
    {%- set name = varargs[-1] if varargs else kwargs.get('model_name', kwargs.get('name')) -%}
    {%- set schemas = python_step_schemas() -%}
    {%- if target.type == 'spark' and name in schemas -%}
        {{ return(api.Relation.create(schema=schemas[name], identifier=name, type='table')) }}
    {%- endif -%}
    {{ return(builtins.ref(*varargs, **kwargs)) }}
{%- endmacro %}
