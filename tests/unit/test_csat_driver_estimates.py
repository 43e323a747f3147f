"""The regression behind mart_csat_drivers (dbt Python model int_csat_driver_estimates) on
cases small enough to compute by hand: how a driver that does not apply (N/A) is handled,
and what happens to drivers the data cannot estimate."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

MODEL = (
    Path(__file__).resolve().parents[2]
    / "dbt_project/models/intermediate/customer/int_csat_driver_estimates.py"
)
T_975_3 = 3.182446305284263  # Student t, 3 degrees of freedom, 0.975 (any t table)


@pytest.fixture(scope="module")
def model():
    spec = importlib.util.spec_from_file_location("int_csat_driver_estimates", MODEL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def estimates(model):
    """The model's estimates of a frame of observations, read as dbt hands it the table:
    a DuckDB relation."""
    connection = duckdb.connect()
    yield lambda frame: model.driver_estimates(connection.from_df(frame))
    connection.close()


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


# Columns of small 0/1 designs written out by hand (8 contacts): a and b are never both 1;
# both are 0 on contacts 5 and 6, where c differs, so c is no combination of 1, a and b.
ONES = [1, 1, 1, 1, 1, 1, 1, 1]
A = [1, 1, 0, 0, 0, 0, 1, 0]
B = [0, 0, 1, 1, 0, 0, 0, 1]
A_PLUS_B = [1, 1, 1, 1, 0, 0, 1, 1]
NOT_A = [0, 0, 1, 1, 1, 1, 0, 1]
C = [1, 0, 1, 0, 1, 0, 0, 1]


def kept_columns(model, columns: list[list[int]]) -> tuple[list[int], list[int]]:
    """The kept indices decided on the design itself and on its triangular factor."""
    design = np.array(columns, dtype=float).T
    rows = len(design)
    return (
        model.independent_columns(design, rows),
        model.independent_columns(model.triangular_factor(design), rows),
    )


@pytest.mark.parametrize(
    ("columns", "kept"),
    [
        pytest.param([ONES, A, B, A_PLUS_B, C], [0, 1, 2, 4], id="sum of two earlier columns"),
        pytest.param([ONES, A, NOT_A, C], [0, 1, 3], id="one minus an earlier column"),
        pytest.param([ONES, A, C, A], [0, 1, 2], id="duplicated column"),
        pytest.param([ONES, A, B, C], [0, 1, 2, 3], id="no combination"),
    ],
)
def test_a_column_that_is_an_exact_combination_of_earlier_ones_is_dropped(model, columns, kept):
    assert kept_columns(model, columns) == (kept, kept)


def test_a_column_one_row_away_from_a_combination_is_kept(model):
    """Over 10,000 contacts a is 1 on even rows, b on rows 1 mod 4: a + b is dropped, but
    the same column with row 3 (where a and b are 0) set to 1 is not a combination."""
    row = np.arange(10_000)
    a = (row % 2 == 0).astype(int)
    b = (row % 4 == 1).astype(int)
    almost = a + b
    almost[3] = 1
    ones = np.ones_like(row)
    assert kept_columns(model, [ones, a, b, a + b]) == ([0, 1, 2], [0, 1, 2])
    assert kept_columns(model, [ones, a, b, almost]) == ([0, 1, 2, 3], [0, 1, 2, 3])


def test_triangular_factor_keeps_the_singular_values_of_any_column_set(model):
    """R'R = X'X, so every column subset of R has the design's singular values: on the
    distinct-row shortcut of a 0/1 design and on a design with other values."""
    for design in (
        np.array([ONES, A, B, A_PLUS_B, C], dtype=float).T,
        np.array([ONES, A, [0.5, 2, 0, 1, 3, 0, 1, 1]], dtype=float).T,
    ):
        factor = model.triangular_factor(design)
        for columns in ([0, 1], [1, 2], list(range(design.shape[1]))):
            assert np.linalg.svd(factor[:, columns], compute_uv=False) == pytest.approx(
                np.linalg.svd(design[:, columns], compute_uv=False), abs=1e-12
            )


def test_a_driver_that_is_the_complement_of_an_earlier_one_is_dropped_and_named(estimates):
    """q2 is failed exactly where q1 is met (q2 = intercept − q1): q2 comes later in id order,
    so it is the one dropped, its note names q1 (the intercept is not named), and q1 keeps
    its estimate."""
    rows = []
    for number, (met, csat) in enumerate([(True, 5.0), (True, 4.0), (False, 2.0),
                                          (False, 3.0), (True, 5.0), (False, 1.0)]):  # fmt: skip
        rows.append((f"c{number}", "machine", "question", "q1", met, csat))
        rows.append((f"c{number}", "machine", "question", "q2", not met, csat))
    result = estimates(observations(rows)).set_index(["outcome", "driver_id"])
    dropped = result.loc[("csat", "q2")]
    assert math.isnan(dropped["adjusted_effect"])
    assert dropped["estimate_note"] == "it is an exact combination of q1"
    assert dropped["dropped_columns"] == "q2"
    # the difference of means, met 14/3 against failed 2
    assert result.loc[("csat", "q1"), "adjusted_effect"] == pytest.approx(14 / 3 - 2, abs=1e-12)


def test_text_is_coded_in_duckdb_in_the_order_python_sorts_it(model):
    """Codes index the sorted distinct values (contacts in id order, levels alphabetical, as
    the estimates rely on), in Python's code-point order also for capitals and accents; a
    missing covariate is -1, a missing is_met -1 (does not apply), a missing outcome NaN;
    a row without a key is refused."""
    ids = ["é1", "Z9", "a2", "Ä3", "a10"]
    frame = observations([(contact, "human", "question", "q", None, None) for contact in ids])
    frame.loc[1, "channel"] = None
    frame.loc[0, "is_met"], frame.loc[2, "is_met"] = True, False
    with duckdb.connect() as connection:
        arrays, labels = model.encode(connection.from_df(frame))
        assert list(labels["interaction_id"]) == sorted(ids)
        assert [labels["interaction_id"][code] for code in arrays["interaction_id"]] == ids
        assert list(labels["channel"]) == ["voice"]
        assert list(arrays["channel"]) == [0, -1, 0, 0, 0]
        assert list(arrays["is_met"]) == [1, -1, 0, -1, -1]
        assert np.isnan(arrays["csat"]).all()
        with pytest.raises(ValueError, match="1 rows have no driver_id"):
            model.encode(connection.from_df(frame.assign(driver_id=["q", None, "q", "q", "q"])))
