"""Working-time arithmetic on a business calendar. Pure functions, no database.

A calendar has an IANA time zone, working windows per weekday (several per day: a lunch break
is the gap between two windows), dated public holidays (no working time at all) and the
make-up working days China declares (调休: a Saturday or Sunday that works like a weekday).

Working time is the union of the windows, each a closed interval [start, end] in local wall
time. All arithmetic is exact (timedelta, microseconds) and steps through the windows day by
day, never minute by minute, so a deadline eleven working days out costs about fifteen small
steps. Instants are compared in UTC, so a zone with daylight saving time counts real time.

    cal = WorkingCalendar(tz="Asia/Shanghai", weekly={0: [("09:00", "12:00"), ("13:30", "17:30")], ...},
                          holidays={date(2026, 10, 1)}, workdays={date(2026, 9, 27): 0})
    due = add_working_time(cal, opened_at, timedelta(hours=7))
    left = working_time(cal, now, due)
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc
ZERO = dt.timedelta(0)
MINUTES_PER_DAY = 24 * 60
# A search for working time gives up after this many days (a calendar with none at all).
MAX_SEARCH_DAYS = 366 * 30

Window = tuple[int, int]  # minutes from local midnight, start < end <= 1440


class CalendarError(ValueError):
    pass


def _minutes(value) -> int:
    """'09:30', a datetime.time or an int of minutes → minutes from midnight."""
    if isinstance(value, int):
        return value
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    hours, minutes = str(value).split(":")[:2]
    return int(hours) * 60 + int(minutes)


def normalise_windows(windows: Iterable) -> tuple[Window, ...]:
    """Sorted, non-empty windows; overlapping or touching ones are merged.

    An end of 0 minutes (00:00) means midnight at the end of the day (24:00).
    """
    spans = []
    for start, end in windows:
        start, end = _minutes(start), _minutes(end)
        if end == 0:
            end = MINUTES_PER_DAY
        if not (0 <= start < end <= MINUTES_PER_DAY):
            raise CalendarError(f"invalid working window {start}-{end}")
        spans.append((start, end))
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


class WorkingCalendar:
    """An immutable business calendar with a per-day cache of its windows as UTC instants."""

    __slots__ = ("tz", "weekly", "holidays", "workdays", "_days", "key")

    def __init__(
        self,
        *,
        tz: str | ZoneInfo = "Asia/Shanghai",
        weekly: Mapping[int, Iterable] | Sequence[Iterable],
        holidays: Iterable[dt.date] = (),
        workdays: Mapping[dt.date, int] | Iterable[dt.date] = (),
        key=None,
    ):
        self.tz = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        if isinstance(weekly, Mapping):
            weekly = [weekly.get(day, ()) for day in range(7)]
        weekly = tuple(normalise_windows(day) for day in weekly)
        if len(weekly) != 7:
            raise CalendarError("a calendar needs windows for the seven weekdays")
        if not any(weekly):
            raise CalendarError("a calendar needs at least one working window in the week")
        self.weekly = weekly
        self.holidays = frozenset(holidays)
        if not isinstance(workdays, Mapping):
            workdays = {day: 0 for day in workdays}  # works like a Monday by default
        self.workdays = {day: int(as_weekday) for day, as_weekday in workdays.items()}
        self._days: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = {}
        self.key = key

    # -- the shape of one day -------------------------------------------------------------------
    def local_windows(self, day: dt.date) -> tuple[Window, ...]:
        """The working windows of a local date: none on a holiday, a weekday's on a make-up day."""
        if day in self.workdays:
            return self.weekly[self.workdays[day]]
        if day in self.holidays:
            return ()
        return self.weekly[day.weekday()]

    def day_windows(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The windows of a local date as (start, end) UTC instants, cached."""
        cached = self._days.get(day)
        if cached is None:
            midnight = dt.datetime(day.year, day.month, day.day, tzinfo=self.tz)
            cached = tuple(
                (self._instant(midnight, start), self._instant(midnight, end)) for start, end in self.local_windows(day)
            )
            self._days[day] = cached
        return cached

    def _instant(self, midnight: dt.datetime, minutes: int) -> dt.datetime:
        # Wall-clock arithmetic in the zone, then the real instant.
        if minutes == MINUTES_PER_DAY:
            nxt = (midnight + dt.timedelta(days=1)).date()
            return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=self.tz).astimezone(UTC)
        return (midnight + dt.timedelta(minutes=minutes)).astimezone(UTC)

    def local_date(self, instant: dt.datetime) -> dt.date:
        return _aware(instant).astimezone(self.tz).date()

    def standard_day(self) -> dt.timedelta:
        """Length of a normal working day: the longest weekday's working time."""
        return dt.timedelta(minutes=max(sum(e - s for s, e in day) for day in self.weekly))


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise CalendarError("working-time arithmetic needs aware datetimes")
    return value


def _days_from(cal: WorkingCalendar, instant: dt.datetime):
    # Start one local day early: a window of the previous local date never reaches past its
    # midnight, but stepping from the day before costs nothing and keeps DST edges safe.
    day = cal.local_date(instant) - dt.timedelta(days=1)
    for _ in range(MAX_SEARCH_DAYS):
        yield day
        day += dt.timedelta(days=1)
    raise CalendarError("no working time found in the calendar")


def is_working_instant(cal: WorkingCalendar, instant: dt.datetime) -> bool:
    """Whether the instant lies in a working window (both ends included)."""
    instant = _aware(instant).astimezone(UTC)
    day = cal.local_date(instant)
    for candidate in (day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)):
        for start, end in cal.day_windows(candidate):
            if start <= instant <= end:
                return True
    return False


def next_working_instant(cal: WorkingCalendar, instant: dt.datetime) -> dt.datetime:
    """The instant itself when it is working time, else the start of the next window."""
    return add_working_time(cal, instant, ZERO)


def add_working_time(cal: WorkingCalendar, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The earliest instant at which `amount` of working time has passed since `start`.

    The result always lies in a working window (an end counts: 12:00 is a due time when the
    morning window ends at 12:00). Returned in the calendar's zone.
    """
    if amount < ZERO:
        raise CalendarError("cannot add a negative working time")
    start = _aware(start).astimezone(UTC)
    remaining = amount
    for day in _days_from(cal, start):
        for window_start, window_end in cal.day_windows(day):
            if window_end < start:
                continue
            begin = max(window_start, start)
            available = window_end - begin
            if remaining <= available:
                return (begin + remaining).astimezone(cal.tz)
            remaining -= available
    raise CalendarError("no working time found in the calendar")  # pragma: no cover (generator raises)


def working_time(cal: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time between two instants (zero when `end` is not after `start`)."""
    start = _aware(start).astimezone(UTC)
    end = _aware(end).astimezone(UTC)
    if end <= start:
        return ZERO
    total = ZERO
    day = cal.local_date(start) - dt.timedelta(days=1)
    last = cal.local_date(end) + dt.timedelta(days=1)
    while day <= last:
        for window_start, window_end in cal.day_windows(day):
            lo = max(window_start, start)
            hi = min(window_end, end)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total


def signed_working_time(cal: WorkingCalendar, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Working time from `start` to `end`, negative when `end` is earlier (time overdue)."""
    if end >= start:
        return working_time(cal, start, end)
    return -working_time(cal, end, start)


def working_time_in(
    cal: WorkingCalendar, intervals: Iterable[tuple[dt.datetime, dt.datetime]]
) -> dt.timedelta:
    """Total working time of several intervals (they must not overlap)."""
    total = ZERO
    for start, end in intervals:
        total += working_time(cal, start, end)
    return total
