{#- A sample spread (`stddev_samp`, `var_samp`) rounded to 12 decimals, so that values equal
    in exact arithmetic have no spread. Scores and means are floating-point sums, and DuckDB
    sums in an order that depends on its threads: two evaluations with the same score can
    differ in the last bit, a spread of 1e-14 instead of 0, and "no spread" decides what a
    page says (an interval of width 0, "too few evaluations to tell", a Welch test without
    degrees of freedom). One value: NULL, as the function gives. -#}
{% macro sample_spread(function, expression) -%}
    round({{ function }}({{ expression }}), 12)
{%- endmacro %}
