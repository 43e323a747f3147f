{#- Text functions that DuckDB and Spark name or call differently. -#}

{#- Every match of `pattern` in `text` replaced (DuckDB needs the 'g' flag, Spark replaces
    every match by default and reads a fourth argument as a position). -#}
{% macro regexp_replace_all(text, pattern, replacement) -%}
    {{ adapter.dispatch('regexp_replace_all')(text, pattern, replacement) }}
{%- endmacro %}
{% macro default__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}
{% macro spark__regexp_replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{#- Whether `pattern` matches anywhere in `text`. -#}
{% macro regexp_found(text, pattern) -%}
    {{ adapter.dispatch('regexp_found')(text, pattern) }}
{%- endmacro %}
{% macro default__regexp_found(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}
{% macro spark__regexp_found(text, pattern) -%}
    regexp({{ text }}, {{ pattern }})
{%- endmacro %}

{#- The longest word of space-separated words (the first of equally long ones). -#}
{% macro longest_word(words) -%}
    {{ adapter.dispatch('longest_word')(words) }}
{%- endmacro %}
{% macro default__longest_word(words) -%}
    list_reduce(
        split(trim({{ words }}), ' '),
        lambda longest, word: if(length(word) > length(longest), word, longest)
    )
{%- endmacro %}
{% macro spark__longest_word(words) -%}
    reduce(
        split(trim({{ words }}), ' '), '',
        (longest, word) -> if(length(word) > length(longest), word, longest)
    )
{%- endmacro %}

{#- A hexadecimal text of at most 15 digits (a prefix of an md5) as a bigint. -#}
{% macro hex_to_bigint(hex_text) -%}
    {{ adapter.dispatch('hex_to_bigint')(hex_text) }}
{%- endmacro %}
{% macro default__hex_to_bigint(hex_text) -%}
    cast(cast('0x' || {{ hex_text }} as ubigint) as bigint)
{%- endmacro %}
{% macro spark__hex_to_bigint(hex_text) -%}
    cast(conv({{ hex_text }}, 16, 10) as bigint)
{%- endmacro %}

{#- The ISO year of a date (the year its ISO week belongs to). -#}
{% macro iso_year(date) -%}
    {{ adapter.dispatch('iso_year')(date) }}
{%- endmacro %}
{% macro default__iso_year(date) -%}
    isoyear({{ date }})
{%- endmacro %}
{% macro spark__iso_year(date) -%}
    extract(yearofweek from {{ date }})
{%- endmacro %}

{#- The most frequent value of a group, the lowest of equally frequent ones. -#}
{% macro mode_lowest(expression) -%}
    {{ adapter.dispatch('mode_lowest')(expression) }}
{%- endmacro %}
{% macro default__mode_lowest(expression) -%}
    mode({{ expression }} order by {{ expression }})
{%- endmacro %}
{% macro spark__mode_lowest(expression) -%}
    mode({{ expression }}, true)
{%- endmacro %}

{#- A hint that a CTE is not to be materialized (DuckDB; Spark has no such hint). -#}
{% macro not_materialized() -%}
    {{ adapter.dispatch('not_materialized')() }}
{%- endmacro %}
{% macro default__not_materialized() -%}not materialized{%- endmacro %}
{% macro spark__not_materialized() -%}{%- endmacro %}

{#- Microseconds since 1970-01-01 00:00 of a timestamp. -#}
{% macro epoch_microseconds(timestamp) -%}
    {{ adapter.dispatch('epoch_microseconds')(timestamp) }}
{%- endmacro %}
{% macro default__epoch_microseconds(timestamp) -%}
    epoch_us({{ timestamp }})
{%- endmacro %}
{% macro spark__epoch_microseconds(timestamp) -%}
    unix_micros({{ timestamp }})
{%- endmacro %}

{#- A number as text, by a Python format spec of one value: '.1f', '+.0f', '.2g', ','
    (thousands). DuckDB formats with fmt, which rounds half to even; Spark's format_string
    rounds half up, so its twin rounds half to even (bround) first, and writes fmt's "-0". -#}
{% macro format_number(value, spec) -%}
    {{ adapter.dispatch('format_number')(value, spec) }}
{%- endmacro %}
{% macro default__format_number(value, spec) -%}
    format('{:{{ spec }}}', {{ value }})
{%- endmacro %}
{% macro spark__format_number(value, spec) -%}
    {%- if spec == ',' -%}
        format_string('%,d', cast({{ value }} as bigint))
    {%- elif spec.endswith('f') -%}
        {#- fmt keeps the sign of a negative number that rounds to zero ("-0") -#}
        {%- set digits = spec.split('.')[1][:-1] -%}
        case
            when {{ value }} < 0 and bround({{ value }}, {{ digits }}) = 0
                then '-' || format_string('%.{{ digits }}f', cast(0 as double))
            else format_string('%{{ spec }}', bround({{ value }}, {{ digits }}))
        end
    {%- elif spec == '.2g' -%}
        {#- fmt's g: 2 significant digits, trailing zeros dropped, exponent from 1e-5 -#}
        case
            when {{ value }} = 0 then '0'
            when abs({{ value }}) < 1e-4 then regexp_replace(
                format_string('%.1e', {{ value }}), '\\.?0*e', 'e')
            else regexp_replace(regexp_replace(
                format_string('%.' || greatest(0, 1 - floor(log10(abs({{ value }})))) || 'f',
                    {{ value }}),
                '(\\.[0-9]*?)0+$', '$1'), '\\.$', '')
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error('format_number: no Spark twin for ' ~ spec) }}
    {%- endif -%}
{%- endmacro %}

{#- A date or timestamp as text, by a strftime pattern of those used here. -#}
{% macro format_date(value, pattern) -%}
    {{ adapter.dispatch('format_date')(value, pattern) }}
{%- endmacro %}
{% macro default__format_date(value, pattern) -%}
    strftime({{ value }}, '{{ pattern }}')
{%- endmacro %}
{% macro spark__format_date(value, pattern) -%}
    {%- set java = {'%-d %b': 'd MMM', '%Y-%m-%d': 'yyyy-MM-dd', '%-d %b %Y': 'd MMM yyyy',
        '%b %Y': 'MMM yyyy'} -%}
    date_format({{ value }}, '{{ java[pattern] }}')
{%- endmacro %}
