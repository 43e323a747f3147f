"""Sentiment of every transcript turn with the semantics of VADER (vaderSentiment 3.3.2,
SentimentIntensityAnalyzer.polarity_scores), computed over all the words of a batch of turns
at once with pyarrow.compute and NumPy: no Python call per turn or per word.

The steps follow vaderSentiment.py:

- emojis: each emoji character becomes its description (vader_emoji); only the few turns that
  hold an emoji (found by one regular expression) are rewritten, with VADER's own loop;
- words: the text split on whitespace (Python's str.split(), which Arrow's
  utf8_split_whitespace matches); leading and trailing ASCII punctuation stripped unless that
  leaves two characters or fewer (emoticons such as ":)" survive). Every distinct token of the
  batch is looked up once (dictionary encoding): its stripped form, lower case, ALL CAPS flag,
  lexicon valence, booster scalar, negation flag and a code for the words the rules name;
  distinct tokens with non-ASCII characters use Python's str.lower / str.isupper, so case
  rules are Python's exactly;
- per lexicon word, with its neighbours read by position (shifted indices within the turn):
  "no", capitals (+/-0.733 for an ALL-CAPS word in a text that is not all caps), boosters and
  dampeners among the three words before (x1, x0.95, x0.9), negation (x-0.74; "never so/this"
  x1.25; "without doubt"), the special-case idioms and two-word dampeners, "least";
- "but": words before the first "but" x0.5, after it x1.5. VADER updates the *first* entry
  equal to the current value; a turn where two entries could be confused (equal values) is
  replayed with VADER's own loop, every other turn takes the plain rule;
- sums in word order per turn (as Python's sum), the punctuation emphasis (0.292 per "!" up to
  4; 2-3 "?" 0.18 each, more 0.96), compound x / sqrt(x^2 + 15), pos/neu/neg as VADER's
  _sift_sentiment_scores. Values are not rounded (VADER rounds to 4 and 3 decimals).

An empty or null text scores 0 everywhere. Turns are read and scored in batches, so memory
stays bounded whatever the number of turns. On Spark the turns stay distributed: each task
scores the Arrow batches of its own partition (mapInArrow) with the same batch function, and
nothing but the word lists reaches the driver.
"""

import string
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.spark.frames import is_spark_frame, local_relation

BATCH_TURNS = 500_000
# Constants of vaderSentiment.py 3.3.2
NEGATION_SCALAR = -0.74  # N_SCALAR
CAPS_INCREMENT = 0.733  # C_INCR
EXCLAMATION_INCREMENT = 0.292
QUESTION_INCREMENT = 0.18
QUESTION_FLOOD = 0.96
NORMALISATION_ALPHA = 15
# Words VADER's rules name, by code (index in this list).
RULE_WORDS = [
    "no", "but", "kind", "of", "or", "nor", "least", "at", "very",
    "never", "so", "this", "without", "doubt",
]  # fmt: skip
NO, BUT, KIND, OF, OR, NOR, LEAST, AT, VERY, NEVER, SO, THIS, WITHOUT, DOUBT = range(14)
# Python's string.punctuation (what _strip_punc_if_word strips).
PUNCTUATION = string.punctuation
# flags of a distinct word
IN_LEXICON, IS_BOOSTER, NEGATES, IS_UPPER = 1, 2, 4, 8


class Vocabulary:
    """VADER's lexicon and word lists (the reference seeds) as Arrow arrays."""

    def __init__(self, lexicon, boosters, negations, special_cases, emojis):
        self.lexicon_tokens = lexicon["token"].combine_chunks()
        self.lexicon_valences = np.append(lexicon["valence"].to_numpy(), np.nan)
        words = boosters["word"].to_pylist()
        scalars = boosters["scalar"].to_pylist()
        single = [(w, s) for w, s in zip(words, scalars, strict=True) if " " not in w]
        self.booster_words = pa.array([w for w, _ in single], pa.string())
        self.booster_scalars = np.append([s for _, s in single], np.nan)
        self.negation_words = negations["word"].combine_chunks()
        # every word of a multi-word idiom or booster gets a code after RULE_WORDS
        phrases = [
            (p.split(" "), v)
            for p, v in zip(
                special_cases["phrase"].to_pylist(),
                special_cases["valence"].to_pylist(),
                strict=True,
            )
        ]
        booster_phrases = [
            (w.split(" "), s) for w, s in zip(words, scalars, strict=True) if " " in w
        ]
        codes = list(RULE_WORDS)
        for parts, _ in phrases + booster_phrases:
            codes += [part for part in parts if part not in codes]
        self.code_words = pa.array(codes, pa.string())
        code = {word: index for index, word in enumerate(codes)}
        # single-word idioms ("badass") can never match VADER's two- and three-word sequences
        self.idioms = [([code[p] for p in parts], v) for parts, v in phrases if len(parts) > 1]
        self.booster_ngrams = [([code[p] for p in parts], s) for parts, s in booster_phrases]
        emoji_pairs = [
            (e, d)
            for e, d in zip(
                emojis["emoji"].to_pylist(), emojis["description"].to_pylist(), strict=True
            )
            if len(e) == 1  # VADER compares one character at a time
        ]
        self.emojis = dict(emoji_pairs)
        self.emoji_pattern = "[" + "".join(_re2_escape(e) for e, _ in emoji_pairs) + "]"


def _re2_escape(character):
    return "\\x{" + format(ord(character), "x") + "}"


def _replace_emojis(text, emojis):
    """VADER's emoji loop (polarity_scores), for the few turns that hold an emoji."""
    replaced = []
    previous_space = True
    for character in text:
        description = emojis.get(character)
        if description is None:
            replaced.append(character)
            previous_space = character == " "
        else:
            if not previous_space:
                replaced.append(" ")
            replaced.append(description)
            previous_space = False
    return "".join(replaced).strip()


def _word_properties(tokens, vocabulary):
    """Per distinct token: flags, lexicon valence index, booster index, rule-word code."""
    stripped = pc.utf8_trim(tokens, PUNCTUATION)
    words = pc.if_else(pc.less_equal(pc.utf8_length(stripped), 2), tokens, stripped)
    lower = pc.utf8_lower(words)
    is_upper = pc.utf8_is_upper(words).to_numpy(zero_copy_only=False)
    non_ascii = pc.invert(pc.string_is_ascii(words))
    if pc.any(non_ascii).as_py():
        # Python's case rules, exactly, where they differ from Unicode's simple mappings
        python_words = pc.filter(words, non_ascii).to_pylist()
        lower = pc.replace_with_mask(
            lower, non_ascii, pa.array([w.lower() for w in python_words], pa.string())
        )
        is_upper[np.asarray(non_ascii)] = [w.isupper() for w in python_words]
    lexicon_index = pc.index_in(lower, vocabulary.lexicon_tokens).fill_null(-1).to_numpy()
    booster_index = pc.index_in(lower, vocabulary.booster_words).fill_null(-1).to_numpy()
    negates = pc.or_(
        pc.is_in(lower, vocabulary.negation_words), pc.match_substring(lower, "n't")
    ).to_numpy(zero_copy_only=False)
    flags = (
        (lexicon_index >= 0) * IN_LEXICON
        + (booster_index >= 0) * IS_BOOSTER
        + negates * NEGATES
        + is_upper * IS_UPPER
    ).astype(np.uint8)
    code = pc.index_in(lower, vocabulary.code_words).fill_null(-1).to_numpy().astype(np.int8)
    return flags, lexicon_index, booster_index, code


def _replay_but(values, positions, but_position):
    """VADER's _but_check on one turn's nonzero valences (zeros never change)."""
    values = list(values)
    for k in range(len(values)):
        value = values[k]
        first = values.index(value)
        if positions[first] < but_position:
            values[first] = value * 0.5
        elif positions[first] > but_position:
            values[first] = value * 1.5
    return values


def _matches(sequence, table, size):
    """Whether a sequence of word codes is one of the table's phrases, and its value."""
    found = np.zeros(size, dtype=bool)
    value = np.zeros(size)
    for codes, phrase_value in table:
        if len(codes) == len(sequence):
            match = np.logical_and.reduce([s == c for s, c in zip(sequence, codes, strict=True)])
            value = np.where(match, phrase_value, value)
            found |= match
    return found, value


def _special_idioms(valence, vocabulary, code_0, code_b, code_a):
    """VADER's _special_idioms_check, at the third word before a lexicon word."""
    size = len(valence)
    one_zero = [code_b[1], code_0]
    two_one_zero = [code_b[2], code_b[1], code_0]
    two_one = [code_b[2], code_b[1]]
    three_two_one = [code_b[3], code_b[2], code_b[1]]
    three_two = [code_b[3], code_b[2]]
    # the first idiom ending at or just before the word ...
    matched = np.zeros(size, dtype=bool)
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        found, value = _matches(sequence, vocabulary.idioms, size)
        valence = np.where(found & ~matched, value, valence)
        matched |= found
    # ... then those starting at the word, each overriding
    for sequence in ([code_0, code_a[1]], [code_0, code_a[1], code_a[2]]):
        found, value = _matches(sequence, vocabulary.idioms, size)
        valence = np.where(found, value, valence)
    # two-word boosters and dampeners ("kind of", "sort of") before the word
    for sequence in (three_two_one, three_two, two_one):
        found, value = _matches(sequence, vocabulary.booster_ngrams, size)
        valence = np.where(found, valence + value, valence)
    return valence


def _but_collisions(valence, but_valence, turn, position, in_but_turn, but_position):
    """Replays _but_check exactly on the turns where VADER's list.index could pick another
    entry than the current one: a value equal to another entry's value before or after its
    update. Every other turn keeps the plain rule (x0.5 before "but", x1.5 after)."""
    entries = np.flatnonzero(in_but_turn)
    keys_turn = np.concatenate([turn[entries], turn[entries]])
    keys_value = np.concatenate([valence[entries], but_valence[entries]])
    order = np.lexsort((keys_value, keys_turn))
    keys_turn, keys_value = keys_turn[order], keys_value[order]
    duplicate = (keys_turn[1:] == keys_turn[:-1]) & (keys_value[1:] == keys_value[:-1])
    for replayed_turn in np.unique(keys_turn[1:][duplicate]):
        start = np.searchsorted(turn, replayed_turn)
        end = np.searchsorted(turn, replayed_turn, side="right")
        but_valence[start:end] = _replay_but(
            valence[start:end].tolist(), position[start:end].tolist(), but_position[replayed_turn]
        )
    return but_valence


def score_texts(texts, vocabulary):
    """compound, positive, negative, neutral and words_count (NumPy arrays) per text."""
    turns_count = len(texts)
    texts = pc.fill_null(texts.cast(pa.string()), "")
    # emojis become their descriptions
    non_ascii = np.flatnonzero(~pc.string_is_ascii(texts).to_numpy(zero_copy_only=False))
    if len(non_ascii):
        emoji_turns = non_ascii[
            pc.match_substring_regex(texts.take(non_ascii), vocabulary.emoji_pattern).to_numpy(
                zero_copy_only=False
            )
        ]
        if len(emoji_turns):
            replaced = [
                _replace_emojis(t, vocabulary.emojis) for t in texts.take(emoji_turns).to_pylist()
            ]
            has_emoji = np.zeros(turns_count, dtype=bool)
            has_emoji[emoji_turns] = True
            texts = pc.replace_with_mask(texts, has_emoji, pa.array(replaced, pa.string()))

    # words: one entry per token of the batch, properties looked up per distinct token
    # Arrow keeps an empty token for leading and trailing whitespace and for an empty text:
    # trimmed first (same whitespace as Python's), an empty text keeps one empty token that
    # is not counted as a word (it matches nothing).
    trimmed = pc.utf8_trim_whitespace(texts)
    token_lists = pc.utf8_split_whitespace(trimmed)
    offsets = token_lists.offsets.to_numpy().astype(np.int64)
    offsets = offsets - offsets[0]
    words_count = np.where(pc.utf8_length(trimmed).to_numpy() == 0, 0, np.diff(offsets))
    tokens = token_lists.flatten()
    encoded = pc.dictionary_encode(tokens)
    token_word = encoded.indices.to_numpy()
    flags_u, lexicon_u, booster_u, code_u = _word_properties(encoded.dictionary, vocabulary)
    flags = flags_u[token_word]
    code = code_u[token_word]
    tokens_count = len(token_word)

    # Per turn in one pass: ALL-CAPS words, "!" and "?" ("!" and "?" are never whitespace,
    # so the text's count is the sum over its tokens; each token's count is capped at 4,
    # which keeps what VADER reads: min(count, 4) and whether the count is 0-1, 2, 3 or > 3).
    exclamations_u = np.minimum(pc.count_substring(encoded.dictionary, "!").to_numpy(), 4)
    questions_u = np.minimum(pc.count_substring(encoded.dictionary, "?").to_numpy(), 4)
    packed_u = (
        ((flags_u & IS_UPPER) > 0)
        + (exclamations_u.astype(np.int64) << 21)
        + (questions_u.astype(np.int64) << 42)
    )
    cumulative = np.concatenate([[0], np.cumsum(packed_u[token_word])])
    packed = cumulative[offsets[1:]] - cumulative[offsets[:-1]]
    turn_counts = [(packed >> shift) & (2**21 - 1) for shift in (0, 21, 42)]
    # allcap_differential: some but not all words ALL CAPS
    upper_count = turn_counts[0]
    is_cap_diff = (upper_count > 0) & (upper_count < words_count)

    # the words VADER scores: in the lexicon, not a booster, not "kind" of "kind of"
    candidates = np.flatnonzero((flags & (IN_LEXICON | IS_BOOSTER)) == IN_LEXICON)
    turn = np.searchsorted(offsets, candidates, side="right") - 1
    position = candidates - offsets[turn]
    length = words_count[turn]
    has_next = position < length - 1
    next_index = np.minimum(candidates + 1, tokens_count - 1)
    keep = ~((code[candidates] == KIND) & has_next & (code[next_index] == OF))
    candidates, turn, position, length, has_next, next_index = (
        a[keep] for a in (candidates, turn, position, length, has_next, next_index)
    )
    cap_diff = is_cap_diff[turn]
    word = token_word[candidates]
    lexicon_valence = vocabulary.lexicon_valences[lexicon_u[word]]

    # neighbours: code, flags and booster scalar of the words 1-3 before and 1-2 after
    def neighbour(offset):
        index = np.clip(candidates + offset, 0, tokens_count - 1)
        exists = (position + offset >= 0) & (position + offset < length)
        return (
            exists,
            np.where(exists, code[index], -1),
            np.where(exists, flags[index], 0),
            index,
        )

    before = {d: neighbour(-d) for d in (1, 2, 3)}
    after = {d: neighbour(d) for d in (1, 2)}
    code_b = {d: before[d][1] for d in before}
    code_a = {d: after[d][1] for d in after}
    code_0 = code[candidates]

    # "no": a lexicon word after it scores 0 as "no"; a word after "no" is negated
    valence = np.where(
        (code_0 == NO) & has_next & ((flags[next_index] & IN_LEXICON) > 0), 0.0, lexicon_valence
    )
    after_no = (
        (code_b[1] == NO) | (code_b[2] == NO) | ((code_b[3] == NO) & np.isin(code_b[1], [OR, NOR]))
    )
    valence = np.where(after_no, lexicon_valence * NEGATION_SCALAR, valence)
    # capitals
    caps = ((flags[candidates] & IS_UPPER) > 0) & cap_diff
    valence = np.where(
        caps, np.where(valence > 0, valence + CAPS_INCREMENT, valence - CAPS_INCREMENT), valence
    )
    # the three words before, nearest first
    so_this = [SO, THIS]
    for distance, damping in ((1, None), (2, 0.95), (3, 0.9)):
        exists, neighbour_code, neighbour_flags, index = before[distance]
        applies = exists & ((neighbour_flags & IN_LEXICON) == 0)
        booster_scalar = vocabulary.booster_scalars[booster_u[token_word[index]]]
        scalar = np.where(valence < 0, -booster_scalar, booster_scalar) + np.where(
            ((neighbour_flags & IS_UPPER) > 0) & cap_diff,
            np.where(valence > 0, CAPS_INCREMENT, -CAPS_INCREMENT),
            0.0,
        )
        scalar = np.where(np.isnan(booster_scalar), 0.0, scalar)
        if damping is not None:
            scalar = scalar * damping
        boosted = valence + scalar
        negated = (neighbour_flags & NEGATES) > 0
        if distance == 1:
            checked = np.where(negated, boosted * NEGATION_SCALAR, boosted)
        elif distance == 2:
            never = (code_b[2] == NEVER) & np.isin(code_b[1], so_this)
            without = (code_b[2] == WITHOUT) & (code_b[1] == DOUBT)
            checked = np.where(
                never,
                boosted * 1.25,
                np.where(without, boosted, np.where(negated, boosted * NEGATION_SCALAR, boosted)),
            )
        else:
            never = ((code_b[3] == NEVER) & np.isin(code_b[2], so_this)) | np.isin(
                code_b[1], so_this
            )
            without = (code_b[3] == WITHOUT) & ((code_b[2] == DOUBT) | (code_b[1] == DOUBT))
            checked = np.where(
                never,
                boosted * 1.25,
                np.where(without, boosted, np.where(negated, boosted * NEGATION_SCALAR, boosted)),
            )
            checked = _special_idioms(checked, vocabulary, code_0, code_b, code_a)
        valence = np.where(applies, checked, valence)
    # "least" just before (not "at least", "very least")
    least = (code_b[1] == LEAST) & ((before[1][2] & IN_LEXICON) == 0)
    valence = np.where(
        least & ~((position > 1) & np.isin(code_b[2], [AT, VERY])),
        valence * NEGATION_SCALAR,
        valence,
    )

    # "but"
    but_tokens = np.flatnonzero(code == BUT)
    but_turns, first = np.unique(
        np.searchsorted(offsets, but_tokens, side="right") - 1, return_index=True
    )
    but_position = np.full(turns_count, -1, dtype=np.int64)
    but_position[but_turns] = but_tokens[first] - offsets[but_turns]
    nonzero = valence != 0
    valence, turn, position = valence[nonzero], turn[nonzero], position[nonzero]
    turn_but = but_position[turn]
    in_but_turn = turn_but >= 0
    factor = np.where(position < turn_but, 0.5, np.where(position > turn_but, 1.5, 1.0))
    but_valence = np.where(in_but_turn, valence * factor, valence)
    if in_but_turn.any():
        but_valence = _but_collisions(
            valence, but_valence, turn, position, in_but_turn, but_position
        )
    valence = but_valence

    # sums in word order, as VADER's sum and _sift_sentiment_scores
    sentiment_sum = np.zeros(turns_count)
    positive_sum = np.zeros(turns_count)
    negative_sum = np.zeros(turns_count)
    nonzero_count = np.bincount(turn, minlength=turns_count)
    if len(turn):
        starts = np.concatenate([[0], np.cumsum(nonzero_count)[:-1]])
        rank = np.arange(len(turn)) - starts[turn]
        order = np.argsort(rank, kind="stable")
        bounds = np.concatenate([[0], np.cumsum(np.bincount(rank))])
        for k in range(len(bounds) - 1):
            chosen = order[bounds[k] : bounds[k + 1]]
            chosen_turn, chosen_valence = turn[chosen], valence[chosen]
            sentiment_sum[chosen_turn] += chosen_valence
            positive = chosen_valence > 0
            positive_sum[chosen_turn[positive]] += chosen_valence[positive] + 1
            negative = chosen_valence < 0
            negative_sum[chosen_turn[negative]] += chosen_valence[negative] - 1
    neutral_count = words_count - nonzero_count

    # punctuation emphasis and scores (score_valence)
    exclamations = turn_counts[1]
    questions = turn_counts[2]
    emphasis = np.minimum(exclamations, 4) * EXCLAMATION_INCREMENT + np.where(
        questions > 3, QUESTION_FLOOD, np.where(questions > 1, questions * QUESTION_INCREMENT, 0.0)
    )
    emphasised = np.where(
        sentiment_sum > 0,
        sentiment_sum + emphasis,
        np.where(sentiment_sum < 0, sentiment_sum - emphasis, sentiment_sum),
    )
    compound = np.clip(
        emphasised / np.sqrt(emphasised * emphasised + NORMALISATION_ALPHA), -1.0, 1.0
    )
    absolute_negative = np.abs(negative_sum)
    more_positive = positive_sum > absolute_negative
    more_negative = positive_sum < absolute_negative
    positive_sum = np.where(more_positive, positive_sum + emphasis, positive_sum)
    negative_sum = np.where(more_negative, negative_sum - emphasis, negative_sum)
    total = positive_sum + np.abs(negative_sum) + neutral_count
    empty = words_count == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = {
            "compound": np.where(empty, 0.0, compound),
            "positive": np.where(empty, 0.0, np.abs(positive_sum / total)),
            "negative": np.where(empty, 0.0, np.abs(negative_sum / total)),
            "neutral": np.where(empty, 0.0, np.abs(neutral_count / total)),
        }
    scores["words_count"] = words_count
    return scores


def _scored_batch(batch, vocabulary):
    scores = score_texts(batch.column("turn_text"), vocabulary)
    return pa.RecordBatch.from_arrays(
        [
            batch.column("interaction_id"),
            batch.column("turn_index"),
            batch.column("speaker"),
            *(pa.array(scores[name], pa.float64()) for name in SCORE_COLUMNS),
            pa.array(scores["words_count"], pa.int64()),
        ],
        schema=OUTPUT_SCHEMA_FOR(batch.schema),
    )


SCORE_COLUMNS = ["compound", "positive", "negative", "neutral"]


def OUTPUT_SCHEMA_FOR(input_schema):  # noqa: N802
    return pa.schema(
        [
            input_schema.field("interaction_id"),
            input_schema.field("turn_index"),
            input_schema.field("speaker"),
            *(pa.field(name, pa.float64()) for name in SCORE_COLUMNS),
            pa.field("words_count", pa.int64()),
        ]
    )


def _batches(reader):
    """Batches of about BATCH_TURNS turns (DuckDB hands over smaller ones)."""
    pending, rows = [], 0
    for batch in reader:
        pending.append(batch)
        rows += batch.num_rows
        if rows >= BATCH_TURNS:
            yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]
            pending, rows = [], 0
    if pending:
        yield pa.Table.from_batches(pending).combine_chunks().to_batches()[0]


def scored_turns(reader, vocabulary, threads=2):
    """Scores the turns of an Arrow reader batch by batch, `threads` batches at a time (Arrow
    and NumPy release the GIL); at most `threads` batches are in memory besides the output."""
    output = []
    with ThreadPoolExecutor(max_workers=threads) as pool:
        running = []
        for batch in _batches(reader):
            if batch.num_rows == 0:
                continue
            running.append(pool.submit(_scored_batch, batch, vocabulary))
            if len(running) >= threads:
                output.append(running.pop(0).result())
        output += [future.result() for future in running]
    return output


def spark_scored_turns(turns, changed, vocabulary):
    """The same scores on Spark, where `turns` and `changed` are DataFrames: scored where the
    turns are, partition by partition (mapInArrow), batches of up to BATCH_TURNS."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema

    turns = turns.select("interaction_id", "turn_index", "speaker", "turn_text")
    if changed is not None:
        turns = turns.join(changed.select("interaction_id"), "interaction_id", "left_semi")
    output = OUTPUT_SCHEMA_FOR(to_arrow_schema(turns.schema))

    def score_partition(batches):
        for batch in _batches(batches):
            if batch.num_rows:
                yield _scored_batch(batch, vocabulary)

    return turns.mapInArrow(score_partition, from_arrow_schema(output))


def model(dbt, session):
    # The turns of the contacts this build redoes (int_changed_interactions; every turn on a
    # full build, where changed_since_load is -1); int_turn_sentiment, incremental, keeps
    # them all. (dbt-duckdb 1.11 cannot build a Python model incrementally: its temporary
    # table is made on a cursor the following SQL does not see.)
    incremental = int(dbt.config.get("changed_since_load")) >= 0
    # dbt finds a Python model's dependencies in literal dbt.ref calls: one per seed
    vocabulary = Vocabulary(
        local_relation(dbt.ref("vader_lexicon")).to_arrow_table(),
        local_relation(dbt.ref("vader_boosters")).to_arrow_table(),
        local_relation(dbt.ref("vader_negations")).to_arrow_table(),
        local_relation(dbt.ref("vader_special_cases")).to_arrow_table(),
        local_relation(dbt.ref("vader_emoji")).to_arrow_table(),
    )
    # The staged turns, not int_transcript_turns: the same turns (the ingest quarantines those
    # of unknown contacts), and sentiment then builds beside the match text, not after it.
    transcripts = dbt.ref("stg_transcripts")
    changed = dbt.ref("int_changed_interactions") if incremental else None
    if is_spark_frame(transcripts):
        return spark_scored_turns(transcripts, changed, vocabulary)
    turns = transcripts.project("interaction_id, turn_index, speaker, turn_text")
    if changed is not None:
        turns = turns.join(changed, "interaction_id", how="semi")
    reader = turns.to_arrow_reader(BATCH_TURNS)
    try:
        batches = scored_turns(reader, vocabulary)
    finally:
        reader.close()  # frees the query's buffers in DuckDB before the output is stored
    if not batches:
        empty = turns.limit(0).to_arrow_table()
        return pa.Table.from_batches([], schema=OUTPUT_SCHEMA_FOR(empty.schema))
    return pa.Table.from_batches(batches)
