"""The sampling plan (marts.mart_evaluation_coverage) and the evaluation queue
(marts.mart_evaluation_queue) on the generated sample, checked against computations written
here: scipy's t quantiles for the plan's n, the pooling rule in pandas, the textbook
capping iteration for π, md5 for the seeded draws, and simulations of many draws for
unbiasedness and precision."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from orchestration.cli import main
from tests.conftest import SCORECARD_VARS, rebuild_with_scorecard_vars

pytestmark = pytest.mark.slow

FLAGS = ("machine_critical_fail", "negative_sentiment", "escalation", "low_agreement")
PLAN_WINDOW_WEEKS = SCORECARD_VARS["plan_window_weeks"]


# --- references ------------------------------------------------------------------------


def seeded_uniform(seed: int, key: str) -> float:
    """The draw the queue documents: the first 52 bits of md5('<seed>|<key>') / 2^52."""
    return int(hashlib.md5(f"{seed}|{key}".encode()).hexdigest()[:13], 16) / 2**52


def capped_pps(sizes: np.ndarray, quota: int) -> np.ndarray:
    """Inclusion probabilities ∝ size with the textbook iteration: give π = 1 to the units
    whose π would exceed 1, share the remaining quota over the rest, repeat."""
    sizes = np.asarray(sizes, dtype=float)
    certain = np.zeros(len(sizes), dtype=bool)
    while True:
        rest = ~certain
        probabilities = (quota - certain.sum()) * sizes[rest] / sizes[rest].sum()
        if (probabilities < 1).all() or quota - certain.sum() == 0:
            result = np.ones(len(sizes))
            result[rest] = probabilities
            return result
        certain[np.flatnonzero(rest)[probabilities >= 1]] = True


def systematic(probabilities: np.ndarray, start: float) -> np.ndarray:
    """Systematic selection along the given order: unit i is taken when one of
    start, start + 1, ... falls in [C_{i-1}, C_i) (C the cumulative probabilities)."""
    cumulative = np.round(np.cumsum(probabilities), 9)
    previous = np.round(cumulative - probabilities, 9)
    return (np.ceil(cumulative - start) - np.ceil(previous - start)) == 1


def smallest_n(sd: float, half_width: float, confidence: float) -> int:
    """The smallest n ≥ 2 with t(n−1)·sd/√n ≤ half_width (scipy's t)."""
    n = 2
    while stats.t.ppf(0.5 + confidence / 2, n - 1) * sd / math.sqrt(n) > half_width:
        n += 1
    return n


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def queue(warehouse) -> pd.DataFrame:
    """Every frame row of every queue week, with the contact's machine score."""
    return warehouse.execute(
        "select queue.*, interactions.machine_score from marts.mart_evaluation_queue as queue"
        " inner join marts.fct_interactions as interactions using (interaction_id)"
        # one row order every time: the simulations below draw by position
        " order by queue.queue_week_start, queue.interaction_id"
    ).df()


@pytest.fixture(scope="module")
def latest(queue) -> pd.DataFrame:
    """The queue `qm queue --period next` writes: the latest queue week's frame."""
    return queue[queue["queue_week_start"] == queue["queue_week_start"].max()].copy()


@pytest.fixture(scope="module")
def coverage(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from marts.mart_evaluation_coverage").df()


# --- the plan --------------------------------------------------------------------------


def expected_plan_sd(warehouse) -> pd.DataFrame:
    """The documented pooling rule, written out in pandas from the facts."""
    evaluations = warehouse.execute(
        "select evaluations.evaluation_id, evaluations.agent_id, evaluations.team_id,"
        " evaluations.week_start, evaluations.score, firsts.first_submitted_at"
        " from marts.fct_evaluations as evaluations inner join ("
        "   select evaluation_id, min(submitted_at) as first_submitted_at"
        "   from staging.stg_evaluations group by 1) as firsts using (evaluation_id)"
        " where evaluations.is_agent_scored and evaluations.score is not null"
    ).df()
    agent_weeks = warehouse.execute(
        "select agent_id, week_start, arg_max(team_id, started_at) as team_id"
        " from marts.fct_interactions where not is_abandoned and agent_id is not null"
        " group by all"
    ).df()
    k = SCORECARD_VARS["plan_pooling_evaluations"]
    rows = []
    for week in sorted(agent_weeks["week_start"].unique()):
        week = pd.Timestamp(week)
        window = evaluations[
            (evaluations["week_start"] <= week)
            & (evaluations["week_start"] > week - pd.Timedelta(weeks=PLAN_WINDOW_WEEKS))
            & (evaluations["first_submitted_at"] < week + pd.Timedelta(days=7))
        ]
        groups = window.groupby(["team_id", "agent_id"])["score"].agg(["count", "var"])
        groups["ss"] = (groups["count"] - 1) * groups["var"].fillna(0)
        team = groups.groupby(level="team_id")[["count", "ss"]].sum()
        team["df"] = (
            groups.groupby(level="team_id")["count"].sum()
            - groups.groupby(level="team_id")["count"].size()
        )
        centre_df = (groups["count"] - 1).sum()
        centre_var = groups["ss"].sum() / centre_df if centre_df else np.nan
        own = window.groupby("agent_id")["score"].agg(["count", "var"])
        for row in agent_weeks[agent_weeks["week_start"] == week].itertuples():
            count = int(own["count"].get(row.agent_id, 0))
            agent_var = own["var"].get(row.agent_id, np.nan)
            team_df = team["df"].get(row.team_id, 0)
            pooled = team["ss"].get(row.team_id) / team_df if team_df else centre_var
            if count >= k and not np.isnan(agent_var):
                sd, source = math.sqrt(agent_var), "agent"
            elif not np.isnan(pooled):
                nu = max(count - 1, 0)
                own_part = nu * (0 if np.isnan(agent_var) else agent_var)
                sd, source = math.sqrt((own_part + (k - 1 - nu) * pooled) / (k - 1)), "pooled"
            elif not np.isnan(agent_var):
                sd, source = math.sqrt(agent_var), "agent"
            else:
                sd, source = np.nan, None
            rows.append((row.agent_id, week, count, sd, source))
    return pd.DataFrame(
        rows, columns=["agent_id", "week_start", "evaluations", "expected_sd", "source"]
    )


def test_plan_sd_follows_the_pooling_rule_and_n_equals_the_scipy_search(warehouse, coverage):
    expected = expected_plan_sd(warehouse)
    plan = coverage.merge(expected, on=["agent_id", "week_start"], validate="one_to_one")
    assert len(plan) == len(coverage) and len(plan) > 100
    assert (plan["plan_evaluations_count"] == plan["evaluations"]).all()
    assert (plan["plan_sd_source"].fillna("none") == plan["source"].fillna("none")).all()
    assert set(plan["plan_sd_source"].dropna()) == {"agent", "pooled"}  # both rules exercised
    assert plan["plan_sd"].to_numpy() == pytest.approx(
        plan["expected_sd"].to_numpy(), rel=1e-9, nan_ok=True
    )

    half_width, confidence = SCORECARD_VARS["plan_half_width"], SCORECARD_VARS["confidence"]
    planned = plan[plan["plan_sd"].notna() & (plan["interactions_count"] >= 2)]
    for row in planned.itertuples():
        n = smallest_n(row.plan_sd, half_width, confidence)
        assert row.evaluations_for_half_width == n, row
        assert row.human_evaluations_needed_next_week == min(n, row.interactions_count)
        assert row.is_plan_capped == (n > row.interactions_count)
        t = stats.t.ppf(0.5 + confidence / 2, row.human_evaluations_needed_next_week - 1)
        assert row.plan_expected_half_width == pytest.approx(
            t * row.plan_sd / math.sqrt(row.human_evaluations_needed_next_week), rel=1e-9
        )
        assert (row.plan_expected_half_width <= half_width) == (not row.is_plan_capped)
    # hand-checked: sd 5.1 needs 7 (t(6)·5.1/√7 = 4.72; t(5)·5.1/√6 = 5.35)
    assert smallest_n(5.1, 5, 0.95) == 7


# --- the queue: quotas, π, the draw ------------------------------------------------------


def test_each_agent_gets_its_quota_with_probabilities_from_the_capping_iteration(queue, coverage):
    factors = SCORECARD_VARS["queue_oversample"]
    flags = queue[[f"flag_{flag}" for flag in FLAGS]].to_numpy()
    sizes = np.prod(np.where(flags, [factors[flag] for flag in FLAGS], 1), axis=1)
    assert queue["size_measure"].to_numpy() == pytest.approx(sizes)

    plans = coverage.set_index(["agent_id", "week_start"])["human_evaluations_needed_next_week"]
    sampled_strata = 0
    for (agent, week), stratum in queue.groupby(["agent_id", "week_start"]):
        size = stratum["size_measure"].to_numpy()
        design_effect = size.mean() * (1 / size).mean()
        planned = plans.get((agent, week))
        quota = 0 if pd.isna(planned) else min(len(stratum), math.ceil(planned * design_effect))
        assert (stratum["quota"] == quota).all(), (agent, week)
        assert stratum["is_selected"].sum() == quota, (agent, week)
        assert stratum["inclusion_probability"].sum() == pytest.approx(quota, abs=1e-9)
        if quota:
            assert stratum["inclusion_probability"].to_numpy() == pytest.approx(
                capped_pps(size, quota), abs=1e-12
            )
        if 0 < quota < len(stratum):
            sampled_strata += 1
            weights = stratum.loc[stratum["is_selected"], "sampling_weight"]
            assert weights.to_numpy() == pytest.approx(
                1 / stratum.loc[stratum["is_selected"], "inclusion_probability"].to_numpy()
            )
    assert sampled_strata >= 20  # strata where the draw is a sample, not a census
    assert queue.loc[~queue["is_selected"], "sampling_weight"].isna().all()


def test_the_frame_is_the_week_s_handled_contacts_nobody_had_evaluated_yet(warehouse, latest):
    week = latest["week_start"].iloc[0]
    expected = warehouse.execute(
        "select interaction_id from marts.fct_interactions as interactions"
        " where week_start = ? and not is_abandoned and agent_id is not null"
        " and not exists (select 1 from staging.stg_evaluations as evaluations"
        "   where evaluations.interaction_id = interactions.interaction_id"
        "   and evaluations.evaluation_type = 'standard'"
        "   and evaluations.submitted_at < interactions.week_start + interval 7 day)",
        [week],
    ).df()
    assert set(latest["interaction_id"]) == set(expected["interaction_id"])
    # the latest complete week: the data ends on its Sunday
    last_day = warehouse.execute("select max(interaction_date) from marts.fct_interactions")
    assert pd.Timestamp(last_day.fetchone()[0]) == pd.Timestamp(week) + pd.Timedelta(days=6)


def test_flags_follow_the_machine_signals(warehouse, latest):
    flags = warehouse.execute(
        "select interaction_id,"
        " coalesce(is_machine_critical_fail, false) as machine_critical_fail,"
        f" coalesce(customer_sentiment_min < {SCORECARD_VARS['queue_negative_sentiment_below']},"
        "   false) as negative_sentiment,"
        " coalesce(has_escalation_request, false) as escalation,"
        " interaction_id in (select answers.interaction_id"
        "   from marts.fct_evaluation_answers as answers"
        "   inner join marts.mart_machine_agreement as agreement using (form_id, question_id)"
        "   where answers.evaluation_type = 'auto' and not answers.is_na"
        "   and answers.question_score < 1"
        f"  and agreement.kappa < {SCORECARD_VARS['queue_low_agreement_kappa']}) as low_agreement"
        " from marts.fct_interactions"
    ).df()
    joined = latest.merge(flags, on="interaction_id")
    assert len(joined) == len(latest)
    for flag in FLAGS:
        assert (joined[f"flag_{flag}"] == joined[flag]).all(), flag
        assert joined[flag].any(), f"no contact raises {flag}: the test would prove nothing"
    raised = joined[list(FLAGS)].apply(lambda row: "; ".join(f for f in FLAGS if row[f]), axis=1)
    assert (joined["raised_by"].fillna("") == raised).all()


def test_the_selection_is_the_systematic_draw_from_the_seeded_start(queue):
    """The model's own draw, replayed from the seed: random start and order from md5, the
    selection from the stored π. Then, over every start u in a fine grid of [0, 1), each
    contact is selected in a share of starts equal to its π: with u uniform, the chance of
    selection is π."""
    seed = SCORECARD_VARS["queue_seed"]
    grid = (np.arange(2000) + 0.5) / 2000
    for (agent, week), stratum in queue.groupby(["agent_id", "week_start"]):
        start = seeded_uniform(seed, f"{agent}|{pd.Timestamp(week).date()}")
        assert (stratum["random_start"] == start).all()
        keys = stratum["interaction_id"].map(lambda key: seeded_uniform(seed, key))
        ordered = stratum.assign(key=keys).sort_values(
            ["channel", "interaction_date", "key", "interaction_id"]
        )
        assert (ordered["frame_order"].to_numpy() == np.arange(1, len(ordered) + 1)).all()
        probabilities = ordered["inclusion_probability"].to_numpy()
        assert (systematic(probabilities, start) == ordered["is_selected"].to_numpy()).all()
        if 0 < ordered["quota"].iloc[0] < len(ordered):
            shares = np.mean([systematic(probabilities, u) for u in grid], axis=0)
            assert shares == pytest.approx(probabilities, abs=1 / len(grid) + 1e-9)


def test_the_sample_spreads_over_channels_and_days_in_proportion(queue):
    """Laid out by channel then day, each channel (and each day within it) is a run of the
    systematic line: it gets its expected count Σπ rounded down or up."""
    for keys in (["stratum", "channel"], ["stratum", "channel", "interaction_date"]):
        blocks = queue.groupby(keys).agg(
            selected=("is_selected", "sum"), expected=("inclusion_probability", "sum")
        )
        assert ((blocks["selected"] - blocks["expected"]).abs() < 1 + 1e-9).all(), keys
    latest_week = queue[queue["queue_week_start"] == queue["queue_week_start"].max()]
    selected = latest_week[latest_week["is_selected"]]
    assert selected["channel"].nunique() == latest_week["channel"].nunique()
    assert selected["interaction_date"].nunique() == 7


def draws(stratum_codes: np.ndarray, channel: np.ndarray, day: np.ndarray,
          probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:  # fmt: skip
    """Indices of one new draw of the queue's design over the whole frame: per stratum,
    the contacts ordered by channel, day and a fresh random key, a fresh random start."""
    order = np.lexsort((rng.random(len(channel)), day, channel, stratum_codes))
    strata, probabilities = stratum_codes[order], probabilities[order]
    cumulative = np.cumsum(probabilities)
    first = np.r_[0, np.flatnonzero(np.diff(strata)) + 1]
    offsets = np.repeat(
        cumulative[first] - probabilities[first], np.diff(np.r_[first, len(strata)])
    )
    cumulative = np.round(cumulative - offsets, 9)
    previous = np.round(cumulative - probabilities, 9)
    starts = rng.random(strata.max() + 1)[strata]
    return order[(np.ceil(cumulative - starts) - np.ceil(previous - starts)) == 1]


def test_weighted_estimates_are_unbiased_and_the_unweighted_mean_is_not(latest):
    """Over 2000 draws of the latest queue's design (stored π, new random starts and
    orders), the Horvitz-Thompson mean Σ(y/π)/N and the Hájek mean Σ(y/π)/Σ(1/π) of the
    machine score (known for every contact of the frame) average to the frame's true mean
    within their 99.9 % simulation interval; the plain sample mean does not: it
    over-represents the flagged contacts, which score lower. The same holds per sampled
    agent (Bonferroni over the agents)."""
    frame = latest.reset_index(drop=True)
    assert frame["machine_score"].notna().all()
    y = frame["machine_score"].to_numpy()
    probabilities = frame["inclusion_probability"].to_numpy()
    strata = pd.factorize(frame["stratum"])[0]
    channel = pd.factorize(frame["channel"], sort=True)[0]
    day = pd.factorize(frame["interaction_date"], sort=True)[0]
    sampled = frame.groupby("stratum")["inclusion_probability"].transform("min") < 1
    agents = pd.factorize(frame["stratum"].where(sampled))[0]
    agent_count = agents.max() + 1
    assert agent_count >= 8

    rng = np.random.default_rng(20260713)
    replicates = 2000
    estimates = {"horvitz_thompson": [], "hajek": [], "unweighted": []}
    per_agent_ht, per_agent_plain = [], []
    for _ in range(replicates):
        picked = draws(strata, channel, day, probabilities, rng)
        weights = 1 / probabilities[picked]
        estimates["horvitz_thompson"].append((weights * y[picked]).sum() / len(y))
        estimates["hajek"].append((weights * y[picked]).sum() / weights.sum())
        estimates["unweighted"].append(y[picked].mean())
        keep = agents[picked] >= 0
        per_agent_ht.append(
            np.bincount(agents[picked][keep], weights[keep] * y[picked][keep], agent_count)
        )
        per_agent_plain.append(
            np.bincount(agents[picked][keep], y[picked][keep], agent_count)
            / np.bincount(agents[picked][keep], minlength=agent_count)
        )

    def interval(values: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
        mean = values.mean(axis=0)
        error = values.std(axis=0, ddof=1) / np.sqrt(len(values))
        return mean - z * error, mean + z * error

    truth = y.mean()
    z = stats.norm.ppf(1 - 0.001 / 2)
    for name in ("horvitz_thompson", "hajek"):
        low, high = interval(np.array(estimates[name]), z)
        assert low <= truth <= high, (name, low, truth, high)
    low, high = interval(np.array(estimates["unweighted"]), z)
    assert high < truth - 1, ("unweighted", low, truth, high)  # biased low by points

    sizes = np.bincount(agents[agents >= 0], minlength=agent_count)
    truths = np.bincount(agents[agents >= 0], y[agents >= 0], agent_count) / sizes
    z_agents = stats.norm.ppf(1 - 0.001 / (2 * agent_count))
    low, high = interval(np.array(per_agent_ht) / sizes, z_agents)
    assert ((low <= truths) & (truths <= high)).all()
    low, high = interval(np.array(per_agent_plain), z_agents)
    assert ((high < truths) | (low > truths)).mean() >= 0.75  # most agents biased unweighted


def test_the_quotas_reach_the_requested_precision_on_the_next_simulated_week(
    warehouse, latest, coverage
):
    """What the plan promises: with next week's scores as spread as the agent's observed
    ones, the queue's weighted agent mean lands within ±plan_half_width of the agent's mean
    in ≥ 95 % of draws (the precision "±h at 95 %").

    The warehouse has a person's score for ~3 % of contacts only, so next week's human
    scores are simulated: each contact of the latest queue's frame gets a score drawn (for
    each draw anew) from its agent's human evaluation scores, the agent's mean of those
    being the truth. The machine score, known for every contact, is not a stand-in: its
    spread per agent is 1.2 to 5 times the people's (and the generator's special cause in
    the last weeks widens it further), so a plan made on people's scores says nothing
    about it. The sample is the queue's design (stored π, new starts and orders), the
    estimate the Hájek mean. Agents whose plan is capped (the week's contacts do not
    suffice) must miss ±h more often than 5 % — the flag tells the truth — and stay within
    the wider plan_expected_half_width they are told instead.

    Not asserted: the half-width of the interval a person would compute from the sample,
    t·s/√n with the sample's own s, is at most h in only about half the draws: the plan
    sets n for the spread it expects, not for an unlucky sample's."""
    scores = warehouse.execute(
        "select agent_id, score from marts.fct_evaluations"
        " where is_agent_scored and score is not null"
    ).df()
    pools = {agent: group["score"].to_numpy() for agent, group in scores.groupby("agent_id")}
    plans = coverage.set_index(["agent_id", "week_start"])
    half_width = SCORECARD_VARS["plan_half_width"]
    rng = np.random.default_rng(20260720)
    within_target, within_told = {}, {}
    for (agent, week), stratum in latest.groupby(["agent_id", "week_start"]):
        plan = plans.loc[(agent, week)]
        pool, truth = pools[agent], pools[agent].mean()
        probabilities = stratum["inclusion_probability"].to_numpy()
        channel = pd.factorize(stratum["channel"], sort=True)[0]
        day = pd.factorize(stratum["interaction_date"], sort=True)[0]
        errors = []
        for _ in range(600):
            y = rng.choice(pool, len(stratum))
            picked = draws(np.zeros(len(stratum), dtype=int), channel, day, probabilities, rng)
            weights = 1 / probabilities[picked]
            errors.append(abs((weights * y[picked]).sum() / weights.sum() - truth))
        errors = np.array(errors)
        within_target[agent, plan["is_plan_capped"]] = (errors <= half_width).mean()
        told = max(half_width, plan["plan_expected_half_width"])
        within_told[agent] = (errors <= told).mean()

    reached = {key: share for key, share in within_target.items() if not key[1]}
    capped = {key: share for key, share in within_target.items() if key[1]}
    assert len(reached) >= 8 and len(capped) >= 3
    assert np.mean(list(reached.values())) >= 0.95
    assert min(reached.values()) >= 0.93  # each agent, allowing for 600 draws' noise
    assert np.mean(list(capped.values())) < 0.95
    assert np.mean(list(within_told.values())) >= 0.94


# --- reproducibility, and the command --------------------------------------------------


def rebuild_queue(published: Path, workdir: Path, seed: int) -> pd.DataFrame:
    """mart_evaluation_queue rebuilt by dbt in a copy of the warehouse with queue_seed."""
    rebuilt = rebuild_with_scorecard_vars(
        published, workdir, "mart_evaluation_queue", "marts.mart_evaluation_queue",
        queue_seed=seed,
    )  # fmt: skip
    return rebuilt.sort_values("interaction_id", ignore_index=True)


def test_same_seed_gives_the_same_queue_and_another_seed_another(
    published_warehouse, queue, tmp_path
):
    published = queue.drop(columns="machine_score").sort_values("interaction_id")
    published = published.reset_index(drop=True)
    same = rebuild_queue(published_warehouse, tmp_path, SCORECARD_VARS["queue_seed"])
    pd.testing.assert_frame_equal(same, published, check_exact=False, rtol=1e-12)

    other = rebuild_queue(published_warehouse, tmp_path, SCORECARD_VARS["queue_seed"] + 1)
    assert (other["inclusion_probability"] == published["inclusion_probability"]).all()
    assert (
        other.groupby("stratum")["is_selected"].sum()
        == published.groupby("stratum")["is_selected"].sum()
    ).all()
    sampled = published["inclusion_probability"] < 1
    changed = (other["is_selected"] != published["is_selected"])[sampled].mean()
    assert changed > 0.1  # a different draw, not a shuffle of the same one


def test_qm_queue_writes_the_latest_selection_as_csv(
    published_warehouse, latest, tmp_path, capsys, monkeypatch
):
    # `qm` pins the warehouse in the environment: undo it after the test
    monkeypatch.setenv("QM_WAREHOUSE", str(published_warehouse))
    monkeypatch.delenv("QM_BUILD_WAREHOUSE", raising=False)
    out = tmp_path / "queue.csv"
    assert main(["queue", "--warehouse", str(published_warehouse), "--out", str(out)]) == 0
    written = pd.read_csv(out, keep_default_na=False)
    selected = latest[latest["is_selected"]]
    assert sorted(written["interaction_id"]) == sorted(selected["interaction_id"])
    assert list(written.columns) == [
        "queue_week", "contacts_week", "agent_id", "team_id", "interaction_id", "channel",
        "interaction_date", "flags", "inclusion_probability", "sampling_weight",
    ]  # fmt: skip
    week = pd.Timestamp(latest["queue_week_start"].iloc[0]).date().isocalendar()
    assert (written["queue_week"] == f"{week.year}-W{week.week:02d}").all()
    joined = written.merge(selected, on="interaction_id", suffixes=("", "_mart"))
    assert joined["sampling_weight"].to_numpy() == pytest.approx(
        joined["sampling_weight_mart"].to_numpy()
    )
    assert (joined["flags"] == joined["raised_by"].fillna("")).all()
    message = capsys.readouterr().out
    assert f"Wrote {len(selected)} contacts" in message and str(out) in message

    # an ISO week the warehouse holds (the queue week before: the latest contacts' week),
    # and one it does not
    before = pd.Timestamp(latest["week_start"].iloc[0]).date().isocalendar()
    assert main(["queue", "--warehouse", str(published_warehouse), "--out", str(out),
                 "--period", f"{before.year}-W{before.week:02d}"]) == 0  # fmt: skip
    assert pd.read_csv(out)["queue_week"].eq(f"{before.year}-W{before.week:02d}").all()
    assert main(["queue", "--warehouse", str(published_warehouse), "--out", str(out),
                 "--period", "2020-W01"]) == 2  # fmt: skip
    assert "no evaluation queue for 2020-W01" in capsys.readouterr().err
