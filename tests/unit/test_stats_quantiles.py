"""The quantile seed behind every scorecard interval equals scipy's distributions."""

import csv
from pathlib import Path

import pytest
from scipy import stats

SEED = Path(__file__).parents[2] / "dbt_project" / "seeds" / "student_t_quantiles.csv"


def _rows() -> list[dict]:
    with SEED.open() as handle:
        return list(csv.DictReader(handle))


def test_every_level_has_the_normal_quantile_and_a_t_quantile_per_degree_of_freedom():
    rows = _rows()
    for level in (0.80, 0.90, 0.95, 0.99):
        of_level = [row for row in rows if float(row["confidence"]) == level]
        assert sorted(
            row["degrees_of_freedom"] for row in of_level if row["degrees_of_freedom"]
        ) == sorted(str(df) for df in range(1, 1001))
        assert sum(1 for row in of_level if not row["degrees_of_freedom"]) == 1


@pytest.mark.parametrize(
    ("confidence", "degrees_of_freedom", "published"),
    # published two-sided values (any t table): t(0.975; 1) = 12.706, t(0.995; 10) = 3.169,
    # t(0.95; 30) = 1.697, z(0.975) = 1.960
    [(0.95, "1", 12.706), (0.99, "10", 3.169), (0.90, "30", 1.697), (0.95, "", 1.960)],
)
def test_quantiles_match_a_printed_table(confidence, degrees_of_freedom, published):
    row = next(
        row
        for row in _rows()
        if float(row["confidence"]) == confidence
        and row["degrees_of_freedom"] == degrees_of_freedom
    )
    assert float(row["quantile"]) == pytest.approx(published, abs=5e-4)


def test_quantiles_equal_scipy():
    for row in _rows():
        upper = 1 - (1 - float(row["confidence"])) / 2
        expected = (
            stats.t.ppf(upper, int(row["degrees_of_freedom"]))
            if row["degrees_of_freedom"]
            else stats.norm.ppf(upper)
        )
        assert float(row["quantile"]) == pytest.approx(expected, rel=1e-12)
