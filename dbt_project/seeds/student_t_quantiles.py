"""Writes student_t_quantiles.csv: two-sided Student t and normal quantiles (scipy).

DuckDB has no inverse t or normal distribution, so the intervals of the scorecard marts read
their quantiles from this seed. Run it again only to add a confidence level:
    .venv/bin/python dbt_project/seeds/student_t_quantiles.py
"""

from pathlib import Path

from scipy import stats

CONFIDENCE_LEVELS = (0.80, 0.90, 0.95, 0.99)
MAX_DEGREES_OF_FREEDOM = 1000  # beyond it the normal quantile is used (rows with no df)


def main() -> None:
    lines = ["confidence,degrees_of_freedom,quantile"]
    for confidence in CONFIDENCE_LEVELS:
        upper = 1 - (1 - confidence) / 2
        lines.append(f"{confidence},,{float(stats.norm.ppf(upper))!r}")
        for df in range(1, MAX_DEGREES_OF_FREEDOM + 1):
            lines.append(f"{confidence},{df},{float(stats.t.ppf(upper, df))!r}")
    Path(__file__).with_suffix(".csv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
