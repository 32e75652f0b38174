"""Allocation measures: the figures the resource-allocation model weighs, one registry.

A measure scores every partner 0–100 on one figure the system already has (value, growth,
market potential by city, certification & trained people, product breadth, ticket behaviour,
satisfaction, …). The nightly allocation job (lifecycle.allocation.engine) weighs the measures
into two axes, intrinsic attractiveness and capability fit (weights in AllocationWeight,
editable), and places each partner on the grid.

A measure is a function that takes a `MeasureContext` and returns a Django QuerySet (of any
model) whose `.values()` rows are exactly:

    partner_id   the partner's id (int); at most ONE row per partner (aggregate if needed)
    score        a number 0–100 (values outside are clamped by the engine)

For the chunk's partners only (`ctx.partner_range("partner_id")`: ids ctx.partner_lo …
ctx.partner_hi inclusive) and using only facts dated on or before `ctx.as_of` (`ctx.day_end`
for datetimes: everything strictly before it). A partner without a row scores
`Measure.missing` (0 unless the measure says otherwise) for that measure.

The engine never iterates the rows in Python: it compiles the QuerySet and runs
`INSERT INTO allocation_measurevalue (…) SELECT … FROM (<your query>)` in the chunk's
transaction, on SQLite and PostgreSQL alike.

Register from your app's AppConfig.ready() (registering the same key again replaces it); guard
the import so your app still works without the allocation app installed:

    try:
        from lifecycle.allocation.measures import Measure, register_measure
    except ImportError:  # pragma: no cover
        pass
    else:
        register_measure(Measure(key="satisfaction", label=_("Satisfaction index"),
                                 description=_("…how it is computed…"), query=satisfaction_measure))
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Q, QuerySet
from django.utils import timezone

REQUIRED_COLUMNS = ("partner_id", "score")


@dataclass(frozen=True)
class MeasureContext:
    as_of: datetime.date
    partner_lo: int
    partner_hi: int
    extra: dict = field(default_factory=dict)

    @property
    def day_start(self) -> datetime.datetime:
        """The as-of day's first instant in the business time zone (Asia/Shanghai)."""
        return timezone.make_aware(datetime.datetime.combine(self.as_of, datetime.time.min))

    @property
    def day_end(self) -> datetime.datetime:
        """The first instant after the as-of day: facts strictly before it count."""
        return self.day_start + datetime.timedelta(days=1)

    def partner_range(self, field: str = "partner_id") -> Q:
        """`lo <= <field> <= hi`: restrict a measure's query to the chunk's partners."""
        return Q(**{f"{field}__gte": self.partner_lo, f"{field}__lte": self.partner_hi})


MeasureQuery = Callable[[MeasureContext], QuerySet]


@dataclass(frozen=True)
class Measure:
    key: str
    label: object
    query: MeasureQuery
    description: object = ""
    missing: int = 0  # the score of a partner without a row
    order: int = 100  # display order on the settings panel


_measures: dict[str, Measure] = {}


def register_measure(measure: Measure) -> Measure:
    """Add (or replace) the measure with this key."""
    key = str(measure.key)
    if not key or len(key) > 40 or not key.replace("_", "").replace(".", "").isalnum():
        raise ValueError("a measure key is 1 to 40 letters, digits, '_' or '.'")
    if not 0 <= int(measure.missing) <= 100:
        raise ValueError("a measure's missing score is 0 to 100")
    _measures[key] = measure
    return measure


def unregister_measure(key: str) -> None:
    _measures.pop(str(key), None)


def registered_measures() -> list[Measure]:
    """The registered measures, in display order (then by key)."""
    return sorted(_measures.values(), key=lambda m: (m.order, m.key))


def get_measure(key: str) -> Measure | None:
    return _measures.get(str(key))


def measure_label(key: str):
    measure = _measures.get(key)
    return measure.label if measure is not None else key


def compile_measure(measure: Measure, ctx: MeasureContext, connection) -> tuple[str, tuple]:
    """The measure's SELECT (partner_id, score) as SQL and parameters."""
    queryset = measure.query(ctx)
    names = set(queryset.query.values_select) | set(queryset.query.annotation_select)
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise ValueError(f"allocation measure {measure.key!r} must return .values() with {REQUIRED_COLUMNS}; missing {missing}")
    queryset = queryset.order_by().values(*REQUIRED_COLUMNS)
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)
