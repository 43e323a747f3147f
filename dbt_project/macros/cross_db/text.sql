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

{#- A number as text, by a Python format spec of one value: '.1f', '+.0f', ',.0f', '.2g',
    ',' (thousands). Fixed-point specs first round the value to 9 decimals: a mean of 91.45
    in exact arithmetic is 91.44999999999999 or 91.45000000000002 depending on the order
    of its sum (another engine, another thread count), and must read the same either way.
    DuckDB formats with fmt, which rounds the double's exact binary value (half to even only
    on exact ties: 0.125 is "0.12", 91.45 just above a tie is "91.5", 2.675 just below is
    "2.67"), as Python does (dashboards/charts.py). Spark's format_string rounds the
    shortest decimal form half up, so its twin rebuilds the exact value as a decimal (the
    integer part, plus the fraction, whose own shortest form shows the binary digits) and
    rounds that half to even, and writes fmt's "-0". -#}
{% macro format_number(value, spec) -%}
    {{ adapter.dispatch('format_number')(value, spec) }}
{%- endmacro %}
{% macro default__format_number(value, spec) -%}
    {%- if spec.endswith('f') -%}
        format('{:{{ spec }}}', round({{ value }}, 9))
    {%- else -%}
        format('{:{{ spec }}}', {{ value }})
    {%- endif -%}
{%- endmacro %}
{% macro spark__format_number(value, spec) -%}
    {#- null stays null (format_string writes "null", cut to the precision: "n") -#}
    case when {{ value }} is null then null else
    {%- if spec == ',' %}
        format_string('%,d', cast({{ value }} as bigint))
    {%- elif spec.endswith('f') %}
        {#- fmt keeps the sign of a negative number that rounds to zero ("-0") #}
        {%- set digits = spec.split('.')[1][:-1] %}
        {%- set exact = spark__exact_decimal('round(' ~ value ~ ', 9)') %}
        case
            when round({{ value }}, 9) < 0 and bround({{ exact }}, {{ digits }}) = 0
                then '-' || format_string('%.{{ digits }}f', cast(0 as double))
            else format_string('%{{ spec }}', cast(bround({{ exact }}, {{ digits }}) as double))
        end
    {%- elif spec == '.2g' %}
        {#- fmt's g: 2 significant digits, trailing zeros dropped, exponent from 1e-5; the
            decimals 1 − floor(log10 |x|) (0 to 5 below 100), each a literal for bround #}
        case
            when {{ value }} = 0 then '0'
            when abs({{ value }}) < 1e-4 then regexp_replace(
                format_string('%.1e', {{ value }}), '\\.?0*e', 'e')
            else regexp_replace(regexp_replace(
                case greatest(0, 1 - floor(log10(abs({{ value }}))))
                    {%- for digits in range(6) %}
                    when {{ digits }} then format_string('%.{{ digits }}f',
                        cast(bround({{ spark__exact_decimal(value) }}, {{ digits }}) as double))
                    {%- endfor %}
                end,
                '(\\.[0-9]*?)0+$', '$1'), '\\.$', '')
        end
    {%- else -%}
        {{ exceptions.raise_compiler_error('format_number: no Spark twin for ' ~ spec) }}
    {%- endif %}
    end
{%- endmacro %}

{#- A double's exact binary value as a DECIMAL (to 20 decimals): Spark casts a double to
    DECIMAL through its shortest decimal form, which hides on which side of a decimal tie
    the binary value lies (91.45 is 91.4500000000000028…); the fraction x − floor(x) is
    exact and its own shortest form shows those digits. -#}
{% macro spark__exact_decimal(value) -%}
    (cast(floor({{ value }}) as decimal(18, 0))
        + cast({{ value }} - floor({{ value }}) as decimal(38, 20)))
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

{#- Text percent-encoded for a URL's query, as DuckDB's url_encode writes it: every byte but
    letters, digits and - _ . ~ as %XX, a space as %20. Spark's url_encode is Java's form
    encoding (a space as +, * kept, ~ encoded), so its twin converts those three. -#}
{% macro url_encoded(text) -%}
    {{ adapter.dispatch('url_encoded')(text) }}
{%- endmacro %}
{% macro default__url_encoded(text) -%}
    url_encode({{ text }})
{%- endmacro %}
{% macro spark__url_encoded(text) -%}
    replace(replace(replace(url_encode({{ text }}), '+', '%20'), '*', '%2A'), '%7E', '~')
{%- endmacro %}
