"""mart_disputes against the landed revisions counted in pandas, the generator's disputed
evaluations, and statsmodels' Wilson intervals."""

import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def disputes(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_disputes").df()


@pytest.fixture(scope="module")
def revisions(warehouse) -> pd.DataFrame:
    """Standard evaluations: first and latest revision, evaluator of the first, from staging."""
    headers = warehouse.execute(
        "select evaluation_id, revision, evaluator_id, form_id from staging.stg_evaluations "
        "where evaluation_type = 'standard'"
    ).df()
    answers = warehouse.execute(
        "select evaluation_id, revision, question_id, answer from staging.stg_evaluation_answers"
    ).df()
    first = headers.sort_values("revision").groupby("evaluation_id").first()
    latest = headers.groupby("evaluation_id")["revision"].max().rename("latest_revision")
    frame = first.join(latest).reset_index()
    frame["is_disputed"] = frame["latest_revision"] > frame["revision"]
    keyed = answers.set_index(["evaluation_id", "revision", "question_id"])["answer"].sort_index()
    changed = set()
    for row in frame[frame["is_disputed"]].itertuples():
        before = keyed.loc[(row.evaluation_id, row.revision)].fillna("na")
        after = keyed.loc[(row.evaluation_id, row.latest_revision)].fillna("na")
        after = after.reindex(before.index).fillna("na")
        changed |= {(row.evaluation_id, question) for question in before.index[before != after]}
    frame["is_overturned"] = frame["evaluation_id"].isin({key[0] for key in changed})
    frame.attrs["changed"] = changed
    return frame


def test_disputed_evaluations_are_the_generators(disputes, revisions, truth):
    centre = disputes[disputes["level"] == "all"].iloc[0]
    assert set(revisions.loc[revisions["is_disputed"], "evaluation_id"]) == set(
        truth["disputed_evaluation_ids"]
    )
    assert centre["disputed_count"] == len(truth["disputed_evaluation_ids"]) > 0
    assert centre["evaluations_count"] == truth["standard_evaluations"]


def test_each_evaluators_disputes_and_overturns_are_counted_on_the_first_revision(
    disputes, revisions
):
    expected = revisions.groupby("evaluator_id").agg(
        evaluations_count=("evaluation_id", "size"),
        disputed_count=("is_disputed", "sum"),
        overturned_count=("is_overturned", "sum"),
    )
    got = disputes[disputes["level"] == "evaluator"].set_index("evaluator_id")[expected.columns]
    pd.testing.assert_frame_equal(
        got.sort_index(), expected.sort_index(), check_dtype=False, check_names=False
    )


def test_each_questions_changed_answers_are_counted(disputes, revisions):
    changed = pd.Series([question for _, question in revisions.attrs["changed"]])
    got = disputes[disputes["level"] == "question"].set_index("question_id")["overturned_count"]
    expected = changed.value_counts().reindex(got.index, fill_value=0)
    assert (got == expected).all()
    assert (
        disputes.loc[disputes["level"] == "question", "disputed_count"]
        == revisions["is_disputed"].sum()
    ).all()


def test_rates_carry_statsmodels_wilson_intervals(disputes):
    for row in disputes.itertuples():
        lower, upper = proportion_confint(
            row.disputed_count, row.evaluations_count, method="wilson"
        )
        assert (row.dispute_rate_lower, row.dispute_rate_upper) == pytest.approx(
            (lower, upper), abs=1e-12
        )
        if row.disputed_count:
            lower, upper = proportion_confint(
                row.overturned_count, row.disputed_count, method="wilson"
            )
            assert (row.overturn_rate_lower, row.overturn_rate_upper) == pytest.approx(
                (lower, upper), abs=1e-12
            )
        else:
            assert pd.isna(row.overturn_rate) and pd.isna(row.overturn_rate_lower)
