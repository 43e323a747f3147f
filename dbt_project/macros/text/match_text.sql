{#- Text as phrase lists match it: lower case, curly apostrophes straightened, every run of
    characters other than letters, digits and apostrophes turned into one space, padded with a
    space at both ends. A phrase normalised the same way matches on whole words with
    `contains(match_text(text), match_text(phrase))`: "hold" matches "on hold." but not
    "holder". Used by the conversation cues, the friction flags and the machine-scoring rules. -#}
{% macro match_text(expression) -%}
    (' ' || trim({{ regexp_replace_all(
        "replace(lower(" ~ expression ~ "), '’', '''')", "'[^a-z0-9'']+'", "' '") }}) || ' ')
{%- endmacro %}
