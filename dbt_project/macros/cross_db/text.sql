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
