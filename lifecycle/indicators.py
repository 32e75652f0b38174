"""The three-contradictions indicator registry (三对矛盾).

The operator's report asks one question: "the system exists but does not run smoothly"
(体系已建立但运转不畅) — where? Each of its three contradictions is answered by a lever:

    attract  吸引  many target partners, few willing partners
    retain   保留  short-term attraction is easy, long-term cooperation is hard
    regulate 规范  partners are complex, channel management is not standardised

An indicator measures one lever. Apps register indicators from their AppConfig.ready();
the nightly job (lifecycle.indicator_job) computes every registered indicator for the
business date and stores one IndicatorSnapshot row per (key, as_of); the dashboard and the
API read only those snapshot rows, so they stay fast however many partners there are.

    from lifecycle.indicators import Indicator, IndicatorValue, Lever, register_indicator

    def conversion(as_of):
        ...a few aggregate queries, facts dated on or before as_of only...
        return IndicatorValue(value=Decimal("12.5"), numerator=25, denominator=200,
                              breakdown={"ISV": 10, "SI": 15})

    register_indicator(Indicator(key="attract.conversion", lever=Lever.ATTRACT,
        label=_("Funnel conversion"), help_text=_("…what it means…"), unit="percent",
        better="up", url_name="recruitment:funnel", order=10, compute=conversion))

`compute(as_of)` must use only facts up to the end of `as_of` (so month-end history can be
back-filled) and must be set-based (aggregate SQL, never a Python loop per partner).
`breakdown_labels` names breakdown keys that are not names themselves (e.g. {"lost": _("Lost")}).
`breakdown` values are in the indicator's unit (e.g. a percentage per partner type for a
percentage, a count per centre for a count). Registering the same key again replaces it.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Lever(models.TextChoices):
    ATTRACT = "attract", _("Attract")
    RETAIN = "retain", _("Retain")
    REGULATE = "regulate", _("Regulate")

    @property
    def contradiction(self) -> str:
        """The contradiction this lever answers (the report's sentence)."""
        return LEVER_CONTRADICTIONS[self]


LEVER_CONTRADICTIONS = {
    Lever.ATTRACT: _("Many target partners, few willing partners."),
    Lever.RETAIN: _("Short-term attraction is easy, long-term cooperation is hard."),
    Lever.REGULATE: _("Partners are complex, channel management is not standardised."),
}

UNITS = ("percent", "count", "days")
BETTER = ("up", "down")


@dataclass(frozen=True)
class IndicatorValue:
    value: Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    breakdown: dict | None = None


@dataclass(frozen=True)
class Indicator:
    key: str
    lever: str
    label: str
    compute: Callable[[datetime.date], IndicatorValue]
    help_text: str = ""
    unit: str = "count"
    better: str = "up"
    url_name: str = ""
    order: int = 100
    url_kwargs: dict = field(default_factory=dict)
    breakdown_labels: dict = field(default_factory=dict)  # breakdown key → label, where a key is no name

    def __post_init__(self):
        if self.lever not in Lever.values:
            raise ValueError(f"unknown lever {self.lever!r}")
        if self.unit not in UNITS:
            raise ValueError(f"unit must be one of {UNITS}")
        if self.better not in BETTER:
            raise ValueError(f"better must be one of {BETTER}")
        if not self.key or len(self.key) > 64:
            raise ValueError("key must be 1–64 characters")


_REGISTRY: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> Indicator:
    """Add (or replace, by key) an indicator."""
    _REGISTRY[indicator.key] = indicator
    return indicator


def unregister_indicator(key: str) -> None:
    _REGISTRY.pop(key, None)


def get_indicator(key: str) -> Indicator | None:
    return _REGISTRY.get(key)


def indicators(lever: str | None = None) -> list[Indicator]:
    """The registered indicators (of one lever), in (lever, order, key) order."""
    lever_order = {value: i for i, value in enumerate(Lever.values)}
    items = [i for i in _REGISTRY.values() if lever is None or i.lever == lever]
    return sorted(items, key=lambda i: (lever_order[i.lever], i.order, i.key))


def day_end(as_of: datetime.date) -> datetime.datetime:
    """The first instant after the as-of day in the business time zone: facts strictly before it count."""
    return timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator/denominator as a percentage with one decimal, None when there is nothing to divide."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` earlier (the month's last day when that month is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the day's month."""
    first_next = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_next - datetime.timedelta(days=1)
