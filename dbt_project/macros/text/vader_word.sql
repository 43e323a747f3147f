{#- VADER's _strip_punc_if_word (vaderSentiment 3.3.2): a whitespace-separated token without
    its leading and trailing ASCII punctuation (Python's string.punctuation), unless that
    leaves two characters or fewer, then the token as it is (so emoticons such as ":)" and
    ":-(" survive). Regular expressions rather than trim(token, characters), which is
    ten times slower in DuckDB; tokens without punctuation at either end skip the replace. Used by int_turn_sentiment. -#}
{% macro vader_word(token) -%}
    {%- set stripped -%}
        regexp_replace({{ token }}, '^{{ vader_punctuation_class() }}+|{{ vader_punctuation_class() }}+$', '', 'g')
    {%- endset -%}
    case
        when not regexp_matches({{ token }}, '^{{ vader_punctuation_class() }}|{{ vader_punctuation_class() }}$')
            then {{ token }}
        when length({{ stripped }}) <= 2 then {{ token }}
        else {{ stripped }}
    end
{%- endmacro %}

{#- Python's string.punctuation as a regular-expression character class (inside a SQL
    string literal: the quote is doubled). -#}
{% macro vader_punctuation_class() -%}
    [!"#$%&''()*+,\-./:;<=>?@\[\\\]^_`{|}~]
{%- endmacro %}
