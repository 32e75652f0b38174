"""Calendar arithmetic: hypothesis properties and the named cases from the issue."""
import datetime as dt
import importlib
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings, strategies as st

from support.business_time import (
    CalendarError,
    WorkingCalendar,
    add_working_time,
    is_working_instant,
    next_working_instant,
    signed_working_time,
    working_time,
)

SEED = importlib.import_module("support.migrations.0002_reference_data")
SH = ZoneInfo("Asia/Shanghai")
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


def china_2026():
    holidays = [day for _name, _zh, dates in SEED.HOLIDAYS_2026 for day in dates]
    workdays = {day: 0 for day, _name, _zh in SEED.MAKEUP_2026}
    return WorkingCalendar(tz="Asia/Shanghai", weekly={d: SEED.WINDOWS for d in range(5)},
                           holidays=holidays, workdays=workdays)


CAL = china_2026()


def at(*args):
    return dt.datetime(*args, tzinfo=SH)


# --- named cases ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "case, start, amount, due",
    [
        ("inside a morning window", at(2026, 3, 10, 9, 30), H, at(2026, 3, 10, 10, 30)),
        ("opened after hours", at(2026, 3, 10, 19, 0), H, at(2026, 3, 11, 10, 0)),
        ("opened before hours", at(2026, 3, 10, 7, 15), 30 * M, at(2026, 3, 10, 9, 30)),
        ("opened at a weekend", at(2026, 3, 14, 10, 0), H, at(2026, 3, 16, 10, 0)),
        ("opened on a holiday", at(2026, 10, 1, 10, 0), H, at(2026, 10, 8, 10, 0)),
        ("opened on a make-up working day (Sunday 20 Sep)", at(2026, 9, 20, 10, 0), H, at(2026, 9, 20, 11, 0)),
        ("make-up Saturday 14 Feb counts", at(2026, 2, 13, 17, 0), H, at(2026, 2, 14, 9, 30)),
        ("across the lunch break", at(2026, 3, 9, 11, 30), H, at(2026, 3, 9, 14, 0)),
        ("opened during lunch", at(2026, 3, 9, 12, 30), 30 * M, at(2026, 3, 9, 14, 0)),
        ("ends exactly at the end of the morning", at(2026, 3, 9, 9, 0), 3 * H, at(2026, 3, 9, 12, 0)),
        ("across a weekend plus a holiday (Dragon Boat, Fri 19 Jun)", at(2026, 6, 18, 16, 30), 14 * H,
         at(2026, 6, 23, 16, 30)),
        ("Spring Festival make-up Saturday", at(2026, 2, 13, 16, 0), 7 * H, at(2026, 2, 14, 16, 0)),
        ("3 working days from a Monday morning", at(2026, 3, 9, 10, 0), 21 * H, at(2026, 3, 12, 10, 0)),
        ("11 working days across National Day", at(2026, 9, 28, 9, 0), 77 * H, at(2026, 10, 16, 17, 30)),
        ("zero from inside a window is the same instant", at(2026, 3, 9, 10, 0), dt.timedelta(0), at(2026, 3, 9, 10, 0)),
        ("zero from a weekend is the next window", at(2026, 3, 7, 10, 0), dt.timedelta(0), at(2026, 3, 9, 9, 0)),
    ],
)
def test_named_deadlines(case, start, amount, due):
    assert add_working_time(CAL, start, amount) == due, case
    assert working_time(CAL, start, due) == amount, case
    assert is_working_instant(CAL, due), case


def test_national_day_arithmetic_counts_the_make_up_days():
    # 28 Sep–10 Oct: Mon–Wed before the holiday (3 days), 1–7 Oct off, Thu 8, Fri 9, Sat 10 (make-up).
    assert working_time(CAL, at(2026, 9, 28, 0, 0), at(2026, 10, 11, 0, 0)) == 6 * 7 * H


def test_a_year_of_working_time_2026():
    # 365 days: 261 weekdays, minus 19 holiday weekdays, plus 6 make-up weekend days = 248 working days.
    assert working_time(CAL, at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0)) == 248 * 7 * H


def test_signed_working_time_is_negative_when_overdue():
    due = at(2026, 3, 9, 10, 0)
    assert signed_working_time(CAL, at(2026, 3, 9, 11, 0), due) == -H
    assert signed_working_time(CAL, due, at(2026, 3, 9, 11, 0)) == H


def test_naive_datetimes_are_refused():
    with pytest.raises(CalendarError):
        add_working_time(CAL, dt.datetime(2026, 3, 9, 10, 0), H)


def test_a_calendar_without_working_time_is_refused():
    with pytest.raises(CalendarError):
        WorkingCalendar(tz="Asia/Shanghai", weekly={})
    with pytest.raises(CalendarError):
        WorkingCalendar(tz="Asia/Shanghai", weekly={0: [("10:00", "09:00")]})


def test_instants_in_other_zones_are_the_same_instant():
    utc_start = at(2026, 3, 9, 9, 0).astimezone(dt.timezone.utc)  # 01:00 UTC
    assert add_working_time(CAL, utc_start, H) == at(2026, 3, 9, 10, 0)


def test_window_ending_at_midnight():
    cal = WorkingCalendar(tz="Asia/Shanghai", weekly={d: [("00:00", "00:00")] for d in range(7)})
    assert working_time(cal, at(2026, 3, 9, 0, 0), at(2026, 3, 12, 0, 0)) == 72 * H
    assert add_working_time(cal, at(2026, 3, 9, 23, 0), 2 * H) == at(2026, 3, 10, 1, 0)


def test_daylight_saving_time_counts_real_hours():
    # Europe/Berlin springs forward on 29 March 2026 at 02:00: a 00:00–06:00 window is 5 real hours.
    cal = WorkingCalendar(tz="Europe/Berlin", weekly={d: [("00:00", "06:00")] for d in range(7)})
    berlin = ZoneInfo("Europe/Berlin")
    day = dt.datetime(2026, 3, 29, 0, 0, tzinfo=berlin)
    end = dt.datetime(2026, 3, 30, 0, 0, tzinfo=berlin)
    assert working_time(cal, day, end) == 5 * H


# --- properties ------------------------------------------------------------------------------------
instants = st.datetimes(
    min_value=dt.datetime(2025, 12, 1), max_value=dt.datetime(2027, 1, 31), timezones=st.just(SH)
)
amounts = st.integers(min_value=0, max_value=40 * 7 * 60 * 60).map(lambda s: dt.timedelta(seconds=s))


@st.composite
def calendars(draw):
    """Random calendars: 1–3 windows on some weekdays, random holidays and make-up days."""
    zone = draw(st.sampled_from(["Asia/Shanghai", "Europe/Berlin", "America/New_York", "UTC"]))
    weekly = {}
    for day in range(7):
        cuts = sorted(draw(st.sets(st.integers(0, 96), min_size=0, max_size=6)))
        if len(cuts) % 2:
            cuts = cuts[:-1]
        weekly[day] = [(cuts[i] * 15, cuts[i + 1] * 15 or 1440) for i in range(0, len(cuts), 2)]
    assume(any(weekly.values()))
    dates = st.dates(min_value=dt.date(2025, 12, 1), max_value=dt.date(2027, 1, 31))
    holidays = draw(st.sets(dates, max_size=30))
    workdays = draw(st.dictionaries(dates, st.integers(0, 6), max_size=6))
    assume(any(weekly[w] for w in range(7)))
    return WorkingCalendar(tz=zone, weekly=weekly, holidays=holidays, workdays=workdays)


@settings(max_examples=300, deadline=None)
@given(start=instants, amount=amounts)
def test_due_is_in_working_time_and_round_trips(start, amount):
    due = add_working_time(CAL, start, amount)
    assert is_working_instant(CAL, due)
    assert due >= start
    assert working_time(CAL, start, due) == amount


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), start=instants, amount=amounts)
def test_round_trip_on_random_calendars(cal, start, amount):
    due = add_working_time(cal, start, amount)
    assert is_working_instant(cal, due)
    assert working_time(cal, start, due) == amount
    # Earliest: a moment earlier, less working time has passed (unless nothing was asked).
    if amount > dt.timedelta(0):
        assert working_time(cal, start, due - dt.timedelta(microseconds=1)) < amount


@settings(max_examples=300, deadline=None)
@given(a=instants, b=instants)
def test_measuring_then_adding_returns_the_earliest_equal_instant(a, b):
    a, b = min(a, b), max(a, b)
    elapsed = working_time(CAL, a, b)
    back = add_working_time(CAL, a, elapsed)
    assert back <= max(b, next_working_instant(CAL, a))
    assert working_time(CAL, a, back) == elapsed
    just_before = b - dt.timedelta(microseconds=1)
    if elapsed > dt.timedelta(0) and is_working_instant(CAL, b) and is_working_instant(CAL, just_before):
        assert back == b  # b is inside a window: it is the one instant with that much working time


@settings(max_examples=300, deadline=None)
@given(a=instants, b=instants, c=instants)
def test_working_time_is_additive(a, b, c):
    a, b, c = sorted([a, b, c])
    assert working_time(CAL, a, c) == working_time(CAL, a, b) + working_time(CAL, b, c)


@settings(max_examples=200, deadline=None)
@given(start=instants, first=amounts, second=amounts)
def test_adding_in_two_steps_equals_adding_once(start, first, second):
    assert add_working_time(CAL, add_working_time(CAL, start, first), second) == add_working_time(
        CAL, start, first + second
    )


@settings(max_examples=60, deadline=None)
@given(
    cal=calendars(),
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 12, 28)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
    minutes=st.integers(0, 3 * 24 * 60),
)
def test_working_time_matches_counting_minute_by_minute(cal, start, minutes):
    """The day-by-day stepping agrees with the slow definition: count working minutes one by one."""
    start = start.replace(tzinfo=cal.tz)
    end = start + dt.timedelta(minutes=minutes)
    counted = 0
    t = start.astimezone(dt.timezone.utc)
    stop = end.astimezone(dt.timezone.utc)
    while t < stop:
        mid = t + dt.timedelta(seconds=30)
        if is_working_instant(cal, mid):
            counted += 1
        t += M
    assert working_time(cal, start, end) == dt.timedelta(minutes=counted)
