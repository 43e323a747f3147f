"""Transcripts built from the true behaviour of each contact: one template slot per turn,
chosen with array masks, so a million contacts need no Python loop per turn."""

from __future__ import annotations

import numpy as np
import pandas as pd

GREETINGS = [  # (before the agent's name, after it)
    ("Thank you for contacting Northwind, my name is ", ", how can I help you today?"),
    ("Hi, thanks for calling Northwind, my name is ", ". What can I do for you?"),
]
NO_GREETING = ["Yeah, go ahead.", "What's the problem?"]
DISCLOSURE = ["Before we start, this call may be recorded for quality and training purposes."]
OPENERS = {
    "billing": "I have a question about my last bill, it looks higher than usual.",
    "payment": "I want to make a payment but the website keeps failing.",
    "refund": "I was promised a refund two weeks ago and I still haven't got it.",
    "cancellation": "I'd like to cancel my contract please.",
    "upgrade": "I'm thinking about upgrading my plan.",
    "technical_support": "My router keeps dropping the connection every evening.",
    "password_reset": "I'm locked out of my account and need to reset my password.",
    "outage": "Is there an outage in my area? Nothing is working.",
    "order_status": "Can you tell me where my order is?",
    "address_change": "I've moved house and need to update my address.",
    "complaint": "I want to make a complaint, this is the third time I'm calling about this.",
    "general_enquiry": "I just have a quick question about your opening hours.",
}
IDENTITY = ["Can I ask you to confirm your full name and postcode please?"]
IDENTITY_ANSWER = ["Sure, it's all on the account.", "Yes, same as always."]
EMPATHY = [
    "I'm really sorry about that, I understand how frustrating this must be.",
    "I completely understand, let's get this sorted for you.",
]
NEUTRAL = ["Okay.", "Right, let me look."]
HOLD_ASK = ["May I place you on hold for a moment while I check that?"]
HOLD_NO_ASK = ["Hold on."]
HOLD_SYSTEM = ["[customer placed on hold]"]
FIXED = ["I've fixed that for you now, it should all be working.", "That's all sorted for you."]
NOT_FIXED = ["I can't fix that today, I'll raise a ticket.", "You'll need to call back next week."]
HAPPY = ["Brilliant, thank you so much!", "Great, that's really helpful, thanks."]
UNHAPPY = ["This is ridiculous, I'm not happy at all.", "So nothing is fixed again. Unbelievable."]
RESOLUTION_CHECK = ["Is there anything else I can help you with today?"]
RUDE = ["Look, I already told you, I can't do anything else. Stop wasting my time."]
CLOSING = ["Thanks for contacting Northwind, have a great day.", "Thanks for calling, take care."]

# Personal data the customers sometimes volunteer (to be redacted downstream).
PII_LINES = [  # (before a number, after it)
    ("My card number is 4539 1488 0343 6467 if you need it. Ref ", "."),
    ("You can email me at jane.doe", "@example.com."),
    ("Call me back on 07700 900", "."),
]


def _pick(rng: np.random.Generator, options: list[str], count: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), count)]


def _around(rng: np.random.Generator, templates: list[tuple[str, str]], middle: pd.Series):
    """Vectorised `before + middle + after` with a random template per row."""
    choice = rng.integers(0, len(templates), len(middle))
    before = pd.Series([templates[i][0] for i in range(len(templates))], dtype=object)[choice]
    after = pd.Series([templates[i][1] for i in range(len(templates))], dtype=object)[choice]
    return (before.to_numpy() + middle.to_numpy() + after.to_numpy()).astype(object)


def build_transcripts(
    rng: np.random.Generator, contacts: pd.DataFrame, agent_first_names: np.ndarray
) -> tuple[pd.DataFrame, int]:
    """One row per turn; returns the turns and how many carry personal data."""
    handled = contacts[~contacts["abandoned"]].reset_index(drop=True)
    count = len(handled)
    voice = (handled["channel"] == "voice").to_numpy()
    names = agent_first_names[handled["agent_index"].to_numpy()]
    greeting = _around(rng, GREETINGS, pd.Series(names, dtype=object))

    pii = rng.random(count) < 0.06
    numbers = pd.Series(rng.integers(0, 1000, int(pii.sum()))).astype(str).str.zfill(3)
    pii_text = _around(rng, PII_LINES, numbers)
    opener = handled["contact_reason"].map(OPENERS).to_numpy(dtype=object)
    opener[pii] = opener[pii] + " " + pii_text
    held = (handled["hold_count"] > 0).to_numpy()
    happy = (handled["resolved"] & ~handled["rude"]).to_numpy()

    g = {name: handled[name].to_numpy() for name in handled.columns}
    # (speaker, present mask, text array) in conversation order.
    slots = [
        ("agent", np.ones(count, bool), np.where(g["greeting"], greeting, _pick(rng, NO_GREETING, count))),
        ("agent", voice & g["disclosure"], _pick(rng, DISCLOSURE, count)),
        ("customer", np.ones(count, bool), opener),
        ("agent", g["identity"], _pick(rng, IDENTITY, count)),
        ("customer", g["identity"], _pick(rng, IDENTITY_ANSWER, count)),
        ("agent", np.ones(count, bool), np.where(g["empathy"] >= 3, _pick(rng, EMPATHY, count), _pick(rng, NEUTRAL, count))),
        ("agent", held, np.where(g["hold_permission"], _pick(rng, HOLD_ASK, count), _pick(rng, HOLD_NO_ASK, count))),
        ("system", held, _pick(rng, HOLD_SYSTEM, count)),
        ("agent", np.ones(count, bool), np.where(g["resolved"], _pick(rng, FIXED, count), _pick(rng, NOT_FIXED, count))),
        ("agent", g["rude"], _pick(rng, RUDE, count)),
        ("customer", np.ones(count, bool), np.where(happy, _pick(rng, HAPPY, count), _pick(rng, UNHAPPY, count))),
        ("agent", g["resolution_check"], _pick(rng, RESOLUTION_CHECK, count)),
        ("agent", g["closing"], _pick(rng, CLOSING, count)),
    ]  # fmt: skip
    contact_index, speakers, texts = [], [], []
    for speaker, present, text in slots:
        rows = np.nonzero(present)[0]
        contact_index.append(rows)
        speakers.append(np.full(len(rows), speaker, dtype=object))
        texts.append(text[rows])
    contact_index = np.concatenate(contact_index)
    order = np.argsort(contact_index, kind="stable")  # slots were appended in turn order
    turns = pd.DataFrame(
        {
            "contact": contact_index[order],
            "speaker": np.concatenate(speakers)[order],
            "text": np.concatenate(texts)[order],
        }
    )
    turns["turn_index"] = turns.groupby("contact").cumcount()
    duration = rng.integers(2000, 15000, len(turns))
    turns["end_offset_ms"] = pd.Series(duration).groupby(turns["contact"]).cumsum().to_numpy()
    turns["begin_offset_ms"] = turns["end_offset_ms"] - duration
    turns["interaction_id"] = handled["interaction_id"].to_numpy()[turns["contact"].to_numpy()]
    columns = [
        "interaction_id",
        "turn_index",
        "speaker",
        "begin_offset_ms",
        "end_offset_ms",
        "text",
    ]
    return turns[columns], int(pii.sum())
