"""The nightly allocation job, set-based SQL, chunked by partner-id range (SQLite and PostgreSQL).

Per chunk (ids lo…hi, one transaction; repeating it gives the same rows):
  1. DELETE the chunk's MeasureValue rows; INSERT … SELECT each registered measure's query
     (scores rounded and clamped to 0…100) for the chunk's partners that are not exited;
  2. DELETE the chunk's PartnerAllocation rows; INSERT one per partner not exited (joined on or
     before the as-of day) with its current city, type and tier, its two axis scores (one
     aggregate pass over the measure values) and its bands and segment (CASE expressions).
Then, once: the day's SegmentCount rows are rebuilt with one GROUP BY (delete and replace), and
older days that are not month ends are dropped (the monthly history stays).

Axis score = round(Σ weight · measure / Σ weight) over the measures registered now (a weight
of a measure that is not registered, e.g. satisfaction without the surveys app, is left out of
both sums); half rounds up; a partner without a measure's row counts the measure's `missing`
score (0 unless the measure says otherwise). Integer arithmetic, exact on both databases:
numerator = Σ weight · missing + Σ over the partner's rows of weight · (score − missing).

Edits re-place partners without recomputing the measures: `derive_scores` (weights changed:
scores, bands and segment in one UPDATE … FROM) and `derive_segments` (grid changed: bands and
segment from the stored scores).
"""
from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from partners.choices import PartnerStatus
from partners.models import Partner

from . import measures as registry
from .choices import Axis
from .grid import Grid
from .models import AllocationSettings, AllocationWeight, MeasureValue, PartnerAllocation, SegmentCount

MV = MeasureValue._meta.db_table
PA = PartnerAllocation._meta.db_table
SC = SegmentCount._meta.db_table
P = Partner._meta.db_table


@dataclass(frozen=True)
class WeightRow:
    axis: str
    measure: str
    weight: int
    missing: int


@dataclass
class RunResult:
    as_of: datetime.date
    chunks: int = 0
    partners: int = 0
    measures: list[str] = field(default_factory=list)


def default_as_of() -> datetime.date:
    """The last complete business day (yesterday in Asia/Shanghai), like the lifecycle job."""
    return timezone.localdate() - datetime.timedelta(days=1)


def effective_weights() -> list[WeightRow]:
    """The weights of registered measures with a weight above 0."""
    rows = []
    for w in AllocationWeight.objects.filter(weight__gt=0).order_by("axis", "measure"):
        measure = registry.get_measure(w.measure)
        if measure is not None:
            rows.append(WeightRow(axis=w.axis, measure=w.measure, weight=w.weight, missing=measure.missing))
    return rows


def chunk_ranges(chunk_size: int) -> list[tuple[int, int]]:
    bounds = Partner.objects.aggregate(lo=Min("id"), hi=Max("id"))
    lo, hi = bounds["lo"], bounds["hi"]
    if lo is None:
        return []
    return [(start, min(start + chunk_size - 1, hi)) for start in range(lo, hi + 1, chunk_size)]


def _execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def _date(day: datetime.date):
    return day if connection.vendor == "postgresql" else day.isoformat()


def run_chunk(*, as_of: datetime.date, lo: int, hi: int, settings: AllocationSettings, weights: list[WeightRow]) -> int:
    """Compute one partner-id range (inside the caller's transaction). Returns the partners placed."""
    day = _date(as_of)
    population = f"SELECT id FROM {P} WHERE id BETWEEN %s AND %s AND status <> %s AND joined_on <= %s"
    pop_params = [lo, hi, PartnerStatus.EXITED, day]
    _execute(f"DELETE FROM {MV} WHERE partner_id BETWEEN %s AND %s", [lo, hi])
    ctx = registry.MeasureContext(as_of=as_of, partner_lo=lo, partner_hi=hi, extra={"settings": settings})
    for measure in registry.registered_measures():
        sql, params = registry.compile_measure(measure, ctx, connection)
        _execute(
            f"""INSERT INTO {MV} (partner_id, measure, as_of, score)
            SELECT q.partner_id, %s, %s,
                   CASE WHEN q.score < 0 THEN 0 WHEN q.score > 100 THEN 100
                        ELSE CAST(ROUND(q.score * 1.0) AS INTEGER) END
            FROM ({sql}) q
            WHERE q.score IS NOT NULL AND q.partner_id IN ({population})""",
            [measure.key, day, *params, *pop_params],
        )
    _execute(f"DELETE FROM {PA} WHERE partner_id BETWEEN %s AND %s", [lo, hi])
    source = (f"SELECT id, city_id, partner_type_id, tier FROM {P} "
              f"WHERE id BETWEEN %s AND %s AND status <> %s AND joined_on <= %s")
    scores_sql, scores_params = _scores_select(lo=lo, hi=hi, weights=weights, source=source, source_params=pop_params)
    grid = Grid.from_settings(settings)
    return _execute(
        f"""INSERT INTO {PA} (partner_id, as_of, city_id, partner_type_id, tier, attractiveness, fit,
                              attractiveness_band, fit_band, segment)
        SELECT x.partner_id, %s, x.city_id, x.partner_type_id, x.tier, x.a, x.f,
               {_band_case("x.a", grid.attractiveness_bounds)}, {_band_case("x.f", grid.fit_bounds)}, {_segment_case("x.a", "x.f", grid)}
        FROM ({scores_sql}) x""",
        [day, *scores_params],
    )


def _axis_sums(rows: list[WeightRow]) -> tuple[str, list, int, int]:
    """(SUM(CASE …) of weight · (score − missing) over the rows' measures, its params,
    Σ weight · missing, Σ weight). A partner's numerator is Σ w·missing + that sum."""
    if not rows:
        return "0", [], 0, 0
    whens = " ".join("WHEN %s THEN %s * (score - %s)" for _row in rows)
    params = [value for row in rows for value in (row.measure, int(row.weight), int(row.missing))]
    base = sum(int(row.weight) * int(row.missing) for row in rows)
    total = sum(int(row.weight) for row in rows)
    return f"SUM(CASE measure {whens} ELSE 0 END)", params, base, total


def _axis_score(column: str, base: int, total: int) -> str:
    """round(numerator / Σ weight), half up, in integers (both are ≥ 0)."""
    if total <= 0:
        return "0"
    return f"((2 * ({int(base)} + COALESCE({column}, 0)) + {int(total)}) / {2 * int(total)})"


def _scores_select(*, lo: int, hi: int, weights: list[WeightRow], source: str, source_params: list) -> tuple[str, list]:
    """SELECT partner_id, city_id, partner_type_id, tier, a, f for the partners of `source`
    (a SELECT of id, city_id, partner_type_id, tier): one aggregate pass over the measure values."""
    a_sum, a_params, a_base, a_total = _axis_sums([w for w in weights if w.axis == Axis.ATTRACTIVENESS])
    f_sum, f_params, f_base, f_total = _axis_sums([w for w in weights if w.axis == Axis.FIT])
    sql = f"""SELECT src.id AS partner_id, src.city_id, src.partner_type_id, src.tier,
                     {_axis_score("s.da", a_base, a_total)} AS a, {_axis_score("s.df", f_base, f_total)} AS f
              FROM ({source}) src
              LEFT JOIN (SELECT partner_id, {a_sum} AS da, {f_sum} AS df FROM {MV}
                         WHERE partner_id BETWEEN %s AND %s GROUP BY partner_id) s ON s.partner_id = src.id"""
    return sql, [*source_params, *a_params, *f_params, lo, hi]


def _band_case(column: str, bounds: tuple[int, ...]) -> str:
    """The band of a score: how many boundaries are ≤ it (a score equal to a boundary is in the
    higher band). Boundaries are validated whole numbers, written into the SQL as such."""
    whens = " ".join(f"WHEN {column} >= {int(bounds[i])} THEN {i + 1}" for i in reversed(range(len(bounds))))
    return f"(CASE {whens} ELSE 0 END)"


def _segment_case(a_column: str, f_column: str, grid: Grid) -> str:
    a_band, f_band = _band_case(a_column, grid.attractiveness_bounds), _band_case(f_column, grid.fit_bounds)
    whens = " ".join(
        f"WHEN {a_band} = {a} AND {f_band} = {f} THEN {int(segment)}"
        for a, row in enumerate(grid.segments) for f, segment in enumerate(row)
    )
    return f"(CASE {whens} ELSE 0 END)"


def derive_scores(*, lo: int, hi: int, weights: list[WeightRow], grid: Grid) -> int:
    """UPDATE the scores, bands and segment of the range's placed partners from their stored
    measure values (after the weights changed)."""
    source = f"SELECT partner_id AS id, city_id, partner_type_id, tier FROM {PA} WHERE partner_id BETWEEN %s AND %s"
    scores_sql, scores_params = _scores_select(lo=lo, hi=hi, weights=weights, source=source, source_params=[lo, hi])
    return _execute(
        f"""UPDATE {PA} SET attractiveness = x.a, fit = x.f,
                attractiveness_band = {_band_case("x.a", grid.attractiveness_bounds)},
                fit_band = {_band_case("x.f", grid.fit_bounds)},
                segment = {_segment_case("x.a", "x.f", grid)}
            FROM ({scores_sql}) x WHERE {PA}.partner_id = x.partner_id""",
        scores_params,
    )


def derive_segments(*, lo: int, hi: int, grid: Grid) -> int:
    """UPDATE the bands and segment of the range's placed partners from their scores (after the
    grid changed)."""
    return _execute(
        f"""UPDATE {PA} SET attractiveness_band = {_band_case("attractiveness", grid.attractiveness_bounds)},
                fit_band = {_band_case("fit", grid.fit_bounds)},
                segment = {_segment_case("attractiveness", "fit", grid)}
            WHERE partner_id BETWEEN %s AND %s""",
        [lo, hi],
    )


def _month_end(day: datetime.date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def rebuild_counts(*, as_of: datetime.date) -> int:
    """Replace the day's SegmentCount rows from the placed partners; keep month ends only before it."""
    day = _date(as_of)
    _execute(f"DELETE FROM {SC} WHERE as_of = %s", [day])
    rows = _execute(
        f"""INSERT INTO {SC} (as_of, segment, attractiveness_band, fit_band, city_id, partner_type_id, tier, partners)
        SELECT %s, segment, attractiveness_band, fit_band, city_id, partner_type_id, tier, COUNT(*)
        FROM {PA} GROUP BY segment, attractiveness_band, fit_band, city_id, partner_type_id, tier""",
        [day],
    )
    stale = [d for d in SegmentCount.objects.filter(as_of__lt=as_of).values_list("as_of", flat=True).distinct()
             if not _month_end(d)]
    if stale:
        SegmentCount.objects.filter(as_of__in=stale).delete()
    return rows


def allocation_run(*, as_of: datetime.date, chunk_size: int | None = None) -> RunResult:
    """The whole job: every chunk in its own transaction, then the counts."""
    settings = AllocationSettings.load()
    weights = effective_weights()
    result = RunResult(as_of=as_of, measures=[m.key for m in registry.registered_measures()])
    for lo, hi in chunk_ranges(chunk_size or settings.chunk_size):
        with transaction.atomic():
            result.partners += run_chunk(as_of=as_of, lo=lo, hi=hi, settings=settings, weights=weights)
        result.chunks += 1
    with transaction.atomic():
        rebuild_counts(as_of=as_of)
    return result


def latest_day() -> datetime.date | None:
    return SegmentCount.objects.aggregate(d=Max("as_of"))["d"] or PartnerAllocation.objects.aggregate(d=Max("as_of"))["d"]
