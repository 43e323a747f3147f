"""Turn sentiment (int_turn_sentiment, scored by the dbt Python model
int_turn_sentiment_changed) against the reference, vaderSentiment 3.3.2.

The expected values come from the package itself (SentimentIntensityAnalyzer.polarity_scores
on the same text): hand-written sentences that exercise each of VADER's rules, VADER's own demo
sentences, the real contact-centre text of the Amazon Connect Contact Lens samples
(tests/fixtures/amazon_connect) and the generated transcripts of the published sample
warehouse. Our compound is not rounded; VADER rounds it to 4 decimals, so a turn agrees when
the two differ by at most 1e-4. Signs are compared exactly (after rounding ours to 4 decimals
like VADER), which is stricter than VADER's +/-0.05 neutral band.
"""

from __future__ import annotations

import csv
import json
import math
import os
import random
import statistics
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from vaderSentiment import vaderSentiment as vader

REPO_ROOT = Path(__file__).resolve().parents[2]
DBT_PROJECT = REPO_ROOT / "dbt_project"
SEEDS = DBT_PROJECT / "seeds"
AMAZON_CONNECT = Path(__file__).resolve().parents[1] / "fixtures" / "amazon_connect"
VADER_SEEDS = [
    "vader_lexicon",
    "vader_emoji",
    "vader_negations",
    "vader_boosters",
    "vader_special_cases",
]
# A turn agrees with VADER when the compounds differ by no more than VADER's rounding.
TOLERANCE = 1e-4

# One or more sentences per VADER rule (vaderSentiment.py 3.3.2), named by the rule.
RULE_SENTENCES = {
    "lexicon word": ["The service was good.", "That is a terrible answer."],
    "negation, next word": ["The service was not good.", "It isn't helpful."],
    "negation, two and three words before": [
        "I never said it was bad.",
        "It was not a good call.",
        "Nothing about this was very pleasant.",
    ],
    "negation with n't and a curly apostrophe (not a negation for VADER)": [
        "I don't like it.",
        "I don’t like it.",
        "It doesnt work and I cant log in.",
    ],
    "never so / never this": [
        "This is never so good.",
        "It has never been this good!",
        "Sentiment analysis has never been good.",
    ],
    "without doubt": ["Without a doubt, excellent idea.", "Without doubt excellent."],
    "boosters and dampeners by distance": [
        "The agent was very helpful.",
        "The agent was extremely very helpful.",
        "The agent was really quite helpful.",
        "The agent was slightly helpful.",
        "It is barely acceptable.",
        "The refund was very bad.",
    ],
    "kind of / sort of": [
        "The agent was kind of helpful.",
        "The book was only kind of good.",
        "It was sort of rude.",
        "The agent was kind.",
        "It was kinda annoying.",
    ],
    "capitals": [
        "The agent was VERY helpful.",
        "The agent was HELPFUL and quick.",
        "THIS IS GREAT",
        "Today SUX!",
        "NO good at all",
        "I am NOT happy",
    ],
    "but": [
        "The plot was good, but the characters are uncompelling.",
        "Good but bad",
        "The staff were nice and the food was okay but the wait was long.",
        # VADER's list update changes the first entry equal to the current value: "nice"
        # (1.8, halved to 0.9) takes the x0.5 meant for nothing and "okay" (0.9) keeps 0.9
        "The staff were nice but the food was okay.",
        "I liked it BUT it broke, but whatever.",
    ],
    "least": [
        "The least helpful agent I have spoken to.",
        "At least it works.",
        "At the very least helpful.",
        "least helpful",
    ],
    "no": [
        "No problem.",
        "No, it was fine.",
        "There is no good answer.",
        "no no no",
        "I have no or bad options",
        "no",
    ],
    "special cases and idioms": [
        "yeah right, that will work",
        "That song is the bomb",
        "It was the kiss of death for us",
        "With VADER, sentiment analysis is the shit!",
        "Not such a badass after all.",
        "I waited at the bus stop happily",
    ],
    "exclamation marks": ["Thanks!", "Thanks!!!", "Thanks!!!!!!!", "It is broken!!"],
    "question marks": [
        "Really?",
        "Why is this broken??",
        "Why is this broken???",
        "Why is this broken?????",
        "Is it good?!?",
    ],
    "emoticons": ["Great :)", "that is sad :(", ":-) ok", "Make sure you :) or :D today!", "<3"],
    "emojis": ["Thanks 😀", "ok😡", "Catch utf-8 emoji such as 💘 and 💋 and 😁"],
    "punctuation stripping": [
        "My card is [CARD], thanks!",
        "'good' \"bad\" (great)",
        "...fine... ok... :-( ",
        "It's-good",
    ],
    "whitespace": ["good\u00a0bad", "great\u2003stuff", "  good\tday\nsir  ", "x\x1cgood"],
    "neutral and empty": ["Please hold.", "", "   ", "12345", "!!!"],
}

# The demo sentences of vaderSentiment.py's __main__ (its own examples of each rule).
VADER_DEMO_SENTENCES = [
    "VADER is smart, handsome, and funny.",
    "VADER is smart, handsome, and funny!",
    "VADER is very smart, handsome, and funny.",
    "VADER is VERY SMART, handsome, and FUNNY.",
    "VADER is VERY SMART, handsome, and FUNNY!!!",
    "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "VADER is not smart, handsome, nor funny.",
    "The book was good.",
    "At least it isn't a horrible book.",
    "The book was only kind of good.",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Today SUX!",
    "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!",
    "Catch utf-8 emoji such as 💘 and 💋 and 😁",
    "Not bad at all",
    "Sentiment analysis has never been good.",
    "Sentiment analysis has never been this good!",
    "Most automated sentiment analysis tools are shit.",
    "With VADER, sentiment analysis is the shit!",
    "Other sentiment analysis tools can be quite bad.",
    "On the other hand, VADER is quite bad ass",
    "VADER is such a badass!",
    "Without a doubt, excellent idea.",
    "Roger Dodger is one of the most compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Not such a badass after all.",
    "Without a doubt, an excellent idea.",
    "It was one of the worst movies I've seen, despite good reviews.",
    "Unbelievably bad acting!!",
    "Poor direction.",
    "VERY poor production.",
    "The movie was bad.",
    "Very bad movie.",
    "VERY BAD movie!",
]


def random_sentences(count: int, seed: int = 18) -> list[str]:
    """Sentences drawn from VADER's own vocabulary with random capitals, punctuation and
    separators: every rule meets every other rule, in combinations no one would write."""
    chooser = random.Random(seed)
    analyzer = vader.SentimentIntensityAnalyzer()
    vocabulary = [
        *"good bad great terrible happy sad no not never so this but least at very kind of".split(),
        *"sort without doubt or nor the bomb yeah right bus stop I it was is nothing kinda".split(),
        *["isn't", "don't", ":)", ":(", ":-)", "<3", "😀", "😡", "[CARD]"],
        *chooser.sample(vader.NEGATE, 20),
        *chooser.sample(sorted(vader.BOOSTER_DICT), 30),
        *chooser.sample(sorted(analyzer.lexicon), 200),
    ]
    marks = ["", "", "", ".", ",", "!", "?", "!!", "??", "...", '"', "'"]
    sentences = []
    for _ in range(count):
        words = []
        for _ in range(chooser.randint(0, 14)):
            word = chooser.choice(vocabulary)
            shape = chooser.random()
            word = word.upper() if shape < 0.1 else word.capitalize() if shape < 0.15 else word
            if chooser.random() < 0.2:
                word = chooser.choice(marks) + word
            if chooser.random() < 0.3:
                word = word + chooser.choice(marks)
            words.append(word)
        sentences.append(chooser.choice([" "] * 8 + ["  ", "\t", "\u00a0"]).join(words))
    return sentences


def amazon_connect_turns() -> list[tuple[str, str, str]]:
    """(interaction, speaker, text) of every message of the two Contact Lens samples."""
    turns = []
    chat = json.loads((AMAZON_CONNECT / "contact-lens-chat.json").read_text())
    for item in chat["Transcript"]:
        if item.get("Type") == "MESSAGE" and item.get("Content"):
            turns.append(("AC-CHAT", item["ParticipantRole"].lower(), item["Content"]))
    voice = json.loads((AMAZON_CONNECT / "contact-lens-voice.repaired.json").read_text())
    for item in voice["Transcript"]:
        turns.append(("AC-VOICE", item["ParticipantId"].lower(), item["Content"]))
    return turns


def vader_compound(analyzer: vader.SentimentIntensityAnalyzer, text: str | None) -> float:
    return 0.0 if text is None else analyzer.polarity_scores(text)["compound"]


def sign(value: float) -> int:
    return (value > 0) - (value < 0)


def agreement(pairs: list[tuple[float, float]]) -> dict:
    """Pearson r, share with the same sign and share within TOLERANCE of (ours, VADER's)."""
    ours = [pair[0] for pair in pairs]
    reference = [pair[1] for pair in pairs]
    return {
        "pearson": statistics.correlation(ours, reference),
        "same_sign": sum(sign(round(o, 4)) == sign(r) for o, r in pairs) / len(pairs),
        "within_tolerance": sum(abs(o - r) <= TOLERANCE for o, r in pairs) / len(pairs),
    }


def run_dbt(*arguments: str, warehouse: Path, workdir: Path) -> None:
    dbt = Path(sys.executable).with_name("dbt")
    completed = subprocess.run(
        [
            str(dbt),
            *arguments,
            "--target-path",
            str(workdir / "target"),
            "--log-path",
            str(workdir / "logs"),
            "--profiles-dir",
            ".",
        ],
        cwd=DBT_PROJECT,
        env={**os.environ, "QM_BUILD_WAREHOUSE": str(warehouse)},
        capture_output=True,
        text=True,
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]


@pytest.fixture(scope="module")
def scored_texts(tmp_path_factory) -> dict[tuple[str, int], tuple[str | None, float]]:
    """Hand-written, demo and Amazon Connect turns scored by a real dbt build.

    The turns are written into `staging.stg_transcripts` of an empty DuckDB file (the
    model's only input); dbt loads the VADER seeds and builds int_turn_sentiment (scored by
    int_turn_sentiment_changed, the Python model) with
    its data tests. Returns (interaction, turn_index) -> (text, compound).
    """
    workdir = tmp_path_factory.mktemp("sentiment")
    warehouse = workdir / "qm.build.duckdb"
    rows: list[tuple[str, int, str, str | None]] = []
    for rule, sentences in RULE_SENTENCES.items():
        rows += [(f"RULE {rule}", index, "customer", text) for index, text in enumerate(sentences)]
    rows += [
        ("VADER-DEMO", index, "customer", text) for index, text in enumerate(VADER_DEMO_SENTENCES)
    ]
    rows.append(("NULL-TEXT", 0, "customer", None))
    rows += [
        ("RANDOM", index, "customer", text) for index, text in enumerate(random_sentences(3000))
    ]
    for index, (interaction, speaker, text) in enumerate(amazon_connect_turns()):
        rows.append((interaction, index, speaker, text))
    with duckdb.connect(str(warehouse)) as connection:
        connection.execute("create schema staging")
        connection.execute(
            "create table staging.stg_transcripts (interaction_id varchar,"
            " turn_index integer, speaker varchar, turn_text varchar)"
        )
        connection.executemany("insert into staging.stg_transcripts values (?, ?, ?, ?)", rows)
    run_dbt(
        "build",
        "--select",
        *VADER_SEEDS,
        "int_turn_sentiment_changed",
        "int_turn_sentiment",
        warehouse=warehouse,
        workdir=workdir,
    )
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        scored = connection.execute(
            "select turns.interaction_id, turns.turn_index, turns.turn_text, sentiment.compound"
            " from staging.stg_transcripts as turns"
            " inner join intermediate.int_turn_sentiment as sentiment"
            " using (interaction_id, turn_index)"
        ).fetchall()
    assert len(scored) == len(rows)
    return {(interaction, index): (text, compound) for interaction, index, text, compound in scored}


def test_vader_seeds_equal_the_installed_package_data():
    """The seeds are VADER's own data: a drift from the installed package shows here."""

    def read(seed: str) -> list[list[str]]:
        with (SEEDS / f"{seed}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))[1:]

    analyzer = vader.SentimentIntensityAnalyzer()
    assert {token: float(valence) for token, valence in read("vader_lexicon")} == analyzer.lexicon
    assert dict(read("vader_emoji")) == analyzer.emojis
    assert [word for (word,) in read("vader_negations")] == vader.NEGATE
    assert {word: float(scalar) for word, scalar in read("vader_boosters")} == vader.BOOSTER_DICT
    assert {
        phrase: float(value) for phrase, value in read("vader_special_cases")
    } == vader.SPECIAL_CASES


@pytest.mark.slow
def test_seeds_load_every_token_as_text(scored_texts, tmp_path_factory):
    """Tokens such as ':)', "'" or '0' arrive in the warehouse as they are in the package."""
    warehouse = next(tmp_path_factory.getbasetemp().glob("sentiment*/qm.build.duckdb"))
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        loaded = dict(
            connection.execute("select token, valence from reference.vader_lexicon").fetchall()
        )
        types = dict(
            connection.execute(
                "select column_name, data_type from information_schema.columns"
                " where table_schema = 'reference' and table_name = 'vader_lexicon'"
            ).fetchall()
        )
    assert types == {"token": "VARCHAR", "valence": "DOUBLE"}
    assert loaded == vader.SentimentIntensityAnalyzer().lexicon


@pytest.mark.slow
@pytest.mark.parametrize("rule", list(RULE_SENTENCES))
def test_each_vader_rule_gives_vaders_compound(scored_texts, rule):
    analyzer = vader.SentimentIntensityAnalyzer()
    for index, sentence in enumerate(RULE_SENTENCES[rule]):
        text, compound = scored_texts[(f"RULE {rule}", index)]
        assert text == sentence
        expected = vader_compound(analyzer, sentence)
        assert compound == pytest.approx(expected, abs=TOLERANCE), f"{sentence!r}"


@pytest.mark.slow
def test_vader_demo_sentences_give_vaders_compound(scored_texts):
    analyzer = vader.SentimentIntensityAnalyzer()
    mismatches = [
        (sentence, compound, vader_compound(analyzer, sentence))
        for (interaction, _), (sentence, compound) in scored_texts.items()
        if interaction == "VADER-DEMO"
        and abs(compound - vader_compound(analyzer, sentence)) > TOLERANCE
    ]
    assert mismatches == []


@pytest.mark.slow
def test_random_sentences_agree_with_vader(scored_texts):
    """Random sentences from VADER's vocabulary with random capitals, punctuation and
    separators: every one agrees, floating-point quirks included (valences are summed in
    word order, as VADER sums them)."""
    analyzer = vader.SentimentIntensityAnalyzer()
    pairs = [
        (text, compound, vader_compound(analyzer, text))
        for (interaction, _), (text, compound) in scored_texts.items()
        if interaction == "RANDOM"
    ]
    mismatches = [pair for pair in pairs if abs(pair[1] - pair[2]) > TOLERANCE]
    assert len(pairs) == 3000
    assert mismatches == []


@pytest.mark.slow
def test_null_text_scores_zero(scored_texts):
    """VADER cannot score None; a missing text is neutral, like VADER's empty text."""
    assert scored_texts[("NULL-TEXT", 0)] == (None, 0.0)
    assert vader.SentimentIntensityAnalyzer().polarity_scores("")["compound"] == 0.0


@pytest.mark.slow
def test_amazon_connect_turns_agree_with_vader(scored_texts):
    """The real chat and voice text of the Contact Lens samples (issue 18 acceptance)."""
    analyzer = vader.SentimentIntensityAnalyzer()
    pairs = [
        (compound, vader_compound(analyzer, text))
        for (interaction, _), (text, compound) in scored_texts.items()
        if interaction.startswith("AC-")
    ]
    assert len(pairs) == len(amazon_connect_turns()) >= 40
    result = agreement(pairs)
    assert result["pearson"] >= 0.95, result
    assert result["same_sign"] >= 0.95, result
    assert result["within_tolerance"] >= 0.99, result


@pytest.mark.slow
def test_generated_turns_agree_with_vader(warehouse):
    """Every turn of the published generated sample against vaderSentiment on its text."""
    rows = warehouse.execute(
        "select turns.turn_text, sentiment.compound"
        " from intermediate.int_transcript_turns as turns"
        " inner join intermediate.int_turn_sentiment as sentiment"
        " using (interaction_id, turn_index)"
    ).fetchall()
    turns_count = warehouse.execute(
        "select count(*) from intermediate.int_transcript_turns"
    ).fetchall()[0][0]
    assert len(rows) == turns_count > 1000
    analyzer = vader.SentimentIntensityAnalyzer()
    reference = {text: vader_compound(analyzer, text) for text in {text for text, _ in rows}}
    result = agreement([(compound, reference[text]) for text, compound in rows])
    assert result["pearson"] >= 0.95, result
    assert result["same_sign"] >= 0.95, result
    assert result["within_tolerance"] >= 0.99, result
    assert not any(math.isnan(compound) for _, compound in rows)
