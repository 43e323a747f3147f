{#- The SPC engine's entry point: every chart as rows of
    (series_id, stage, chart, subgroup_order, subgroup, n, value, center, lcl, ucl, sigma,
    in_baseline). dbt marts and `qm spc` both call this macro. -#}
{% macro spc_chart(
    source, chart, nsigmas=3, sigma_method='mr', ewma_lambda=0.2, cusum_k=0.5, cusum_h=5,
    target=none, sigma=none
) %}
    {%- if chart in ('p', 'np', 'c', 'u') -%}
        {{ spc_attribute_chart(source, chart, nsigmas) }}
    {%- elif chart in ('laney_p', 'laney_u') -%}
        {{ spc_laney_chart(source, chart, nsigmas) }}
    {%- elif chart == 'xbar_r' -%}
        {{ spc_xbar_chart(source, 'r', nsigmas) }}
    {%- elif chart == 'xbar_s' -%}
        {{ spc_xbar_chart(source, 's', nsigmas) }}
    {%- elif chart == 'imr' -%}
        {{ spc_imr_chart(source, nsigmas, sigma_method) }}
    {%- elif chart == 'ewma' -%}
        {{ spc_ewma_chart(source, ewma_lambda, nsigmas, target, sigma) }}
    {%- elif chart == 'cusum' -%}
        {{ spc_cusum_chart(source, cusum_k, cusum_h, target, sigma) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unknown SPC chart " ~ chart) }}
    {%- endif -%}
{% endmacro %}
