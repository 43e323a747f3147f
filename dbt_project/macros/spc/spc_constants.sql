{#- Control-chart constants as SQL expressions of the subgroup size n, with the values
    R qcc uses: d2 from its 3-decimal table, d3 to 7 decimals, c4 exact. Plain Jinja, so
    `qm spc` renders the same macros outside dbt. -#}
{% macro spc_d2(n) -%}
    {{ spc_table([
        '1.128', '1.693', '2.059', '2.326', '2.534', '2.704', '2.847', '2.970', '3.078',
        '3.173', '3.258', '3.336', '3.407', '3.472', '3.532', '3.588', '3.640', '3.689',
        '3.735', '3.778', '3.819', '3.858', '3.895', '3.931'
    ], n) }}
{%- endmacro %}

{% macro spc_d3(n) -%}
    {{ spc_table([
        '0.8525033', '0.8883697', '0.8798108', '0.8640855', '0.8480442', '0.8332108',
        '0.8198378', '0.8078413', '0.7970584', '0.7873230', '0.7784873', '0.7704257',
        '0.7630330', '0.7562217', '0.7499188', '0.7440627', '0.7386021', '0.7334929',
        '0.7286980', '0.7241851', '0.7199267', '0.7158987', '0.7120802', '0.7084528'
    ], n) }}
{%- endmacro %}

{% macro spc_c4(n) -%}
    (sqrt(2 / cast({{ n }} - 1 as double)) * exp(
        {{ spc_lgamma('cast(' ~ n ~ ' as double) / 2') }}
        - {{ spc_lgamma('cast(' ~ n ~ ' - 1 as double) / 2') }}))
{%- endmacro %}

{#- A constant for subgroup sizes 2..25 (`values`, from n = 2; 25 for larger n; null for 1),
    as a CASE: the same SQL on DuckDB and Spark. -#}
{% macro spc_table(values, n) -%}
    (case least({{ n }}, 25)
        {%- for value in values %} when {{ loop.index + 1 }} then cast({{ value }} as double){% endfor %} end)
{%- endmacro %}

{#- ln Γ(x), x > 0. DuckDB's lgamma; Spark has none, so there: Stirling's series at x + 6
    (terms to 1/x¹¹, error below 1e-12) less ln(x(x+1)...(x+5)). -#}
{% macro spc_lgamma(x) -%}
    {%- if target is defined and target.type == 'spark' -%}
        {%- set y = '((' ~ x ~ ') + 6)' -%}
        (({{ y }} - 0.5) * ln({{ y }}) - {{ y }} + 0.91893853320467274178
            + 1 / (12 * {{ y }}) - 1 / (360 * pow({{ y }}, 3)) + 1 / (1260 * pow({{ y }}, 5))
            - 1 / (1680 * pow({{ y }}, 7)) + 1 / (1188 * pow({{ y }}, 9))
            - 691 / (360360 * pow({{ y }}, 11))
            - ln(({{ x }}) * (({{ x }}) + 1) * (({{ x }}) + 2) * (({{ x }}) + 3) * (({{ x }}) + 4)
                * (({{ x }}) + 5)))
    {%- else -%}
        lgamma({{ x }})
    {%- endif -%}
{%- endmacro %}

{#- |x − previous x| within a series stage: the moving range behind MR, I–MR and Laney σ_z. -#}
{% macro spc_moving_range(expression) -%}
    abs(({{ expression }}) - lag({{ expression }}) over (
        partition by series_id, stage order by subgroup_order
    ))
{%- endmacro %}
