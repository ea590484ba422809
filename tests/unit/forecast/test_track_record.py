"""The past periods the track record and the new-pipeline run-rate learn from, and the day
inside each one they stand at: never after a past period ended (a 92-day quarter's last day
against a 91-day quarter), and not shifted by the as-of day's time of day."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from l2o.analytics.forecast import (
    DealHistory,
    Forecast,
    MonteCarlo,
    Period,
    day_number,
    parse_period,
)
from l2o.analytics.forecast._new_pipeline import new_pipeline
from l2o.analytics.forecast._track_record import track_record

FIRST_DAY = day_number("2022-01-01")


def _history(deals: int = 1500, seed: int = 4) -> DealHistory:
    """Deals created every day from 2022 (at a time of day), closed 5-60 days later, a third
    won; no stage history."""
    rng = np.random.default_rng(seed)
    created = FIRST_DAY + np.sort(rng.uniform(0, 3 * 365, deals))
    closed = created + rng.uniform(5, 60, deals)
    return DealHistory(
        ids=np.array([f"OP-{i}" for i in range(deals)], dtype=object),
        created=created,
        closed=closed,
        won=rng.uniform(size=deals) < 1 / 3,
        amount=rng.lognormal(9, 0.5, deals),
        owner=None,
        segment=None,
        stages=(),
        event_deal=np.zeros(0, np.int64),
        event_time=np.zeros(0),
        event_stage=np.zeros(0, np.int64),
        event_amount=np.zeros(0),
        event_close=np.zeros(0),
        change_deal=np.zeros(0, np.int64),
        change_time=np.zeros(0),
        change_close=np.zeros(0),
    )


HISTORY = _history()


def _stub(calls: list[tuple[float, Period]]):
    """A forecast that only records where it was asked to stand, with a P10-P90 range."""

    def forecast(day: float, past: Period) -> Forecast:
        calls.append((day, past))
        empty = np.zeros(0)
        return Forecast(
            method="stub",
            period=past.label,
            as_of=day,
            expected=100.0,
            booked=50.0,
            from_open=50.0,
            n_open=1,
            n_booked=1,
            how="stub",
            deal=empty.astype(np.int64),
            contribution=empty,
            booked_deal=empty.astype(np.int64),
            booked_amount=empty,
            p10=80.0,
            p50=100.0,
            p90=120.0,
        )

    return forecast


periods = st.sampled_from(
    ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024-02", "2024-03", "2024-07", "2024-12"]
).map(parse_period)


@settings(max_examples=60, deadline=None)
@given(period=periods, position=st.floats(min_value=0.0, max_value=0.999999))
def test_the_track_record_stands_inside_every_past_period(period: Period, position: float):
    """From any moment of the period (its last day included, with any time of day), each
    past period is forecast from a moment inside it, as many days in as the as-of day is
    or, when the past period is shorter than that, its last day at the same time of day."""
    day = period.start + position * (period.end - period.start)
    offset = day - period.start
    calls: list[tuple[float, Period]] = []
    record = track_record(_stub(calls), HISTORY, day, period, max_periods=8)

    assert record.periods == len(calls) > 0
    for as_of, past in calls:
        assert past.start <= as_of < past.end
        assert as_of - past.start <= offset + 1e-9
        assert (as_of - np.floor(as_of)) == pytest.approx(day - np.floor(day), abs=1e-6)
        if as_of - past.start < offset - 1e-9:  # a shorter past period: its last day
            assert past.end - as_of <= 1.0
    assert [p for _, p in calls] == [
        _back(period, n) for n in range(1, len(calls) + 1)
    ]  # newest first, none skipped


def _back(period: Period, n: int) -> Period:
    for _ in range(n):
        period = period.previous()
    return period


@pytest.mark.parametrize("time_of_day", [0.0, 0.5, 0.97])
def test_monte_carlo_forecasts_from_the_last_day_of_a_92_day_quarter(time_of_day: float):
    """2024Q4 has 92 days and 2024Q2 91: the track record used to stand at 1 July in Q2,
    which had ended ("2024Q2 ended before the as-of day")."""
    q4 = parse_period("2024Q4")
    day = q4.end - 1 + time_of_day
    f = MonteCarlo(n_simulations=500, scenarios=20).fit(HISTORY, day).predict(q4)
    assert f.p10 is not None
    assert f.p90 is not None
    assert f.p10 <= f.p90
    assert "track record" in f.how


@settings(max_examples=30, deadline=None)
@given(
    period=periods,
    time_of_day=st.floats(min_value=0.0, max_value=0.999999),
)
def test_new_pipeline_from_the_previous_periods_last_day_at_any_time(
    period: Period, time_of_day: float
):
    """As of the last day of the previous period, at any time of day, the new pipeline is
    learned from the same past periods as from the period's first day: the period that
    ended that night is not dropped (and with it every earlier one)."""
    start = new_pipeline(HISTORY, period.start, period)
    eve = new_pipeline(HISTORY, period.start - 1 + time_of_day, period)
    assert start.rate > 0
    assert eve.rate == pytest.approx(start.rate)
    assert eve.note == start.note


def test_new_pipeline_skips_the_period_still_running():
    """A month ahead of the period, the one before it is still running: the run-rate comes
    from the periods before that one rather than from none."""
    q1 = parse_period("2025Q1")
    early = new_pipeline(HISTORY, q1.start - 31, q1)
    assert early.rate > 0
    assert "past periods" in early.note
