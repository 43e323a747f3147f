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

{#- c4(n) = sqrt(2 / (n − 1)) Γ(n / 2) / Γ((n − 1) / 2), to about 1e-16 for every n, so that
    1 − c4² (about 1 / (2n), the X̄–S chart's weights and the S chart's sigma) keeps its
    digits at large n. R qcc's form, exp(lgamma(n / 2) − lgamma((n − 1) / 2)), subtracts
    two numbers near n ln n: c4 off by up to 8e-11 and 1 − c4² by up to 1.5e-5 (relative) for
    n up to 50,000, and two engines' lgamma differ in those digits. Here: the exact values
    (17 digits) for n = 2..24; from 25 on the difference of the two Stirling series taken
    term by term with u = 1 / n (ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + S(x)), which leaves
    c4 = sqrt(n / (n − 1)) exp(−u + Σₖ≥₂ (u^(k−1) / 2k − u^k / k) + S(n / 2) − S((n − 1) / 2)),
    every term small. Null for n < 2. Checked against exact values
    (tests/unit/test_spc_constants.py). -#}
{% macro spc_c4(n) -%}
    {%- set size = 'cast(' ~ n ~ ' as double)' -%}
    {%- set u = '(1 / ' ~ size ~ ')' -%}
    (case when {{ n }} < 2 then null when {{ n }} < 25 then {{ spc_table([
        '0.7978845608028654', '0.886226925452758', '0.9213177319235613', '0.9399856029866251',
        '0.9515328619481446', '0.959368788699833', '0.9650304561473719', '0.9693106997139541',
        '0.9726592741215883', '0.9753500771452293', '0.9775593518547722', '0.9794056043142177',
        '0.9809714367555162', '0.9823161771626505', '0.9834835316158412', '0.9845064054718315',
        '0.985410043808079', '0.9862141368601935', '0.9869342675246553', '0.9875829288261564',
        '0.988170253315831', '0.9887045452339992', '0.9891926749585047'
    ], n) }}
    else sqrt({{ size }} / ({{ size }} - 1)) * exp(
        -{{ u }}
        {%- for k in range(2, 15) %}
        + (power({{ u }}, {{ k - 1 }}) / {{ 2 * k }} - power({{ u }}, {{ k }}) / {{ k }})
        {%- endfor %}
        + {{ spc_stirling_tail(size ~ ' / 2') }} - {{ spc_stirling_tail('(' ~ size ~ ' - 1) / 2') }})
    end)
{%- endmacro %}

{#- S(x) of Stirling's series ln Γ(x) = (x − ½) ln x − x + ½ ln 2π + S(x), to 1/x¹³: below
    1e-17 beyond it for x ≥ 12. -#}
{% macro spc_stirling_tail(x) -%}
    {%- set y = '(' ~ x ~ ')' -%}
    (1 / (12 * {{ y }}) - 1 / (360 * power({{ y }}, 3)) + 1 / (1260 * power({{ y }}, 5))
        - 1 / (1680 * power({{ y }}, 7)) + 1 / (1188 * power({{ y }}, 9))
        - 691 / (360360 * power({{ y }}, 11)) + 1 / (156 * power({{ y }}, 13)))
{%- endmacro %}

{#- A constant for subgroup sizes 2..25 (`values`, from n = 2; 25 for larger n; null for 1),
    as a CASE: the same SQL on DuckDB and Spark. -#}
{% macro spc_table(values, n) -%}
    (case least({{ n }}, 25)
        {%- for value in values %} when {{ loop.index + 1 }} then cast({{ value }} as double){% endfor %} end)
{%- endmacro %}

{#- |x − previous x| within a series stage: the moving range behind MR, I–MR and Laney σ_z. -#}
{% macro spc_moving_range(expression) -%}
    abs(({{ expression }}) - lag({{ expression }}) over (
        partition by series_id, stage order by subgroup_order
    ))
{%- endmacro %}
