"""Transcripts built from the true behaviour of each contact, and that truth per contact.

One template slot per turn, chosen with array masks, so a million contacts need no Python
loop per turn. Besides the agent behaviours the scorecard asks about, each contact carries
friction (escalation requests, the customer repeating themselves, transfers, dead air) and
emotion cues (anger, frustration, confusion, gratitude) planted with known truth: their
chances rise with what really went wrong (unresolved, a rude agent, a long hold, a transfer),
the same drivers CSAT is drawn from, so friction and CSAT correlate as in a real centre.
`build_transcripts` returns the turns and one truth row per handled contact
(`ground_truth_interactions.parquet`).
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

GREETINGS = [  # (before the agent's name, after it)
    ("Thank you for contacting Northwind, my name is ", ", how can I help you today?"),
    ("Hi, thanks for calling Northwind, my name is ", ". What can I do for you?"),
]
NO_GREETING = ["Yeah, go ahead.", "What's the problem?"]
DISCLOSURE = ["Before we start, this call may be recorded for quality and training purposes."]
# The customer's reason for the contact, free of friction and emotion cues (those are planted
# on their own, with known truth).
OPENERS = {
    "billing": "I have a question about my last bill, it looks higher than usual.",
    "payment": "I want to make a payment but the website keeps failing.",
    "refund": "I was promised a refund two weeks ago and it hasn't arrived.",
    "cancellation": "My contract ends next month and I'd like to cancel it.",
    "upgrade": "I'm thinking about upgrading my plan.",
    "technical_support": "My router keeps dropping the connection every evening.",
    "password_reset": "I'm locked out of my account and need to reset my password.",
    "outage": "Is there an outage in my area? Nothing is working.",
    "order_status": "Can you tell me where my order is?",
    "address_change": "I've moved house and need to update my address.",
    "complaint": "I'd like to complain about the engineer who came out yesterday.",
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
RESOLUTION_CHECK = ["Is there anything else I can help you with today?"]
RUDE = ["Look, I already told you, I can't do anything else. Stop wasting my time."]
CLOSING = ["Thanks for contacting Northwind, have a great day.", "Thanks for calling, take care."]

# The customer's last turn: (text, the emotion cues it carries). Positive endings score above 0
# and negative ones below 0 with VADER; every negative ending voices frustration.
HAPPY = [
    ("Brilliant, thank you so much!", ("gratitude",)),
    ("Great, that's really helpful, thanks.", ("gratitude",)),
    ("Lovely, thanks a lot for your help.", ("gratitude",)),
    ("Perfect, that's exactly what I needed, thank you.", ("gratitude",)),
    ("Great, that works for me.", ()),
]
UNHAPPY = [
    ("This is ridiculous, I'm not happy at all.", ("anger", "frustration")),
    ("That's not good enough, I'm really disappointed.", ("frustration",)),
    ("That doesn't help me at all, I'm disappointed.", ("frustration",)),
]
# Emotion cues the customer voices during the contact, several phrasings each.
EMOTION_LINES = {
    "anger": [
        "I'm absolutely furious about this.",
        "This makes me so angry, honestly.",
        "I'm livid, this is outrageous.",
    ],
    "frustration": [
        "This is so frustrating, I've tried everything.",
        "I'm fed up with this, it keeps happening.",
        "Honestly, I'm sick of chasing this.",
    ],
    "confusion": [
        "Sorry, I'm confused, what does that mean?",
        "I don't understand why this happened.",
        "I'm not sure I follow, can you explain that again?",
    ],
    "gratitude": [
        "Thank you, I really appreciate you looking into it.",
        "Thanks, I appreciate the help.",
    ],
}
EMOTIONS = ("anger", "frustration", "confusion", "gratitude")
ESCALATION = [
    "Can I speak to a manager?",
    "I want to escalate this.",
    "Put me through to your supervisor, please.",
    "I'd like to speak to someone more senior about this.",
]
REPETITION = ["As I said, ", "Like I said before, ", "I'll say it again: "]  # + the opener
# The agent's answer to an escalation request or before a transfer (no scorecard phrase).
ESCALATION_ANSWER = "There's no supervisor free right now, I'll log your request for a call back."
TRANSFER_ANSWER = "Let me transfer you to the team that handles this."
ESCALATION_TRANSFER_ANSWER = "I'll put you through to a supervisor now."
TRANSFER_TO_SUPERVISOR = "[transferred to a supervisor]"
TRANSFER_TO_QUEUE = "[transferred to the {queue} team]"

# Personal data the customers sometimes volunteer (to be redacted downstream).
PII_LINES = [  # (before a number, after it)
    ("My card number is 4539 1488 0343 6467 if you need it. Ref ", "."),
    ("You can email me at jane.doe", "@example.com."),
    ("Call me back on 07700 900", "."),
]
SPOKEN_CARD = [  # (before the spoken digits, after them)
    ("The card on the account is ", "."),
    ("Okay, the long number is ", ", expiry next year."),
]
DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

# Chances of each planted cue: a base plus what each true driver adds.
LONG_HOLD_SECONDS = 120  # the same threshold the CSAT draw uses
CUE_CHANCES = {  # cue → (base, unresolved, rude agent, long hold, transferred)
    "escalation_request": (0.01, 0.10, 0.30, 0.05, 0.10),
    "repetition": (0.03, 0.12, 0.10, 0.04, 0.06),
    "dead_air": (0.03, 0.06, 0.02, 0.04, 0.0),  # voice only
    "anger": (0.005, 0.05, 0.30, 0.02, 0.02),
    "frustration": (0.02, 0.15, 0.10, 0.10, 0.08),
    "confusion": (0.05, 0.05, 0.05, 0.0, 0.03),
    "gratitude": (0.06, -0.04, -0.05, 0.0, 0.0),  # said during the contact
}
SPOKEN_CARD_SHARE = 0.04  # of voice contacts
WRITTEN_PII_SHARE = 0.06
TURN_MS = (2000, 15000)  # how long a turn lasts
VOICE_GAP_MS = (100, 1500)  # the pause between two turns of a call
WRITTEN_GAP_MS = (1000, 20000)  # chat and email: typing time, never dead air
DEAD_AIR_MS = (12000, 40000)  # one silent gap before the agent's answer


def _pick(rng: np.random.Generator, options: list[str], count: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), count)]


def _around(rng: np.random.Generator, templates: list[tuple[str, str]], middle: pd.Series):
    """Vectorised `before + middle + after` with a random template per row."""
    choice = rng.integers(0, len(templates), len(middle))
    before = np.array([template[0] for template in templates], dtype=object)[choice]
    after = np.array([template[1] for template in templates], dtype=object)[choice]
    return (before + middle.to_numpy() + after).astype(object)


def _restated(opener: str, prefix: str) -> str:
    """The opener said again after a prefix: "As I said, my router ..." (not "as I said, i")."""
    keeps_capital = opener.startswith(("I ", "I'"))
    return prefix + (opener if keeps_capital else opener[0].lower() + opener[1:])


def spoken_card_numbers(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Luhn-valid 16-digit Visa-like numbers, as digits and spoken word by word ("oh" or "zero"
    for 0)."""
    digits = np.empty((count, 16), dtype=np.int64)
    digits[:, 0] = 4
    digits[:, 1:15] = rng.integers(0, 10, (count, 14))
    doubled = digits[:, 0:15:2] * 2  # from the right, every second digit before the check one
    luhn_sum = (doubled - 9 * (doubled > 9)).sum(axis=1) + digits[:, 1:15:2].sum(axis=1)
    digits[:, 15] = (10 - luhn_sum % 10) % 10
    zero_word = np.where(rng.random(count) < 0.7, "oh", "zero").astype(object)
    words = np.array(DIGIT_WORDS, dtype=object)
    columns = [np.where(digits[:, i] == 0, zero_word, words[digits[:, i]]) for i in range(16)]
    spoken = functools.reduce(lambda left, right: left + " " + right, columns)
    return digits, spoken


def _scatter(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """`values` (one per True of `mask`) placed at the mask's rows of a full-length array."""
    full = np.empty(len(mask), dtype=object)
    full[mask] = values
    return full


def _chance(cue: str, drivers: dict[str, np.ndarray]) -> np.ndarray:
    base, unresolved, rude, long_hold, transferred = CUE_CHANCES[cue]
    return (
        base
        + unresolved * drivers["unresolved"]
        + rude * drivers["rude"]
        + long_hold * drivers["long_hold"]
        + transferred * drivers["transferred"]
    )


def build_transcripts(
    rng: np.random.Generator, contacts: pd.DataFrame, agent_first_names: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """One row per turn, one truth row per handled contact, and how many turns carry
    personal data."""
    handled = contacts[~contacts["abandoned"]].reset_index(drop=True)
    count = len(handled)
    every = np.ones(count, bool)
    used = ["interaction_id", "agent_index", "channel", "queue", "contact_reason", "hold_count",
            "hold_seconds", "transfer_count", "resolved", "rude", "empathy", "greeting",
            "disclosure", "identity", "hold_permission", "resolution_check", "closing"]  # fmt: skip
    g = {name: handled[name].to_numpy() for name in used}
    voice = g["channel"] == "voice"
    held = g["hold_count"] > 0
    happy = g["resolved"] & ~g["rude"]
    drivers = {
        "unresolved": ~g["resolved"],
        "rude": g["rude"],
        "long_hold": g["hold_seconds"] > LONG_HOLD_SECONDS,
        "transferred": g["transfer_count"] > 0,
    }
    planted = {cue: rng.random(count) < _chance(cue, drivers) for cue in CUE_CHANCES}
    planted["dead_air"] &= voice
    escalation, transferred = planted["escalation_request"], drivers["transferred"]

    names = agent_first_names[g["agent_index"]]
    greeting = _around(rng, GREETINGS, pd.Series(names, dtype=object))
    written_pii = rng.random(count) < WRITTEN_PII_SHARE
    numbers = pd.Series(rng.integers(0, 1000, int(written_pii.sum()))).astype(str).str.zfill(3)
    opener = handled["contact_reason"].map(OPENERS).to_numpy(dtype=object)
    opener_with_pii = opener.copy()
    opener_with_pii[written_pii] = opener[written_pii] + " " + _around(rng, PII_LINES, numbers)
    spoken_pii = voice & (rng.random(count) < SPOKEN_CARD_SHARE)
    _, spoken = spoken_card_numbers(rng, int(spoken_pii.sum()))
    spoken_card = _around(rng, SPOKEN_CARD, pd.Series(spoken, dtype=object))
    restatements = np.array(
        [[_restated(text, prefix) for prefix in REPETITION] for text in OPENERS.values()],
        dtype=object,
    )
    reason_index = pd.Index(list(OPENERS)).get_indexer(g["contact_reason"])
    restated = restatements[reason_index, rng.integers(0, len(REPETITION), count)]

    ending_happy = rng.integers(0, len(HAPPY), count)
    ending_unhappy = rng.integers(0, len(UNHAPPY), count)
    ending = np.where(
        happy,
        np.array([text for text, _ in HAPPY], dtype=object)[ending_happy],
        np.array([text for text, _ in UNHAPPY], dtype=object)[ending_unhappy],
    )
    ending_cues = {
        cue: np.where(
            happy,
            np.array([cue in cues for _, cues in HAPPY])[ending_happy],
            np.array([cue in cues for _, cues in UNHAPPY])[ending_unhappy],
        )
        for cue in EMOTIONS
    }
    agent_answer = np.where(
        escalation & transferred,
        ESCALATION_TRANSFER_ANSWER,
        np.where(transferred, TRANSFER_ANSWER, ESCALATION_ANSWER),
    ).astype(object)
    transfer_to = np.where(
        escalation,
        TRANSFER_TO_SUPERVISOR,
        pd.Series(g["queue"]).map(
            {queue: TRANSFER_TO_QUEUE.format(queue=queue) for queue in set(g["queue"])}
        ),
    ).astype(object)

    def emotion(cue: str) -> tuple[str, str, np.ndarray, np.ndarray]:
        return "customer", cue, planted[cue], _pick(rng, EMOTION_LINES[cue], count)

    # (speaker, slot, present mask, text array) in conversation order.
    slots = [
        ("agent", "greeting", every, np.where(g["greeting"], greeting, _pick(rng, NO_GREETING, count))),
        ("agent", "disclosure", voice & g["disclosure"], _pick(rng, DISCLOSURE, count)),
        ("customer", "opener", every, opener_with_pii),
        ("agent", "identity", g["identity"], _pick(rng, IDENTITY, count)),
        ("customer", "identity_answer", g["identity"], _pick(rng, IDENTITY_ANSWER, count)),
        ("agent", "empathy", every, np.where(g["empathy"] >= 3, _pick(rng, EMPATHY, count), _pick(rng, NEUTRAL, count))),
        ("customer", "spoken_card", spoken_pii, _scatter(spoken_card, spoken_pii)),
        emotion("gratitude"),
        emotion("confusion"),
        emotion("frustration"),
        ("agent", "hold_ask", held, np.where(g["hold_permission"], _pick(rng, HOLD_ASK, count), _pick(rng, HOLD_NO_ASK, count))),
        ("system", "hold", held, _pick(rng, HOLD_SYSTEM, count)),
        ("customer", "repetition", planted["repetition"], restated),
        emotion("anger"),
        ("customer", "escalation", escalation, _pick(rng, ESCALATION, count)),
        ("agent", "escalation_answer", escalation | transferred, agent_answer),
        ("system", "transfer", transferred, transfer_to),
        ("agent", "outcome", every, np.where(g["resolved"], _pick(rng, FIXED, count), _pick(rng, NOT_FIXED, count))),
        ("agent", "rude", g["rude"], _pick(rng, RUDE, count)),
        ("customer", "ending", every, ending),
        ("agent", "resolution_check", g["resolution_check"], _pick(rng, RESOLUTION_CHECK, count)),
        ("agent", "closing", g["closing"], _pick(rng, CLOSING, count)),
    ]  # fmt: skip
    slot_names = [slot for _, slot, _, _ in slots]
    contact_index, slot_ids, texts = [], [], []
    for slot_id, (_, _, present, text) in enumerate(slots):
        rows = np.nonzero(present)[0]
        contact_index.append(rows)
        slot_ids.append(np.full(len(rows), slot_id, dtype=np.int8))
        texts.append(text[rows])
    contact_index = np.concatenate(contact_index)
    order = np.argsort(contact_index, kind="stable")  # slots were appended in turn order
    contact = contact_index[order]
    slot_id = np.concatenate(slot_ids)[order]
    turns = pd.DataFrame(
        {
            "contact": contact,
            "speaker": np.array([speaker for speaker, *_ in slots], dtype=object)[slot_id],
            "text": np.concatenate(texts)[order],
        }
    )
    first = np.r_[True, contact[1:] != contact[:-1]]  # the first turn of each contact
    position = np.arange(len(contact))
    turns["turn_index"] = position - np.maximum.accumulate(np.where(first, position, 0))

    # Offsets: a short gap before every turn, one long silence before the agent's answer in
    # dead-air calls; a hold lasts as long as the contact's hold time.
    turn_voice = voice[contact]
    duration = rng.integers(*TURN_MS, len(contact))
    hold_turn = slot_id == slot_names.index("hold")
    duration[hold_turn] = g["hold_seconds"][contact[hold_turn]].astype(np.int64) * 1000
    gap = np.where(
        turn_voice,
        rng.integers(*VOICE_GAP_MS, len(contact)),
        rng.integers(*WRITTEN_GAP_MS, len(contact)),
    )
    dead_air_ms = np.zeros(count, np.int64)
    dead_air_ms[planted["dead_air"]] = rng.integers(*DEAD_AIR_MS, int(planted["dead_air"].sum()))
    silent = (slot_id == slot_names.index("outcome")) & planted["dead_air"][contact]
    gap[silent] = dead_air_ms[contact[silent]]
    elapsed = np.cumsum(gap + duration)
    contact_start = (elapsed - gap - duration)[first]  # elapsed before each contact's first turn
    turns["end_offset_ms"] = elapsed - np.repeat(
        contact_start, np.diff(np.r_[np.nonzero(first)[0], len(contact)])
    )
    turns["begin_offset_ms"] = turns["end_offset_ms"].to_numpy() - duration
    turns["interaction_id"] = g["interaction_id"][contact]

    pii_per_contact = written_pii.astype(np.int64) + spoken_pii
    truth = pd.DataFrame(
        {
            "interaction_id": g["interaction_id"],
            "channel": g["channel"],
            "greeting": g["greeting"],
            "recording_disclosure": pd.array(g["disclosure"], dtype="boolean"),
            "identity_check": g["identity"],
            "empathy": g["empathy"].astype(np.int64),
            "empathy_shown": g["empathy"] >= 3,
            "professionalism": ~g["rude"],
            "hold_permission": pd.array(g["hold_permission"], dtype="boolean"),
            "resolution_check": g["resolution_check"],
            "closing": g["closing"],
            "customer_ending": np.where(happy, "positive", "negative"),
            "escalation_request": escalation,
            "repetition": planted["repetition"],
            "transfer": transferred,
            "dead_air": pd.array(planted["dead_air"], dtype="boolean"),
            "dead_air_seconds": dead_air_ms / 1000,
            **{f"{cue}_cue": planted[cue] | ending_cues[cue] for cue in EMOTIONS},
            "spoken_card": spoken_pii,
            "personal_data_turns": pii_per_contact,
        }
    )
    truth.loc[~voice, ["recording_disclosure", "dead_air"]] = pd.NA
    truth.loc[~voice, "dead_air_seconds"] = np.nan
    truth.loc[~held, "hold_permission"] = pd.NA
    columns = [
        "interaction_id",
        "turn_index",
        "speaker",
        "begin_offset_ms",
        "end_offset_ms",
        "text",
    ]
    return turns[columns], truth, int(pii_per_contact.sum())
