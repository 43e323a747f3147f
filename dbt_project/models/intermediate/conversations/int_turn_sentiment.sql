-- Sentiment of every transcript turn with the semantics of VADER (vaderSentiment 3.3.2,
-- SentimentIntensityAnalyzer.polarity_scores), computed over all turns at once: the text is
-- split into words once (one row per word), only the words found in the lexicon are scored,
-- and each looks at its neighbours by position in the turn's token list. The steps follow
-- vaderSentiment.py:
--   emojis      each emoji character becomes its description (vader_emoji)
--   words       split on whitespace; leading/trailing ASCII punctuation stripped unless
--               that leaves two characters or fewer (emoticons such as ":)" survive)
--   valence     lexicon valence of the lower-cased word; boosters and "kind" in "kind of"
--               score 0 themselves
--   "no"        "no" before a lexicon word scores 0; a word 1-2 words after "no" (or 3,
--               through "or"/"nor") has its valence times -0.74
--   capitals    an ALL-CAPS word in a text that is not all caps: +/-0.733
--   3 words before, nearest first (each only when that word is not in the lexicon):
--               booster/dampener +/-0.293 (x1, x0.95, x0.9 by distance; +/-0.733 more in
--               caps), then negation x-0.74 ("never so/this" x1.25, "without doubt" x1),
--               and at the third word the idioms (vader_special_cases) and the two-word
--               dampeners ("kind of", "sort of")
--   "least"     "least" before the word (not "at least", "very least"): x-0.74
--   "but"       words before the first "but" x0.5, after it x1.5 (VADER's list update,
--               including its first-equal-value quirk)
--   compound    sum, +/- punctuation emphasis (0.292 per "!" up to 4; 2-3 "?" 0.18 each,
--               more 0.96), then x / sqrt(x^2 + 15); pos/neu/neg as VADER's
--               _sift_sentiment_scores. Not rounded (VADER rounds to 4 and 3 decimals).
--               A sum that cancels out (|sum| < 1e-9) is 0; VADER's own float sum can leave
--               1e-16 there, which its punctuation emphasis inflates (the one known
--               difference; tests/integration/test_sentiment_reference.py).
-- An empty or null text scores 0 everywhere (VADER gives 0 for an empty text).
-- Macros: vader_word (_strip_punc_if_word), vader_booster_push (scalar_inc_dec).
{#- Constants of vaderSentiment.py 3.3.2 -#}
{%- set negation_scalar = '(-0.74)::double' -%}  {#- N_SCALAR -#}
{%- set caps_increment = '0.733::double' -%}  {#- C_INCR -#}
{%- set exclamation_increment = '0.292::double' -%}
{%- set question_increment = '0.18::double' -%}
{%- set question_flood = '0.96::double' -%}
{%- set normalisation_alpha = '15.0::double' -%}
{#- the characters Python's str.split() splits on -#}
{%- set whitespace = '\\t\\n\\x0b\\f\\r\\x1c-\\x1f \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}' %}

with turns as (
    select * from {{ ref('int_transcript_turns') }}
),

lexicon as (
    select * from {{ ref('vader_lexicon') }}
),

boosters as (
    select * from {{ ref('vader_boosters') }}
),

negations as (
    select * from {{ ref('vader_negations') }}
),

special_cases as (
    select * from {{ ref('vader_special_cases') }}
),

emojis as (
    -- VADER compares one character at a time: longer sequences never match.
    select * from {{ ref('vader_emoji') }}
    where length(emoji) = 1
),

turn_texts as (
    select
        interaction_id,
        turn_index,
        speaker,
        coalesce(turn_text, '') as turn_text,
    from turns
),

emoji_characters as (
    -- Only turns with a non-ASCII character can hold an emoji.
    select
        interaction_id,
        turn_index,
        unnest(characters) as character,
        generate_subscripts(characters, 1) as character_position,
    from (
        select
            interaction_id,
            turn_index,
            regexp_extract_all(turn_text, '(?s).') as characters,
        from turn_texts
        where regexp_matches(turn_text, '[^\x00-\x7f]')
    )
),

emoji_replaced as (
    -- An emoji becomes its description, after a space unless a space precedes it.
    select
        characters.interaction_id,
        characters.turn_index,
        string_agg(
            case
                when emojis.description is null then characters.character
                when characters.previous_character is null
                    or characters.previous_character = ' ' then emojis.description
                else ' ' || emojis.description
            end,
            ''
            order by characters.character_position
        ) as scored_text,
    from (
        select
            *,
            lag(character) over (
                partition by interaction_id, turn_index order by character_position
            ) as previous_character,
        from emoji_characters
    ) as characters
    left join emojis
        on characters.character = emojis.emoji
    group by characters.interaction_id, characters.turn_index
),

turn_tokens as materialized (
    -- Whitespace-separated tokens (Python's str.split()) and the punctuation emphasis.
    select
        turn_texts.interaction_id,
        turn_texts.turn_index,
        turn_texts.speaker,
        -- one integer key per turn: cheaper joins than (interaction_id, turn_index)
        row_number() over () as turn_key,
        coalesce(emoji_replaced.scored_text, turn_texts.turn_text) as text_to_score,
        -- Printable ASCII with single spaces (most turns) splits on ' ', the rest on runs of
        -- any whitespace Python knows.
        regexp_matches(text_to_score, '[^ -~]|  |^ | $|^$') as is_irregular_text,
        case
            when is_irregular_text then regexp_extract_all(text_to_score, '[^{{ whitespace }}]+')
            else string_split(text_to_score, ' ')
        end as tokens,
        -- For those regular turns, every token lower-cased and stripped of the punctuation at
        -- its ends in one pass over the text (one entry per token; '' for a token that is
        -- all punctuation).
        case
            when not is_irregular_text then string_split(
                regexp_replace(
                    ' ' || lower(text_to_score) || ' ',
                    '{{ vader_punctuation_class() }}* {{ vader_punctuation_class() }}*',
                    ' ',
                    'g'
                )[2:-2],
                ' '
            )
        end as stripped_lower_tokens,
        len(tokens) as words_count,
        strlen(text_to_score) - strlen(replace(text_to_score, '!', '')) as exclamation_count,
        strlen(text_to_score) - strlen(replace(text_to_score, '?', '')) as question_count,
        least(exclamation_count, 4) * {{ exclamation_increment }}
        + case
            when question_count > 3 then {{ question_flood }}
            when question_count > 1 then question_count * {{ question_increment }}
            else 0.0::double
        end as punctuation_emphasis,
    from turn_texts
    left join emoji_replaced
        on turn_texts.interaction_id = emoji_replaced.interaction_id
        and turn_texts.turn_index = emoji_replaced.turn_index
),

words as materialized (
    -- One row per word: VADER's _words_and_emoticons (computed once, read twice).
    select
        turn_key,
        word_position,
        case
            when stripped_lower_token is null then lower({{ vader_word('token') }})
            when length(stripped_lower_token) <= 2 then lower(token)
            else stripped_lower_token
        end as word_lower,
    from (
        select
            turn_key,
            unnest(tokens) as token,
            unnest(stripped_lower_tokens) as stripped_lower_token,
            generate_subscripts(tokens, 1) as word_position,
        from turn_tokens
    )
),

turn_word_flags as (
    -- allcap_differential: some words but not all are ALL CAPS (str.isupper: an upper-case
    -- letter and no lower-case one; stripping ASCII punctuation does not change it), read
    -- from the text; and the position of the first "but".
    select
        turn_tokens.turn_key,
        regexp_matches(
            turn_tokens.text_to_score,
            '(^|[{{ whitespace }}])[^{{ whitespace }}\p{Ll}\p{Lt}]*\p{Lu}[^{{ whitespace }}\p{Ll}\p{Lt}]*($|[{{ whitespace }}])'
        )
        and regexp_matches(
            turn_tokens.text_to_score,
            '[\p{Ll}\p{Lt}]|(^|[{{ whitespace }}])[^{{ whitespace }}\p{Lu}]+($|[{{ whitespace }}])'
        ) as is_cap_diff,
        coalesce(but_words.but_position, 0) as but_position,
    from turn_tokens
    left join (
        select turn_key, min(word_position) as but_position,
        from words
        where word_lower = 'but'
        group by turn_key
    ) as but_words
        on turn_tokens.turn_key = but_words.turn_key
),

lexicon_words as (
    -- The words VADER scores: in the lexicon, not a booster, not "kind" of "kind of".
    select
        words.turn_key,
        words.word_position,
        words.word_lower,
        lexicon.valence as lexicon_valence,
    from words
    inner join lexicon
        on words.word_lower = lexicon.token
    anti join boosters
        on words.word_lower = boosters.word
),

word_neighbours as (
    -- The tokens around a scored word, taken from the turn's token list.
    select
        lexicon_words.*,
        turn_word_flags.is_cap_diff,
        turn_word_flags.but_position,
        {%- for distance in [1, 2, 3] %}
        case
            when lexicon_words.word_position > {{ distance }}
                then turn_tokens.tokens[lexicon_words.word_position - {{ distance }}]
        end as previous_{{ distance }}_token,
        {%- endfor %}
        turn_tokens.tokens[lexicon_words.word_position] as word_token,
        turn_tokens.tokens[lexicon_words.word_position + 1] as next_1_token,
        turn_tokens.tokens[lexicon_words.word_position + 2] as next_2_token,
        {%- for neighbour, offset in [('previous_1', -1), ('previous_2', -2), ('previous_3', -3), ('next_1', 1), ('next_2', 2)] %}
        turn_tokens.stripped_lower_tokens[lexicon_words.word_position + ({{ offset }})]
            as {{ neighbour }}_stripped,
        {%- endfor %}
        turn_tokens.is_irregular_text,
    from lexicon_words
    inner join turn_tokens
        on lexicon_words.turn_key = turn_tokens.turn_key
    inner join turn_word_flags
        on lexicon_words.turn_key = turn_word_flags.turn_key
),

word_context as (
    select
        *,
        {%- for neighbour in ['previous_1', 'previous_2', 'previous_3', 'next_1', 'next_2'] %}
        case
            when {{ neighbour }}_token is null then null
            when is_irregular_text then lower({{ vader_word(neighbour ~ '_token') }})
            when length({{ neighbour }}_stripped) <= 2 then lower({{ neighbour }}_token)
            else {{ neighbour }}_stripped
        end as {{ neighbour }},
        {%- endfor %}
        -- str.isupper() of the word and the words before it
        regexp_full_match(word_token, '[^\p{Ll}\p{Lt}]*\p{Lu}[^\p{Ll}\p{Lt}]*') as is_upper,
        {%- for distance in [1, 2, 3] %}
        regexp_full_match(previous_{{ distance }}_token, '[^\p{Ll}\p{Lt}]*\p{Lu}[^\p{Ll}\p{Lt}]*')
            as previous_{{ distance }}_is_upper,
        {%- endfor %}
    from word_neighbours
    where not (word_lower = 'kind' and next_1 is not distinct from 'of')
),

word_lookups as (
    select
        word_context.*,
        next_1_lexicon.token is not null as next_1_in_lexicon,
        {%- for distance in [1, 2, 3] %}
        -- VADER looks at a preceding word only when there is one and it is not in the lexicon
        previous_{{ distance }} is not null and previous_{{ distance }}_lexicon.token is null
            as previous_{{ distance }}_applies,
        previous_{{ distance }}_booster.scalar as previous_{{ distance }}_booster,
        previous_{{ distance }}_negation.word is not null
            or contains(previous_{{ distance }}, 'n''t') as previous_{{ distance }}_negates,
        {%- endfor %}
        -- _special_idioms_check: the first idiom ending at or just before the word, then
        -- those starting at the word (each overriding)
        coalesce(
            idiom_1_0.valence,
            idiom_2_1_0.valence,
            idiom_2_1.valence,
            idiom_3_2_1.valence,
            idiom_3_2.valence
        ) as idiom_before,
        idiom_0_1.valence as idiom_0_1,
        idiom_0_1_2.valence as idiom_0_1_2,
        coalesce(ngram_3_2_1.scalar, 0.0)
        + coalesce(ngram_3_2.scalar, 0.0)
        + coalesce(ngram_2_1.scalar, 0.0) as ngram_booster,
    from word_context
    left join lexicon as next_1_lexicon
        on word_context.next_1 = next_1_lexicon.token
    {%- for distance in [1, 2, 3] %}
    left join lexicon as previous_{{ distance }}_lexicon
        on word_context.previous_{{ distance }} = previous_{{ distance }}_lexicon.token
    left join boosters as previous_{{ distance }}_booster
        on word_context.previous_{{ distance }} = previous_{{ distance }}_booster.word
    left join negations as previous_{{ distance }}_negation
        on word_context.previous_{{ distance }} = previous_{{ distance }}_negation.word
    {%- endfor %}
    left join special_cases as idiom_1_0
        on word_context.previous_1 || ' ' || word_context.word_lower = idiom_1_0.phrase
    left join special_cases as idiom_2_1_0
        on word_context.previous_2 || ' ' || word_context.previous_1 || ' '
        || word_context.word_lower = idiom_2_1_0.phrase
    left join special_cases as idiom_2_1
        on word_context.previous_2 || ' ' || word_context.previous_1 = idiom_2_1.phrase
    left join special_cases as idiom_3_2_1
        on word_context.previous_3 || ' ' || word_context.previous_2 || ' '
        || word_context.previous_1 = idiom_3_2_1.phrase
    left join special_cases as idiom_3_2
        on word_context.previous_3 || ' ' || word_context.previous_2 = idiom_3_2.phrase
    left join special_cases as idiom_0_1
        on word_context.word_lower || ' ' || word_context.next_1 = idiom_0_1.phrase
    left join special_cases as idiom_0_1_2
        on word_context.word_lower || ' ' || word_context.next_1 || ' '
        || word_context.next_2 = idiom_0_1_2.phrase
    left join boosters as ngram_3_2_1
        on word_context.previous_3 || ' ' || word_context.previous_2 || ' '
        || word_context.previous_1 = ngram_3_2_1.word
    left join boosters as ngram_3_2
        on word_context.previous_3 || ' ' || word_context.previous_2 = ngram_3_2.word
    left join boosters as ngram_2_1
        on word_context.previous_2 || ' ' || word_context.previous_1 = ngram_2_1.word
),

valence_after_no as (
    select
        *,
        case
            when previous_1 = 'no'
                or previous_2 = 'no'
                or (previous_3 = 'no' and previous_1 in ('or', 'nor'))
                then lexicon_valence * {{ negation_scalar }}
            when word_lower = 'no' and next_1_in_lexicon then 0.0::double
            else lexicon_valence
        end as valence_no,
    from word_lookups
),

valence_after_caps as (
    select
        *,
        case
            when is_upper and is_cap_diff
                then (case when valence_no > 0 then valence_no + {{ caps_increment }}
                    else valence_no - {{ caps_increment }} end)
            else valence_no
        end as valence_caps,
    from valence_after_no
),

valence_after_word_1 as (
    -- The nearest preceding word: booster, then negation.
    select
        *,
        case
            when not previous_1_applies then valence_caps
            when previous_1_negates
                then (valence_caps + {{ vader_booster_push('previous_1_booster', 'previous_1_is_upper', 'valence_caps') }})
                    * {{ negation_scalar }}
            else valence_caps + {{ vader_booster_push('previous_1_booster', 'previous_1_is_upper', 'valence_caps') }}
        end as valence_1,
    from valence_after_caps
),

valence_after_word_2 as (
    -- Two words before: booster x0.95, then "never so/this" x1.25, "without doubt", negation.
    select
        *,
        valence_1
        + {{ vader_booster_push('previous_2_booster', 'previous_2_is_upper', 'valence_1') }} * 0.95::double
            as valence_2_boosted,
        case
            when not previous_2_applies then valence_1
            when previous_2 = 'never' and previous_1 in ('so', 'this')
                then valence_2_boosted * 1.25::double
            when previous_2 = 'without' and previous_1 = 'doubt' then valence_2_boosted
            when previous_2_negates then valence_2_boosted * {{ negation_scalar }}
            else valence_2_boosted
        end as valence_2,
    from valence_after_word_1
),

valence_after_word_3 as (
    -- Three words before: booster x0.9, "never so/this" (or "so"/"this" just before) x1.25,
    -- "without doubt", negation; then the idioms and the two-word dampeners.
    select
        *,
        valence_2
        + {{ vader_booster_push('previous_3_booster', 'previous_3_is_upper', 'valence_2') }} * 0.9::double
            as valence_3_boosted,
        case
            when (previous_3 = 'never' and previous_2 in ('so', 'this'))
                or previous_1 in ('so', 'this')
                then valence_3_boosted * 1.25::double
            when previous_3 = 'without' and (previous_2 = 'doubt' or previous_1 = 'doubt')
                then valence_3_boosted
            when previous_3_negates then valence_3_boosted * {{ negation_scalar }}
            else valence_3_boosted
        end as valence_3_negated,
        case
            when not previous_3_applies then valence_2
            else coalesce(idiom_0_1_2, idiom_0_1, idiom_before, valence_3_negated) + ngram_booster
        end as valence_3,
    from valence_after_word_2
),

valence_after_least as (
    select
        *,
        case
            when previous_1 = 'least' and (word_position = 2 or previous_2 not in ('at', 'very'))
                then valence_3 * {{ negation_scalar }}
            else valence_3
        end as word_valence,
    from valence_after_word_3
),

but_turn_lists as (
    select
        turn_key,
        any_value(but_position) as but_position,
        list(word_position order by word_position) as positions,
        list(word_valence order by word_position) as valences,
    from valence_after_least
    where but_position > 0
    group by turn_key
),

but_turn_valences as (
    -- _but_check walks the turn's list of valences and updates the *first* entry equal to
    -- the current value: x0.5 when that entry is before "but", x1.5 after it. Replayed
    -- exactly (list_reduce) for the few turns with "but"; the rest keep their valences.
    select
        turn_key,
        positions,
        list_reduce(
            range(1, len(positions) + 1),
            lambda current, k: list_concat(
                current[1:list_position(current, current[k]) - 1],
                [
                    current[k] * case
                        when positions[list_position(current, current[k])] < but_position
                            then 0.5::double
                        when positions[list_position(current, current[k])] > but_position
                            then 1.5::double
                        else 1.0::double
                    end
                ],
                current[list_position(current, current[k]) + 1:]
            ),
            valences
        ) as valences,
    from but_turn_lists
),

final_word_valences as (
    select
        turn_key,
        word_position,
        word_valence,
    from valence_after_least
    where but_position = 0
    union all
    select
        turn_key,
        unnest(positions) as word_position,
        unnest(valences) as word_valence,
    from but_turn_valences
),

turn_sums as (
    select
        turn_key,
        sum(word_valence) as valence_sum,
        sum(word_valence + 1) filter (where word_valence > 0) as positive_valence_sum,
        sum(word_valence - 1) filter (where word_valence < 0) as negative_valence_sum,
        count(*) filter (where word_valence <> 0) as nonzero_words_count,
    from final_word_valences
    group by turn_key
),

turn_scores as (
    select
        turn_tokens.interaction_id,
        turn_tokens.turn_index,
        turn_tokens.speaker,
        turn_tokens.words_count,
        turn_tokens.punctuation_emphasis,
        coalesce(turn_sums.valence_sum, 0.0) as sentiment_sum,
        coalesce(turn_sums.positive_valence_sum, 0.0) as positive_sum,
        coalesce(turn_sums.negative_valence_sum, 0.0) as negative_sum,
        turn_tokens.words_count - coalesce(turn_sums.nonzero_words_count, 0) as neutral_count,
        -- Sums that cancel out are 0 (VADER sums in word order, a parallel sum need not:
        -- a remainder below 1e-9 is rounding, not sentiment).
        case
            when sentiment_sum > 1e-9 then sentiment_sum + punctuation_emphasis
            when sentiment_sum < -1e-9 then sentiment_sum - punctuation_emphasis
            else 0.0
        end as emphasised_sum,
        case
            when positive_sum - abs(negative_sum) > 1e-9 then positive_sum + punctuation_emphasis
            else positive_sum
        end as emphasised_positive,
        case
            when abs(negative_sum) - positive_sum > 1e-9 then negative_sum - punctuation_emphasis
            else negative_sum
        end as emphasised_negative,
        emphasised_positive + abs(emphasised_negative) + neutral_count as sift_total,
    from turn_tokens
    left join turn_sums
        on turn_tokens.turn_key = turn_sums.turn_key
),

final as (
    select
        interaction_id,
        turn_index,
        speaker,
        case
            when words_count = 0 then 0.0::double
            else greatest(-1.0, least(1.0,
                emphasised_sum / sqrt(emphasised_sum * emphasised_sum + {{ normalisation_alpha }})
            ))::double
        end as compound,
        case when words_count = 0 then 0.0 else abs(emphasised_positive / sift_total) end::double
            as positive,
        case when words_count = 0 then 0.0 else abs(emphasised_negative / sift_total) end::double
            as negative,
        case when words_count = 0 then 0.0 else abs(neutral_count / sift_total) end::double
            as neutral,
        words_count,
    from turn_scores
)

select * from final
