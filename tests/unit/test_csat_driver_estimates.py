"""The regression behind mart_csat_drivers (dbt Python model int_csat_driver_estimates) on
cases small enough to compute by hand: how a driver that does not apply (N/A) is handled,
and what happens to drivers the data cannot estimate."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest

MODEL = (
    Path(__file__).resolve().parents[2]
    / "dbt_project/models/intermediate/customer/int_csat_driver_estimates.py"
)
T_975_3 = 3.182446305284263  # Student t, 3 degrees of freedom, 0.975 (any t table)


@pytest.fixture(scope="module")
def estimates():
    spec = importlib.util.spec_from_file_location("int_csat_driver_estimates", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.driver_estimates


def observations(rows: list[tuple], minimum: int = 1) -> pd.DataFrame:
    """(contact, source, kind, driver, is_met, csat) rows on one channel and reason."""
    frame = pd.DataFrame(
        rows, columns=["interaction_id", "source", "driver_kind", "driver_id", "is_met", "csat"]
    )
    return frame.assign(
        is_met=frame["is_met"].astype("boolean"),
        channel="voice",
        contact_reason="billing",
        customer_reported_resolved=float("nan"),
        confidence_level=0.95,
        min_contacts=minimum,
    )


def test_not_applicable_answers_are_neither_met_nor_failed(estimates):
    """Question q: met on contacts 1-2 (CSAT 5, 4), failed on 3-4 (2, 3), N/A on 5-6 (1, 1).
    With its not-applicable indicator in the model the effect is met vs failed where q
    applies: 4.5 − 2.5 = 2 (coding N/A as failed would give 4.5 − 1.75 = 2.75). The model is
    saturated (three group means), so the residuals are ±0.5 on the four applicable contacts
    and 0 on the N/A ones; HC0 variance of the difference = 0.5/2² + 0.5/2² = 0.25, HC1
    multiplies by n/(n − k) = 6/3: SE = √0.5, interval 2 ± t(3)·√0.5, p = 2·P(T₃ > 2/√0.5)."""
    rows = [
        ("c1", "machine", "question", "q", True, 5.0),
        ("c2", "machine", "question", "q", True, 4.0),
        ("c3", "machine", "question", "q", False, 2.0),
        ("c4", "machine", "question", "q", False, 3.0),
        ("c5", "machine", "question", "q", None, 1.0),
        ("c6", "machine", "question", "q", None, 1.0),
    ]
    result = estimates(observations(rows)).set_index(["outcome", "driver_id"])
    row = result.loc[("csat", "q")]
    half = T_975_3 * math.sqrt(0.5)
    assert row["adjusted_effect"] == pytest.approx(2.0, abs=1e-12)
    assert row["adjusted_lower"] == pytest.approx(2.0 - half, abs=1e-9)
    assert row["adjusted_upper"] == pytest.approx(2.0 + half, abs=1e-9)
    # P(T₃ > 2√2) for t with 3 degrees of freedom, in closed form
    statistic = 2 / math.sqrt(0.5)
    angle = math.atan(statistic / math.sqrt(3))
    tail = 0.5 - (angle + math.sin(angle) * math.cos(angle)) / math.pi
    assert row["adjusted_p_value"] == pytest.approx(2 * tail, abs=1e-9)
    assert row["observations_in_model"] == 6
    # no outcome given: a row says why, without an estimate
    resolved = result.loc[("customer_reported_resolved", "q")]
    assert math.isnan(resolved["adjusted_effect"])
    assert "not enough data: 0 contacts" in resolved["estimate_note"]


def test_a_driver_met_wherever_it_applies_is_dropped_and_said_so(estimates):
    """p is met on every contact where it applies: its effect cannot be told from the
    not-applicable indicator, so it is dropped; q keeps its estimate (difference of means,
    p's indicator absorbing contacts 5-6)."""
    rows = [
        (f"c{number}", "machine", "question", "q", met, csat)
        for number, met, csat in [(1, True, 5.0), (2, True, 4.0), (3, False, 2.0),
                                  (4, False, 3.0), (5, True, 5.0), (6, False, 1.0)]
    ] + [
        (f"c{number}", "machine", "question", "p", met, csat)
        for number, met, csat in [(1, True, 5.0), (2, True, 4.0), (3, True, 2.0),
                                  (4, True, 3.0), (5, None, 5.0), (6, None, 1.0)]
    ]  # fmt: skip
    result = estimates(observations(rows)).set_index(["outcome", "driver_id"])
    dropped = result.loc[("csat", "p")]
    assert math.isnan(dropped["adjusted_effect"])
    assert "met on every contact where it applies" in dropped["estimate_note"]
    assert "p" in dropped["dropped_columns"].split(", ")
    assert not math.isnan(result.loc[("csat", "q"), "adjusted_effect"])


def test_fewer_contacts_than_the_minimum_give_no_estimate(estimates):
    rows = [
        (f"c{number}", "human", "question", "q", number % 2 == 0, float(number % 5 + 1))
        for number in range(10)
    ]
    result = estimates(observations(rows, minimum=30)).set_index("outcome")
    assert result["adjusted_effect"].isna().all()
    assert "not enough data: 10 contacts, fewer than 30" in result.loc["csat", "estimate_note"]
