"""Reads of the three-contradictions dashboard: the registered indicators with their prepared
snapshots (lifecycle.models.IndicatorSnapshot). Never computes an indicator: two queries (the
latest day, then the month-end rows of the period), however many partners there are."""
from __future__ import annotations

import datetime

from django.db.models import Max
from django.urls import NoReverseMatch, reverse

from .indicators import LEVER_CONTRADICTIONS, Indicator, Lever, indicators, month_end, months_before
from .models import IndicatorSnapshot

DEFAULT_MONTHS = 24


def _url(indicator: Indicator) -> str | None:
    if not indicator.url_name:
        return None
    try:
        return reverse(indicator.url_name, kwargs=indicator.url_kwargs or None)
    except NoReverseMatch:  # the explaining page's app is not installed
        return None


def _point(row: IndicatorSnapshot | None) -> dict | None:
    if row is None:
        return None
    return {"as_of": row.as_of, "value": row.value}


def trend_days(latest: datetime.date, months: int) -> list[datetime.date]:
    """The month ends of the `months` months before the latest day's month, then the latest day."""
    days = [month_end(months_before(latest, back)) for back in range(months, 0, -1)]
    return [d for d in days if d < latest] + [latest]


def latest_indicator_day(as_of: datetime.date | None = None) -> datetime.date | None:
    rows = IndicatorSnapshot.objects.all()
    if as_of is not None:
        rows = rows.filter(as_of__lte=as_of)
    return rows.aggregate(day=Max("as_of"))["day"]


def indicator_entry(indicator: Indicator, rows: dict[datetime.date, IndicatorSnapshot], days: list[datetime.date]) -> dict:
    """One indicator on the board: its latest value, the month-end value before it, the change
    between them and the trend (month ends, then the latest day)."""
    trend = [rows[d] for d in days if d in rows]
    latest = trend[-1] if trend else None
    previous = trend[-2] if len(trend) > 1 else None
    change = None
    if latest is not None and previous is not None and latest.value is not None and previous.value is not None:
        change = latest.value - previous.value
    return {
        "key": indicator.key,
        "lever": indicator.lever,
        "label": str(indicator.label),
        "help_text": " ".join(str(indicator.help_text).split()),
        "unit": indicator.unit,
        "better": indicator.better,
        "url": _url(indicator),
        "as_of": latest.as_of if latest else None,
        "value": latest.value if latest else None,
        "numerator": latest.numerator if latest else None,
        "denominator": latest.denominator if latest else None,
        "breakdown": latest.breakdown if latest else {},
        "breakdown_labels": {str(k): str(v) for k, v in indicator.breakdown_labels.items()},
        "previous": _point(previous),
        "change": change,
        "trend": [_point(row) for row in trend],
    }


def contradictions_board(*, as_of: datetime.date | None = None, months: int = DEFAULT_MONTHS) -> dict:
    """Per lever (attract, retain, regulate): its contradiction and its registered indicators
    with their latest values as of the latest computed day (up to `as_of` when given)."""
    registered = indicators()
    latest = latest_indicator_day(as_of)
    days = trend_days(latest, months) if latest else []
    by_key: dict[str, dict[datetime.date, IndicatorSnapshot]] = {i.key: {} for i in registered}
    if latest:
        for row in IndicatorSnapshot.objects.filter(key__in=list(by_key), as_of__in=days).order_by("as_of"):
            by_key[row.key][row.as_of] = row
    levers = []
    for lever in Lever:
        levers.append({
            "key": lever.value,
            "label": str(lever.label),
            "contradiction": str(LEVER_CONTRADICTIONS[lever]),
            "indicators": [indicator_entry(i, by_key[i.key], days) for i in registered if i.lever == lever],
        })
    return {"as_of": latest, "months": months, "levers": levers}


def indicator_history(*, key: str, date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    """Every stored snapshot of one indicator in the period, oldest first."""
    rows = IndicatorSnapshot.objects.filter(key=key)
    if date_from:
        rows = rows.filter(as_of__gte=date_from)
    if date_to:
        rows = rows.filter(as_of__lte=date_to)
    return rows.order_by("as_of")
