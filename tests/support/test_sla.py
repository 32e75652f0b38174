"""The SLA engine: clocks rebuilt from a ticket's status history (pure, no database)."""
import datetime as dt

from hypothesis import given, settings, strategies as st

from support.choices import SlaStatus, TargetKind, TicketStatus as S
from support.sla import TargetSpec, Timeline, evaluate, time_left
from tests.support.test_business_time import CAL, H, M, at

RESOLUTION_7H = TargetSpec(code="resolution", kind=TargetKind.RESOLUTION, amount=7 * H, pauses=True)
FIRST_1H = TargetSpec(code="first_response", kind=TargetKind.FIRST_RESPONSE, amount=H, pauses=False)
MON = at(2026, 3, 9, 9, 0)  # a Monday with no holiday around


def timeline(opened, *statuses, responses=(), milestones=None):
    return Timeline(opened_at=opened, statuses=[(opened, S.NEW), *statuses], responses=list(responses),
                    milestones=milestones or {})


def test_running_clock_due_and_warning():
    result = evaluate(CAL, RESOLUTION_7H, timeline(MON), now=at(2026, 3, 9, 10, 0))
    assert result.status == SlaStatus.RUNNING
    assert result.due_at == at(2026, 3, 9, 17, 30)
    assert result.warn_at == at(2026, 3, 9, 16, 6)  # 80% of 7 h = 5 h 36 min
    assert result.consumed == H


def test_two_consecutive_pauses():
    history = timeline(
        MON,
        (at(2026, 3, 9, 10, 0), S.WAITING_ON_PARTNER), (at(2026, 3, 9, 11, 0), S.IN_PROGRESS),
        (at(2026, 3, 9, 14, 0), S.WAITING_ON_PARTNER), (at(2026, 3, 9, 15, 0), S.IN_PROGRESS),
    )
    result = evaluate(CAL, RESOLUTION_7H, history, now=at(2026, 3, 9, 16, 0))
    assert result.paused == 2 * H
    assert result.due_at == at(2026, 3, 10, 11, 0)
    assert result.status == SlaStatus.RUNNING


def test_waiting_twice_in_a_row_counts_once():
    history = timeline(
        MON,
        (at(2026, 3, 9, 10, 0), S.WAITING_ON_PARTNER), (at(2026, 3, 9, 10, 30), S.WAITING_ON_PARTNER),
        (at(2026, 3, 9, 11, 0), S.IN_PROGRESS),
    )
    assert evaluate(CAL, RESOLUTION_7H, history, now=at(2026, 3, 9, 16, 0)).paused == H


def test_pause_across_a_weekend_counts_working_time_only():
    fri = at(2026, 3, 13, 9, 0)
    history = timeline(fri, (at(2026, 3, 13, 16, 0), S.WAITING_ON_PARTNER), (at(2026, 3, 16, 10, 0), S.IN_PROGRESS))
    result = evaluate(CAL, RESOLUTION_7H, history, now=at(2026, 3, 16, 10, 30))
    assert result.paused == dt.timedelta(hours=2, minutes=30)
    assert result.due_at == at(2026, 3, 16, 11, 30)


def test_paused_clock_has_no_due_time_and_keeps_its_time_left():
    history = timeline(MON, (at(2026, 3, 9, 11, 0), S.WAITING_ON_PARTNER))
    result = evaluate(CAL, RESOLUTION_7H, history, now=at(2026, 3, 11, 15, 0))
    assert result.status == SlaStatus.PAUSED
    assert result.due_at is None and result.paused_since == at(2026, 3, 9, 11, 0)
    assert result.consumed == 2 * H
    assert time_left(CAL, target=7 * H, evaluation=result, now=at(2026, 3, 11, 15, 0)) == 5 * H


def test_paused_straight_to_resolved_is_met():
    target = TargetSpec(code="resolution", kind=TargetKind.RESOLUTION, amount=2 * H)
    history = timeline(MON, (at(2026, 3, 9, 10, 0), S.WAITING_ON_PARTNER), (at(2026, 3, 11, 10, 0), S.RESOLVED))
    result = evaluate(CAL, target, history, now=at(2026, 3, 12, 9, 0))
    assert result.status == SlaStatus.MET
    assert result.met_at == at(2026, 3, 11, 10, 0)
    assert result.consumed == H
    assert result.breached_at is None


def test_reply_exactly_at_the_due_time_is_in_time():
    result = evaluate(CAL, FIRST_1H, timeline(MON, responses=[at(2026, 3, 9, 10, 0)]), now=at(2026, 3, 9, 12, 0))
    assert result.status == SlaStatus.MET and result.due_at == result.met_at
    late = evaluate(CAL, FIRST_1H, timeline(MON, responses=[at(2026, 3, 9, 10, 0, 1)]), now=at(2026, 3, 9, 12, 0))
    assert late.status == SlaStatus.BREACHED and late.breached_at == at(2026, 3, 9, 10, 0)


def test_first_response_does_not_pause():
    history = timeline(MON, (at(2026, 3, 9, 9, 10), S.WAITING_ON_PARTNER))
    result = evaluate(CAL, FIRST_1H, history, now=at(2026, 3, 9, 9, 50))
    assert result.status == SlaStatus.RUNNING and result.due_at == at(2026, 3, 9, 10, 0)


def test_reopen_after_resolve_runs_again_with_the_resolved_stretch_paused():
    history = timeline(MON, (at(2026, 3, 9, 11, 0), S.RESOLVED), (at(2026, 3, 10, 10, 0), S.REOPENED))
    result = evaluate(CAL, RESOLUTION_7H, history, now=at(2026, 3, 10, 11, 0))
    assert result.status == SlaStatus.RUNNING and result.met_at is None
    assert result.paused == 6 * H
    assert result.due_at == at(2026, 3, 10, 16, 30)
    resolved_again = timeline(
        MON, (at(2026, 3, 9, 11, 0), S.RESOLVED), (at(2026, 3, 10, 10, 0), S.REOPENED),
        (at(2026, 3, 10, 15, 0), S.RESOLVED), (at(2026, 3, 11, 9, 0), S.CLOSED),
    )
    final = evaluate(CAL, RESOLUTION_7H, resolved_again, now=at(2026, 3, 12, 9, 0))
    assert final.status == SlaStatus.MET and final.met_at == at(2026, 3, 10, 15, 0)


def test_breach_before_a_pause_stays_recorded_while_paused():
    target = TargetSpec(code="resolution", kind=TargetKind.RESOLUTION, amount=H)
    history = timeline(MON, (at(2026, 3, 9, 11, 0), S.WAITING_ON_PARTNER))
    result = evaluate(CAL, target, history, now=at(2026, 3, 9, 15, 0))
    assert result.status == SlaStatus.BREACHED and result.breached_at == at(2026, 3, 9, 10, 0)
    assert result.paused_since == at(2026, 3, 9, 11, 0)


def test_milestone_met_when_recorded_and_otherwise_by_resolution():
    resources = TargetSpec(code="resources_confirmed", kind=TargetKind.MILESTONE, amount=21 * H)
    history = timeline(MON, milestones={"resources_confirmed": at(2026, 3, 10, 10, 0)})
    assert evaluate(CAL, resources, history, now=at(2026, 3, 11, 9, 0)).met_at == at(2026, 3, 10, 10, 0)
    resolved = timeline(MON, (at(2026, 3, 9, 15, 0), S.RESOLVED))
    assert evaluate(CAL, resources, resolved, now=at(2026, 3, 11, 9, 0)).status == SlaStatus.MET


def test_opened_at_a_weekend_starts_counting_on_monday():
    sat = at(2026, 3, 7, 10, 0)
    result = evaluate(CAL, FIRST_1H, timeline(sat), now=at(2026, 3, 7, 18, 0))
    assert result.due_at == at(2026, 3, 9, 10, 0) and result.consumed == dt.timedelta(0)


# A random history: the clock's consumed time plus its paused time is all working time elapsed,
# and the clock never reports a due time outside working time.
statuses = st.sampled_from([S.ACKNOWLEDGED, S.IN_PROGRESS, S.WAITING_ON_PARTNER, S.RESOLVED, S.REOPENED])


@settings(max_examples=200, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(1, 3 * 24 * 60), statuses), max_size=8),
       hours=st.integers(1, 80), tail=st.integers(0, 5 * 24 * 60))
def test_random_histories_account_for_all_working_time(steps, hours, tail):
    from support.business_time import is_working_instant, working_time

    history, t = [], MON
    for minutes, status in steps:
        t = t + minutes * M
        history.append((t, status))
    now = t + tail * M
    target = TargetSpec(code="resolution", kind=TargetKind.RESOLUTION, amount=hours * H)
    result = evaluate(CAL, target, timeline(MON, *history), now=now)
    end = result.met_at or now
    assert result.consumed + result.paused == working_time(CAL, MON, end)
    if result.due_at is not None:
        assert is_working_instant(CAL, result.due_at)
    if result.status == SlaStatus.BREACHED:
        assert result.breached_at is not None and result.consumed >= target.amount
    if result.status in (SlaStatus.RUNNING, SlaStatus.PAUSED):
        assert result.consumed <= target.amount
