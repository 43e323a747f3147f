{#- VADER's scalar_inc_dec (vaderSentiment 3.3.2): the push a booster or dampener word gives
    to a following lexicon word. `booster` is the word's scalar (+0.293 booster, -0.293
    dampener, null for other words); its sign follows the valence (negated for a negative
    valence); a booster in ALL CAPS in a text that is not all caps pushes 0.733 (C_INCR)
    more, away from zero (down when the valence is 0 or less, as VADER does). Used by
    int_turn_sentiment, where `is_cap_diff` is a column. -#}
{% macro vader_booster_push(booster, word_is_upper, valence) -%}
    case
        when {{ booster }} is null then 0.0::double
        else
            (case when {{ valence }} < 0 then -{{ booster }} else {{ booster }} end)
            + (case
                when {{ word_is_upper }} and is_cap_diff
                    then (case when {{ valence }} > 0 then 0.733::double else -0.733::double end)
                else 0.0::double
            end)
    end
{%- endmacro %}
