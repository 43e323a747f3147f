{#
  A reproducible pseudo-random number in [0, 1) for a key (an SQL expression) and a seed: the
  first 52 bits of md5('<seed>|<key>') divided by 2^52. The same seed and key give the same
  number in any run, on any machine, and in Python:
      int(hashlib.md5(f"{seed}|{key}".encode()).hexdigest()[:13], 16) / 2**52
  The evaluation queue draws its random starts and its order within a day with it (seed:
  var('scorecards').queue_seed).
#}
{% macro seeded_uniform(key, seed=none) -%}
    {%- set seed = var('scorecards')['queue_seed'] if seed is none else seed -%}
    (
        cast({{ hex_to_bigint(
            'left(' ~ dbt.hash(dbt.concat(["'" ~ seed ~ "|'", key])) ~ ', 13)'
        ) }} as double) / 4503599627370496.0
    )
{%- endmacro %}
