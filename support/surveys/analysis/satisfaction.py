"""The weighted satisfaction index of each partner (0–100) and what reads it.

Definition (one partner, as of a day D): every answer of the partner's responses submitted in
the 365 days up to the end of D — (D − 365 days, D] in Asia/Shanghai — for an active factor with
a weight above 0 counts; each answer's satisfaction s (1–5) is mapped to 0–100 as (s − 1) × 25
and weighted by its factor's weight, normalised by the sum of the weights of the answers counted:

    index = Σ weight × (s − 1) × 25 / Σ weight

so a partner that answered only the four questions of the after-ticket survey is measured on
those four, and editing the weights changes the next index. The category score is the same
formula over the answers of the category's factors. A partner without such answers has no index
(no row, no flag; the allocation measure scores it 50, the scale's middle).

Three readers, one formula:
* the nightly job stores it in surveys.PartnerSatisfaction (`satisfaction_compute_chunk`, raw
  set-based SQL per partner-id range, delete-and-replace for the day, with the category scores);
* the lifecycle "low satisfaction" risk rule (`low_satisfaction_rule`) and
* the allocation "satisfaction" measure (`satisfaction_measure`) compute it from the answers in
  their own query (`index_queryset`), so they never depend on which nightly job ran first.

Kept history: the latest day computed and every month end, per partner; other days are dropped
when a later day is computed (at 100,000 partners a year of daily rows would be 36 million).
"""
from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import Case, Count, DecimalField, F, Func, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import JSONObject, Round
from django.utils import timezone

from ..models import Answer, PartnerSatisfaction, Response, SurveyCategory, SurveyFactor

WINDOW_DAYS = 365
SERIOUS_MARGIN = 20  # serious when the index is below the threshold by more than this
MEASURE_MISSING = 50  # the allocation score of a partner without an index

ANSWER = Answer._meta.db_table
RESPONSE = Response._meta.db_table
FACTOR = SurveyFactor._meta.db_table
CATEGORY = SurveyCategory._meta.db_table
INDEX = PartnerSatisfaction._meta.db_table


def day_end(as_of: datetime.date) -> datetime.datetime:
    """The first instant after the as-of day (business time zone)."""
    return timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=1), datetime.time.min))


def window(as_of: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    end = day_end(as_of)
    return end - datetime.timedelta(days=WINDOW_DAYS), end


class RealDivide(Func):
    """a / b as a fraction on both databases (SQLite divides integers as integers); NULL for b = 0."""

    arity = 2

    def _operands(self, compiler):
        a_sql, a_params = compiler.compile(self.source_expressions[0])
        b_sql, b_params = compiler.compile(self.source_expressions[1])
        return a_sql, b_sql, [*a_params, *b_params]

    def as_sql(self, compiler, connection, **extra_context):
        a_sql, b_sql, params = self._operands(compiler)
        return f"(({a_sql}) / NULLIF(({b_sql}), 0))", params

    def as_sqlite(self, compiler, connection, **extra_context):
        a_sql, b_sql, params = self._operands(compiler)
        return f"(CAST(({a_sql}) AS REAL) / NULLIF(({b_sql}), 0))", params


def _divide(a, b):
    return RealDivide(a, b, output_field=DecimalField(max_digits=12, decimal_places=6))


def index_queryset(*, as_of: datetime.date, partner_lo: int | None = None, partner_hi: int | None = None) -> QuerySet:
    """Per partner (`.values()` rows): partner_id, weighted (Σ w·(s−1)), weight_sum (Σ w),
    responses (distinct responses), index (0–100, 2 decimals). Only facts up to the as-of day."""
    start, end = window(as_of)
    counted = Q(answers__factor__active=True, answers__factor__weight__gt=0)
    queryset = Response.objects.filter(submitted_at__gte=start, submitted_at__lt=end).filter(counted)
    if partner_lo is not None:
        queryset = queryset.filter(partner_id__gte=partner_lo, partner_id__lte=partner_hi)
    weighted = Sum(F("answers__factor__weight") * (F("answers__satisfaction") - 1),
                   output_field=DecimalField(max_digits=14, decimal_places=2))
    weight_sum = Sum("answers__factor__weight", output_field=DecimalField(max_digits=14, decimal_places=2))
    return (
        queryset.values("partner_id")
        .annotate(weighted=weighted, weight_sum=weight_sum, responses=Count("id", distinct=True))
        .filter(weight_sum__gt=0)
        .annotate(index=Round(_divide(F("weighted") * 25, F("weight_sum")), 2,
                              output_field=DecimalField(max_digits=5, decimal_places=2)))
    )


# --- the lifecycle risk rule --------------------------------------------------------------------


def low_satisfaction_rule(ctx) -> QuerySet:
    """Low satisfaction: the partner's weighted satisfaction index over its survey answers of the
    last 365 days is below `satisfaction_min` (warning); more than 20 points below it: serious.
    Evidence: index, responses, threshold."""
    from lifecycle.choices import Severity

    threshold = int(ctx.settings.satisfaction_min)
    serious_below = max(threshold - SERIOUS_MARGIN, 0)
    # Compared without dividing: index < t  ⇔  Σ w·(s−1)·25 < t · Σ w (exact on both databases).
    return (
        index_queryset(as_of=ctx.as_of, partner_lo=ctx.partner_lo, partner_hi=ctx.partner_hi)
        .alias(scaled=F("weighted") * 25)
        .filter(scaled__lt=F("weight_sum") * threshold)
        .annotate(
            severity=Case(
                When(scaled__lt=F("weight_sum") * serious_below, then=Value(int(Severity.SERIOUS))),
                default=Value(int(Severity.WARNING)),
                output_field=IntegerField(),
            ),
            evidence=JSONObject(index=F("index"), responses=F("responses"), threshold=Value(threshold)),
        )
        .values("partner_id", "severity", "evidence")
    )


# --- the allocation measure ---------------------------------------------------------------------


def satisfaction_measure(ctx) -> QuerySet:
    """The partner's weighted satisfaction index (0–100) over its survey answers of the last 365
    days; a partner that has not answered scores 50."""
    return (
        index_queryset(as_of=ctx.as_of, partner_lo=ctx.partner_lo, partner_hi=ctx.partner_hi)
        .annotate(score=F("index"))
        .values("partner_id", "score")
    )


# --- the nightly table --------------------------------------------------------------------------


def _p(value):
    ops = connection.ops
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    return value


def _month_end(day: datetime.date) -> bool:
    return (day + datetime.timedelta(days=1)).day == 1


def satisfaction_compute_chunk(*, as_of: datetime.date, partner_lo: int, partner_hi: int) -> int:
    """Replace the chunk's PartnerSatisfaction rows of the day (one INSERT … SELECT); returns rows.

    The rows of other days are left alone (`satisfaction_prune` thins them once per run).
    """
    postgres = connection.vendor == "postgresql"
    start, end = window(as_of)
    if postgres:
        scaled = "ROUND(SUM(x.w * (x.s - 1)) * 25 / SUM(x.w), 2)"
        json_agg = "jsonb_object_agg(c.code, c.score)"
        empty = "'{}'::jsonb"
    else:
        scaled = "ROUND(CAST(SUM(x.w * (x.s - 1)) AS REAL) * 25 / SUM(x.w), 2)"
        json_agg = "json_group_object(c.code, c.score)"
        empty = "'{}'"
    statement = f"""
        INSERT INTO {INDEX} (partner_id, as_of, "index", responses, category_scores)
        WITH x AS (
            SELECT r.partner_id, r.id AS response_id, f.category_id, f.weight AS w, a.satisfaction AS s
            FROM {ANSWER} a
            JOIN {RESPONSE} r ON r.id = a.response_id
            JOIN {FACTOR} f ON f.id = a.factor_id
            WHERE r.partner_id BETWEEN %s AND %s AND r.submitted_at >= %s AND r.submitted_at < %s
              AND f.active AND f.weight > 0
        ),
        t AS (
            SELECT x.partner_id, {scaled} AS idx, COUNT(DISTINCT x.response_id) AS n
            FROM x GROUP BY x.partner_id
        ),
        c AS (
            SELECT x.partner_id, cat.code, {scaled} AS score
            FROM x JOIN {CATEGORY} cat ON cat.id = x.category_id
            GROUP BY x.partner_id, cat.code
        ),
        j AS (
            SELECT c.partner_id, {json_agg} AS scores FROM c GROUP BY c.partner_id
        )
        SELECT t.partner_id, %s, t.idx, t.n, COALESCE(j.scores, {empty})
        FROM t LEFT JOIN j ON j.partner_id = t.partner_id
        WHERE t.idx IS NOT NULL"""
    params = [partner_lo, partner_hi, _p(start), _p(end), _p(as_of)]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {INDEX} WHERE as_of = %s AND partner_id BETWEEN %s AND %s",
                       [_p(as_of), partner_lo, partner_hi])
        cursor.execute(statement, params)
        inserted = max(cursor.rowcount, 0)
    return inserted


def satisfaction_prune() -> int:
    """Drop the rows of days that are neither a month end nor the latest day computed."""
    days = list(PartnerSatisfaction.objects.order_by().values_list("as_of", flat=True).distinct())
    if not days:
        return 0
    latest = max(days)
    drop = [day for day in days if day != latest and not _month_end(day)]
    if not drop:
        return 0
    deleted, _ = PartnerSatisfaction.objects.filter(as_of__in=drop).delete()
    return deleted
