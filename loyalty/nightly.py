"""The nightly loyalty job in set-based SQL: accrual, promotions, reversal, debt settlement,
expiry, expiry warnings, balances and tier qualification, chunk by chunk.

Every chunk is one partner-id range and one transaction. Each step is an INSERT … SELECT that
skips what already exists (unique keys + ON CONFLICT DO NOTHING and NOT EXISTS) or an UPDATE that
recomputes a derived value from the ledger, so a retry, a second run or a worker killed halfway
(its transaction rolls back) leaves exactly what one clean run leaves. The balance rows of the
chunk are locked first (as a redemption locks its partner's row), so a redemption never races
the expiry of a lot it is spending.

The SQL runs unchanged on SQLite and PostgreSQL except for the end-of-month date expression.
Rules are resolved once per run in Python over the (small) reference data into a map
(product × partner type × date segment → rule) that the SQL joins as a VALUES list.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from partners.choices import PartnerStatus, Role, SaleStatus
from partners.models import Partner, PartnerType, Product, SaleRecord, User

from . import conf
from .choices import EntryKind, ReviewStatus, RuleKind, RunStatus, SourceType
from .models import (
    AccrualChunk,
    AccrualRun,
    ComplianceIssue,
    EarningRule,
    ExpiryWarning,
    LedgerEntry,
    LotAllocation,
    PointsBalance,
    TierLevel,
    TierReview,
    TrainedPerson,
)

logger = logging.getLogger(__name__)

FAR_PAST = datetime.date(1, 1, 1)
FAR_FUTURE = datetime.date(9999, 12, 31)

L = LedgerEntry._meta.db_table
A = LotAllocation._meta.db_table
B = PointsBalance._meta.db_table
S = SaleRecord._meta.db_table
P = Partner._meta.db_table
T = TierLevel._meta.db_table
R = TierReview._meta.db_table
W = ExpiryWarning._meta.db_table
TP = TrainedPerson._meta.db_table
CI = ComplianceIssue._meta.db_table

LEDGER_COLUMNS = (
    "partner_id, kind, points, source_type, source_id, rule_key, rule_id, effective_on, expires_on, "
    "remaining, unsettled, amount, note, chunk_id, created_by_id, created_at"
)


# --- dates -----------------------------------------------------------------------------------
def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _month_end(datetime.date(year, month, 1)).day
    return datetime.date(year, month, min(day.day, last))


def _month_end(day: datetime.date) -> datetime.date:
    first_next = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
    return first_next - datetime.timedelta(days=1)


def lot_expiry(earned_on: datetime.date) -> datetime.date:
    """Points expire at the end of the month `POINTS_VALID_MONTHS` after the month earned."""
    return _month_end(add_months(earned_on.replace(day=1), conf.points_valid_months()))


def window_bounds(as_of: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The rolling 12-month qualification window: (start exclusive, end inclusive).

    The start is the same calendar day one year earlier (29 February → 28 February), so the
    window holds 365 days, or 366 when it spans a 29 February.
    """
    return add_months(as_of, -12), as_of


def business_today() -> datetime.date:
    return timezone.localdate()


def _expiry_sql(column: str) -> str:
    months = conf.points_valid_months() + 1
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) + interval '{months} months' - interval '1 day' AS date)"
    return f"date({column}, 'start of month', '+{months} months', '-1 day')"


def _p(value):
    """Adapt a parameter for raw SQL on either backend."""
    ops = connection.ops
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return ops.adapt_datefield_value(value)
    if isinstance(value, Decimal):
        return ops.adapt_decimalfield_value(value)
    return value


def _exec(cursor, sql: str, params: list) -> int:
    cursor.execute(sql, [_p(v) for v in params])
    return max(cursor.rowcount, 0)


# --- rule maps ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class MapRow:
    product_id: int
    partner_type_id: int
    valid_from: datetime.date
    valid_to: datetime.date
    rule_id: int
    points: int
    unit_cents: int
    cap_sale: int  # -1: none
    cap_partner: int  # -1: none


def _matches(rule: EarningRule, product: Product, partner_type_id: int) -> bool:
    return (
        (rule.product_id is None or rule.product_id == product.pk)
        and (not rule.product_type or rule.product_type == product.product_type)
        and (rule.partner_type_id is None or rule.partner_type_id == partner_type_id)
    )


def _row(product, type_id, start, end, rule) -> MapRow:
    return MapRow(
        product.pk,
        type_id,
        start,
        end,
        rule.pk,
        rule.points,
        int(rule.per_amount * 100),
        rule.cap_per_sale if rule.cap_per_sale is not None else -1,
        rule.cap_per_partner if rule.cap_per_partner is not None else -1,
    )


def build_rule_maps() -> tuple[list[MapRow], list[MapRow]]:
    """Resolve the rules once over the reference data.

    Base: for every product × partner type and every date segment cut by the rules' validity
    boundaries, the single best base rule. Promotions: every matching promotion.
    """
    rules = list(EarningRule.objects.filter(active=True))
    products = list(Product.objects.all())
    type_ids = list(PartnerType.objects.values_list("pk", flat=True))
    base = [r for r in rules if r.kind == RuleKind.BASE]
    promos = [r for r in rules if r.kind == RuleKind.PROMOTION]

    cuts = {FAR_PAST}
    for rule in base:
        if rule.valid_from:
            cuts.add(rule.valid_from)
        if rule.valid_to and rule.valid_to < FAR_FUTURE:
            cuts.add(rule.valid_to + datetime.timedelta(days=1))
    cuts = sorted(cuts)
    segments = [
        (start, (cuts[i + 1] - datetime.timedelta(days=1)) if i + 1 < len(cuts) else FAR_FUTURE)
        for i, start in enumerate(cuts)
    ]

    base_rows: list[MapRow] = []
    for product in products:
        for type_id in type_ids:
            candidates = [r for r in base if _matches(r, product, type_id)]
            previous = None
            for start, end in segments:
                valid = [
                    r
                    for r in candidates
                    if (r.valid_from or FAR_PAST) <= start and end <= (r.valid_to or FAR_FUTURE)
                ]
                if not valid:
                    previous = None
                    continue
                best = min(valid, key=lambda r: (-r.specificity, -r.priority, r.pk))
                if previous is not None and previous.rule_id == best.pk and previous.valid_to + datetime.timedelta(
                    days=1
                ) == start:
                    previous = base_rows[-1] = MapRow(**{**previous.__dict__, "valid_to": end})
                    continue
                previous = _row(product, type_id, start, end, best)
                base_rows.append(previous)

    promo_rows = [
        _row(product, type_id, rule.valid_from, rule.valid_to, rule)
        for rule in promos
        for product in products
        for type_id in type_ids
        if _matches(rule, product, type_id)
    ]
    return base_rows, promo_rows


def _values_cte(name: str, rows: list[MapRow]) -> tuple[str, list]:
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    params: list = []
    for row in rows:
        params += [
            row.product_id,
            row.partner_type_id,
            row.valid_from,
            row.valid_to,
            row.rule_id,
            row.points,
            row.unit_cents,
            row.cap_sale,
            row.cap_partner,
        ]
    cols = "product_id, partner_type_id, valid_from, valid_to, rule_id, pts, unit_cents, cap_sale, cap_partner"
    if connection.vendor == "postgresql":
        # Type the first row so PostgreSQL reads the VALUES list as dates and integers.
        first = "(%s::bigint, %s::bigint, %s::date, %s::date, %s::bigint, %s::bigint, %s::bigint, %s::bigint, %s::bigint)"
        placeholders = first + placeholders[len("(%s, %s, %s, %s, %s, %s, %s, %s, %s)") :]
    return f"{name}({cols}) AS (VALUES {placeholders})", params


# --- the chunk steps -------------------------------------------------------------------------------
@dataclass
class ChunkCounts:
    earned: int = 0
    bonuses: int = 0
    reversed: int = 0
    expired: int = 0
    warned: int = 0
    reviews_opened: int = 0
    reviews_lapsed: int = 0

    def add(self, other: "ChunkCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Context:
    as_of: datetime.date
    lo: int
    hi: int
    chunk_id: int
    now: datetime.datetime
    base_rows: list[MapRow]
    promo_rows: list[MapRow]
    entry_start: int = 0
    allocation_start: int = 0
    hooks: dict = field(default_factory=dict)
    # Sales examined by the last clean run need no second look: only sales recorded or changed
    # since (`since`), or dated after its business date (`since_as_of`), can lack a credit.
    since: datetime.datetime | None = None
    since_as_of: datetime.date | None = None

    def new_sales_sql(self, alias: str = "s") -> tuple[str, list]:
        if self.since is None:
            return "", []
        return f" AND ({alias}.updated_at >= %s OR {alias}.sold_on > %s)", [self.since, self.since_as_of]


def _step_prepare(cur, ctx: Context) -> None:
    _exec(
        cur,
        f"INSERT INTO {B} (partner_id, points, qualifying_points, active_customers, trained_people, "
        f"open_compliance_issues, qualified_tier, evaluated_on, updated_at) "
        f"SELECT id, 0, 0, 0, 0, 0, '', NULL, %s FROM {P} WHERE id >= %s AND id < %s "
        f"ON CONFLICT DO NOTHING",
        [ctx.now, ctx.lo, ctx.hi],
    )
    if connection.features.has_select_for_update:
        _exec(cur, f"SELECT partner_id FROM {B} WHERE partner_id >= %s AND partner_id < %s ORDER BY partner_id FOR UPDATE", [ctx.lo, ctx.hi])
    cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {L}")
    ctx.entry_start = cur.fetchone()[0]
    cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {A}")
    ctx.allocation_start = cur.fetchone()[0]


def _step_earn(cur, ctx: Context) -> int:
    if not ctx.base_rows:
        return 0
    cte, cte_params = _values_cte("rule_map", ctx.base_rows)
    fresh, fresh_params = ctx.new_sales_sql()
    sql = f"""
        INSERT INTO {L} ({LEDGER_COLUMNS})
        WITH {cte}
        SELECT x.partner_id, %s, x.pts, %s, x.sale_id, 0, x.rule_id, x.sold_on, {_expiry_sql('x.sold_on')},
               x.pts, 0, x.amount, '', %s, NULL, %s
        FROM (
            SELECT y.partner_id, y.sale_id, y.sold_on, y.amount, y.rule_id,
                   CASE WHEN y.cap_sale >= 0 AND y.raw > y.cap_sale THEN y.cap_sale ELSE y.raw END AS pts
            FROM (
                SELECT s.partner_id, s.id AS sale_id, s.sold_on, s.amount, m.rule_id, m.cap_sale,
                       (CAST(ROUND(s.amount * 100) AS BIGINT) * m.pts * COALESCE(t.earn_multiplier_pct, 100))
                         / (m.unit_cents * 100) AS raw
                FROM {S} s
                JOIN {P} p ON p.id = s.partner_id
                JOIN rule_map m ON m.product_id = s.product_id AND m.partner_type_id = p.partner_type_id
                               AND s.sold_on >= m.valid_from AND s.sold_on <= m.valid_to
                LEFT JOIN {T} t ON t.tier = p.tier
                WHERE s.partner_id >= %s AND s.partner_id < %s AND s.status = %s AND s.sold_on <= %s{fresh}
                  AND NOT EXISTS (
                      SELECT 1 FROM {L} e
                      WHERE e.source_type = %s AND e.source_id = s.id AND e.rule_key = 0 AND e.kind = %s
                        AND e.partner_id >= %s AND e.partner_id < %s
                  )
            ) y
        ) x
        WHERE x.pts > 0
        ON CONFLICT DO NOTHING
    """
    params = cte_params + [
        EntryKind.EARN, SourceType.SALE, ctx.chunk_id, ctx.now,
        ctx.lo, ctx.hi, SaleStatus.BOOKED, ctx.as_of, *fresh_params,
        SourceType.SALE, EntryKind.EARN, ctx.lo, ctx.hi,
    ]
    return _exec(cur, sql, params)


def _step_bonus(cur, ctx: Context) -> int:
    if not ctx.promo_rows:
        return 0
    cte, cte_params = _values_cte("promo_map", ctx.promo_rows)
    fresh, fresh_params = ctx.new_sales_sql()
    sql = f"""
        INSERT INTO {L} ({LEDGER_COLUMNS})
        WITH {cte},
        cand AS (
            SELECT y.partner_id, y.sale_id, y.sold_on, y.amount, y.rule_id, y.cap_partner,
                   CASE WHEN y.cap_sale >= 0 AND y.raw > y.cap_sale THEN y.cap_sale ELSE y.raw END AS pts
            FROM (
                SELECT s.partner_id, s.id AS sale_id, s.sold_on, s.amount, m.rule_id, m.cap_sale, m.cap_partner,
                       (CAST(ROUND(s.amount * 100) AS BIGINT) * m.pts) / m.unit_cents AS raw
                FROM {S} s
                JOIN {P} p ON p.id = s.partner_id
                JOIN promo_map m ON m.product_id = s.product_id AND m.partner_type_id = p.partner_type_id
                                AND s.sold_on >= m.valid_from AND s.sold_on <= m.valid_to
                WHERE s.partner_id >= %s AND s.partner_id < %s AND s.status = %s AND s.sold_on <= %s{fresh}
                  AND NOT EXISTS (
                      SELECT 1 FROM {L} e
                      WHERE e.source_type = %s AND e.source_id = s.id AND e.rule_key = m.rule_id AND e.kind = %s
                        AND e.partner_id >= %s AND e.partner_id < %s
                  )
            ) y
        ),
        prior AS (
            SELECT partner_id, rule_key, SUM(points) AS pts FROM {L}
            WHERE partner_id >= %s AND partner_id < %s AND kind = %s
            GROUP BY partner_id, rule_key
        ),
        ranked AS (
            SELECT c.*,
                   SUM(c.pts) OVER (PARTITION BY c.partner_id, c.rule_id ORDER BY c.sold_on, c.sale_id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - c.pts AS before_pts,
                   COALESCE(pr.pts, 0) AS prior_pts
            FROM cand c
            LEFT JOIN prior pr ON pr.partner_id = c.partner_id AND pr.rule_key = c.rule_id
            WHERE c.pts > 0 AND (c.cap_partner < 0 OR COALESCE(pr.pts, 0) < c.cap_partner)
        ),
        awarded AS (
            SELECT r.*,
                   CASE WHEN r.cap_partner < 0 THEN r.pts
                        WHEN r.cap_partner - r.prior_pts - r.before_pts < r.pts THEN r.cap_partner - r.prior_pts - r.before_pts
                        ELSE r.pts END AS award
            FROM ranked r
        )
        SELECT a.partner_id, %s, a.award, %s, a.sale_id, a.rule_id, a.rule_id, a.sold_on, {_expiry_sql('a.sold_on')},
               a.award, 0, a.amount, '', %s, NULL, %s
        FROM awarded a
        WHERE a.award > 0
        ON CONFLICT DO NOTHING
    """
    params = cte_params + [
        ctx.lo, ctx.hi, SaleStatus.BOOKED, ctx.as_of, *fresh_params,
        SourceType.SALE, EntryKind.BONUS, ctx.lo, ctx.hi,
        ctx.lo, ctx.hi, EntryKind.BONUS,
        EntryKind.BONUS, SourceType.SALE, ctx.chunk_id, ctx.now,
    ]
    return _exec(cur, sql, params)


def _step_reverse(cur, ctx: Context) -> int:
    sql = f"""
        INSERT INTO {L} ({LEDGER_COLUMNS})
        SELECT x.partner_id, %s, -x.total, %s, x.sale_id, 0, NULL, x.sold_on, NULL, NULL, x.total, x.amount, '', %s, NULL, %s
        FROM (
            SELECT s.partner_id, s.id AS sale_id, s.sold_on, s.amount, SUM(e.points) AS total
            FROM {S} s
            JOIN {L} e ON e.source_type = %s AND e.source_id = s.id AND e.kind IN (%s, %s)
                      AND e.partner_id >= %s AND e.partner_id < %s
            WHERE s.partner_id >= %s AND s.partner_id < %s AND s.status IN (%s, %s)
              AND NOT EXISTS (
                  SELECT 1 FROM {L} r
                  WHERE r.source_type = %s AND r.source_id = s.id AND r.rule_key = 0 AND r.kind = %s
              )
            GROUP BY s.partner_id, s.id, s.sold_on, s.amount
        ) x
        WHERE x.total > 0
        ON CONFLICT DO NOTHING
    """
    params = [
        EntryKind.REVERSE, SourceType.SALE, ctx.chunk_id, ctx.now,
        SourceType.SALE, EntryKind.EARN, EntryKind.BONUS, ctx.lo, ctx.hi,
        ctx.lo, ctx.hi, SaleStatus.REFUNDED, SaleStatus.CANCELLED,
        SourceType.SALE, EntryKind.REVERSE,
    ]
    return _exec(cur, sql, params)


def _step_settle(cur, ctx: Context) -> int:
    """Outstanding debits (a reversal of points already spent) take the soonest-expiring lots.

    Debits in id order and lots in (expiry, id) order are laid end to end per partner; every
    overlap of a debit's interval with a lot's interval is one allocation.
    """
    sql = f"""
        INSERT INTO {A} (debit_id, lot_id, points, chunk_id)
        SELECT d.id, l.id,
               (CASE WHEN d.hi < l.hi THEN d.hi ELSE l.hi END) - (CASE WHEN d.lo > l.lo THEN d.lo ELSE l.lo END),
               %s
        FROM (
            SELECT id, partner_id,
                   SUM(unsettled) OVER (PARTITION BY partner_id ORDER BY id
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - unsettled AS lo,
                   SUM(unsettled) OVER (PARTITION BY partner_id ORDER BY id
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS hi
            FROM {L} WHERE partner_id >= %s AND partner_id < %s AND unsettled > 0
        ) d
        JOIN (
            SELECT id, partner_id,
                   SUM(remaining) OVER (PARTITION BY partner_id ORDER BY expires_on, id
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - remaining AS lo,
                   SUM(remaining) OVER (PARTITION BY partner_id ORDER BY expires_on, id
                                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS hi
            FROM {L}
            WHERE partner_id >= %s AND partner_id < %s AND remaining > 0 AND expires_on >= %s
              AND partner_id IN (SELECT partner_id FROM {L} WHERE partner_id >= %s AND partner_id < %s AND unsettled > 0)
        ) l ON l.partner_id = d.partner_id AND l.lo < d.hi AND d.lo < l.hi
        WHERE 1 = 1
        ON CONFLICT DO NOTHING
    """
    return _exec(cur, sql, [ctx.chunk_id, ctx.lo, ctx.hi, ctx.lo, ctx.hi, ctx.as_of, ctx.lo, ctx.hi])


def _step_expire(cur, ctx: Context) -> int:
    """Lots past the end of their expiry day lose what remains of them."""
    count = _exec(
        cur,
        f"""
        INSERT INTO {L} ({LEDGER_COLUMNS})
        SELECT l.partner_id, %s, -l.remaining, %s, l.id, 0, NULL, l.expires_on, NULL, NULL, 0, NULL, '', %s, NULL, %s
        FROM {L} l
        WHERE l.partner_id >= %s AND l.partner_id < %s AND l.remaining > 0 AND l.expires_on < %s
        ON CONFLICT DO NOTHING
        """,
        [EntryKind.EXPIRE, SourceType.LOT, ctx.chunk_id, ctx.now, ctx.lo, ctx.hi, ctx.as_of],
    )
    if count:
        _exec(
            cur,
            f"""
            INSERT INTO {A} (debit_id, lot_id, points, chunk_id)
            SELECT e.id, e.source_id, -e.points, %s FROM {L} e
            WHERE e.id > %s AND e.chunk_id = %s AND e.kind = %s
            ON CONFLICT DO NOTHING
            """,
            [ctx.chunk_id, ctx.entry_start, ctx.chunk_id, EntryKind.EXPIRE],
        )
    return count


def _step_recompute_lots(cur, ctx: Context) -> None:
    """Derived bookkeeping: a lot's remaining and a debit's unsettled part, from allocations."""
    _exec(
        cur,
        f"""
        UPDATE {L} SET remaining = points - COALESCE((SELECT SUM(a.points) FROM {A} a WHERE a.lot_id = {L}.id), 0)
        WHERE id IN (SELECT lot_id FROM {A} WHERE id > %s AND chunk_id = %s)
        """,
        [ctx.allocation_start, ctx.chunk_id],
    )
    _exec(
        cur,
        f"""
        UPDATE {L} SET unsettled = -points - COALESCE((SELECT SUM(a.points) FROM {A} a WHERE a.debit_id = {L}.id), 0)
        WHERE unsettled > 0 AND id IN (SELECT debit_id FROM {A} WHERE id > %s AND chunk_id = %s)
        """,
        [ctx.allocation_start, ctx.chunk_id],
    )


def _step_balances(cur, ctx: Context) -> None:
    """Each balance moves by exactly the points of the entries this chunk inserted."""
    _exec(
        cur,
        f"""
        UPDATE {B} SET points = {B}.points + d.delta, updated_at = %s
        FROM (SELECT partner_id, SUM(points) AS delta FROM {L} WHERE id > %s AND chunk_id = %s GROUP BY partner_id) d
        WHERE {B}.partner_id = d.partner_id
        """,
        [ctx.now, ctx.entry_start, ctx.chunk_id],
    )


def _step_warn(cur, ctx: Context) -> int:
    """Record (once per partner and expiry date) points expiring within the warning period."""
    until = ctx.as_of + datetime.timedelta(days=conf.expiry_warning_days())
    return _exec(
        cur,
        f"""
        INSERT INTO {W} (partner_id, expires_on, points, chunk_id, created_at)
        SELECT partner_id, expires_on, SUM(remaining), %s, %s FROM {L}
        WHERE partner_id >= %s AND partner_id < %s AND remaining > 0 AND expires_on >= %s AND expires_on <= %s
        GROUP BY partner_id, expires_on
        ON CONFLICT DO NOTHING
        """,
        [ctx.chunk_id, ctx.now, ctx.lo, ctx.hi, ctx.as_of, until],
    )


def _step_qualify(cur, ctx: Context) -> None:
    window_start, window_end = window_bounds(ctx.as_of)
    _exec(
        cur,
        f"""
        UPDATE {B} SET qualifying_points = m.qp, active_customers = m.ac, trained_people = m.tp,
                       open_compliance_issues = m.oc, evaluated_on = %s
        FROM (
            SELECT p.id AS partner_id, COALESCE(q.qp, 0) AS qp, COALESCE(c.ac, 0) AS ac,
                   COALESCE(t.tp, 0) AS tp, COALESCE(o.oc, 0) AS oc
            FROM {P} p
            LEFT JOIN (
                SELECT partner_id, SUM(points) AS qp FROM {L}
                WHERE partner_id >= %s AND partner_id < %s AND kind IN (%s, %s, %s)
                  AND effective_on > %s AND effective_on <= %s
                GROUP BY partner_id
            ) q ON q.partner_id = p.id
            LEFT JOIN (
                SELECT partner_id, COUNT(DISTINCT customer_name) AS ac FROM {S}
                WHERE partner_id >= %s AND partner_id < %s AND status = %s AND sold_on > %s AND sold_on <= %s
                GROUP BY partner_id
            ) c ON c.partner_id = p.id
            LEFT JOIN (
                SELECT partner_id, COUNT(*) AS tp FROM {TP}
                WHERE partner_id >= %s AND partner_id < %s AND trained_on <= %s
                  AND (valid_until IS NULL OR valid_until >= %s)
                GROUP BY partner_id
            ) t ON t.partner_id = p.id
            LEFT JOIN (
                SELECT partner_id, COUNT(*) AS oc FROM {CI}
                WHERE partner_id >= %s AND partner_id < %s AND opened_on <= %s
                  AND (resolved_on IS NULL OR resolved_on > %s)
                GROUP BY partner_id
            ) o ON o.partner_id = p.id
            WHERE p.id >= %s AND p.id < %s
        ) m
        WHERE {B}.partner_id = m.partner_id
        """,
        [
            ctx.as_of,
            ctx.lo, ctx.hi, EntryKind.EARN, EntryKind.BONUS, EntryKind.REVERSE, window_start, window_end,
            ctx.lo, ctx.hi, SaleStatus.BOOKED, window_start, window_end,
            ctx.lo, ctx.hi, ctx.as_of, ctx.as_of,
            ctx.lo, ctx.hi, ctx.as_of, ctx.as_of,
            ctx.lo, ctx.hi,
        ],
    )
    _exec(
        cur,
        f"""
        UPDATE {B} SET qualified_tier = COALESCE((
            SELECT t.tier FROM {T} t
            WHERE {B}.qualifying_points >= t.min_points
              AND {B}.trained_people >= t.min_trained_people
              AND (t.max_open_compliance_issues IS NULL OR {B}.open_compliance_issues <= t.max_open_compliance_issues)
              AND {B}.active_customers >= t.min_active_customers
            ORDER BY t.rank DESC LIMIT 1), '')
        WHERE partner_id >= %s AND partner_id < %s
        """,
        [ctx.lo, ctx.hi],
    )


def _step_reviews(cur, ctx: Context) -> tuple[int, int]:
    window_start, window_end = window_bounds(ctx.as_of)
    lapsed = _exec(
        cur,
        f"""
        UPDATE {R} SET status = %s, decided_at = %s, last_evaluated_on = %s
        WHERE status = %s AND partner_id >= %s AND partner_id < %s
          AND EXISTS (
              SELECT 1 FROM {B} b JOIN {P} p ON p.id = b.partner_id
              WHERE b.partner_id = {R}.partner_id
                AND (b.qualified_tier = p.tier OR b.qualified_tier <> {R}.to_tier
                     OR p.tier <> {R}.from_tier OR p.status <> %s)
          )
        """,
        [ReviewStatus.LAPSED, ctx.now, ctx.as_of, ReviewStatus.PENDING, ctx.lo, ctx.hi, PartnerStatus.ACTIVE],
    )
    _exec(
        cur,
        f"""
        UPDATE {R} SET qualifying_points = b.qualifying_points, active_customers = b.active_customers,
                       trained_people = b.trained_people, open_compliance_issues = b.open_compliance_issues,
                       last_evaluated_on = %s, window_start = %s, window_end = %s
        FROM {B} b
        WHERE b.partner_id = {R}.partner_id AND {R}.status = %s AND {R}.partner_id >= %s AND {R}.partner_id < %s
        """,
        [ctx.as_of, window_start, window_end, ReviewStatus.PENDING, ctx.lo, ctx.hi],
    )
    opened = _exec(
        cur,
        f"""
        INSERT INTO {R} (partner_id, from_tier, to_tier, direction, status, opened_on, eligible_on,
                         last_evaluated_on, window_start, window_end, qualifying_points, active_customers,
                         trained_people, open_compliance_issues, decided_by_id, decided_at, decision_reason, created_at)
        SELECT p.id, p.tier, b.qualified_tier,
               CASE WHEN tq.rank > tc.rank THEN 'upgrade' ELSE 'downgrade' END, %s, %s,
               CASE WHEN tq.rank > tc.rank THEN %s ELSE %s END,
               %s, %s, %s, b.qualifying_points, b.active_customers, b.trained_people, b.open_compliance_issues,
               NULL, NULL, '', %s
        FROM {B} b
        JOIN {P} p ON p.id = b.partner_id
        JOIN {T} tq ON tq.tier = b.qualified_tier
        JOIN {T} tc ON tc.tier = p.tier
        WHERE b.partner_id >= %s AND b.partner_id < %s AND p.status = %s AND b.qualified_tier <> p.tier
          AND NOT EXISTS (SELECT 1 FROM {R} r WHERE r.partner_id = p.id AND r.status = %s)
        ON CONFLICT DO NOTHING
        """,
        [
            ReviewStatus.PENDING, ctx.as_of,
            ctx.as_of, ctx.as_of + datetime.timedelta(days=conf.downgrade_grace_days()),
            ctx.as_of, window_start, window_end, ctx.now,
            ctx.lo, ctx.hi, PartnerStatus.ACTIVE, ReviewStatus.PENDING,
        ],
    )
    return opened, lapsed


def _notify_expiry(ctx: Context) -> None:
    """One portal/e-mail notification per new warning, to the partner's users (idempotent)."""
    from django.utils.translation import gettext_lazy as _, ngettext

    from prm.services import notification_send

    warnings = list(
        ExpiryWarning.objects.filter(chunk_id=ctx.chunk_id).values_list("partner_id", "expires_on", "points")
    )
    if not warnings:
        return
    users: dict[int, list] = {}
    for user in User.objects.filter(
        partner_id__in={w[0] for w in warnings}, role=Role.PARTNER, is_active=True
    ).order_by("pk"):
        users.setdefault(user.partner_id, []).append(user)
    for partner_id, expires_on, points in warnings:
        if partner_id not in users:
            continue
        notification_send(
            recipients=users[partner_id],
            kind="loyalty.expiry",
            title=_("%(points)s points expire on %(date)s") % {"points": points, "date": expires_on.isoformat()},
            body=_("Redeem them for a reward before they expire."),
            url="/loyalty/",
            dedupe_key=f"loyalty:expiry:{partner_id}:{expires_on.isoformat()}",
        )


STEPS = ("prepare", "earn", "bonus", "reverse", "settle", "expire", "recompute", "balances", "warn", "qualify", "reviews")


def run_chunk(
    *, run: AccrualRun, lo: int, hi: int, base_rows, promo_rows, hooks: dict | None = None,
    since: datetime.datetime | None = None, since_as_of: datetime.date | None = None,
) -> ChunkCounts:
    """One partner-id range [lo, hi) in one transaction."""
    counts = ChunkCounts()
    with transaction.atomic():
        chunk = AccrualChunk.objects.create(run=run, partner_id_from=lo, partner_id_to=hi)
        ctx = Context(
            as_of=run.as_of, lo=lo, hi=hi, chunk_id=chunk.pk, now=timezone.now(),
            base_rows=base_rows, promo_rows=promo_rows, hooks=hooks or {}, since=since, since_as_of=since_as_of,
        )

        def after(step):
            hook = ctx.hooks.get(step)
            if hook:
                hook(ctx)

        with connection.cursor() as cur:
            _step_prepare(cur, ctx)
            after("prepare")
            counts.earned = _step_earn(cur, ctx)
            after("earn")
            counts.bonuses = _step_bonus(cur, ctx)
            after("bonus")
            counts.reversed = _step_reverse(cur, ctx)
            after("reverse")
            _step_settle(cur, ctx)
            after("settle")
            counts.expired = _step_expire(cur, ctx)
            after("expire")
            _step_recompute_lots(cur, ctx)
            # A reversal may have been settled by lots that expire now: settle before expiry
            # used only lots still valid, so the order above is final.
            after("recompute")
            _step_balances(cur, ctx)
            after("balances")
            counts.warned = _step_warn(cur, ctx)
            after("warn")
            _step_qualify(cur, ctx)
            after("qualify")
            counts.reviews_opened, counts.reviews_lapsed = _step_reviews(cur, ctx)
            after("reviews")
        _notify_expiry(ctx)
        chunk.finished_at = timezone.now()
        chunk.save(update_fields=["finished_at"])
    return counts


class _TableStatistics:
    """Keep PostgreSQL's planner statistics of the ledger current while a run grows it.

    A first run (or a night after a bulk import) can add millions of entries; with statistics
    from the empty table the planner picks nested loops and seq scans that make every later
    chunk slower. After the ledger has grown by a fifth since the last ANALYZE (and at least
    50,000 rows), analyze it again (a sample: well under a second).
    """

    def __init__(self):
        self.enabled = connection.vendor == "postgresql"
        self.base = self._rows() if self.enabled else 0
        self.added = 0

    def _rows(self) -> int:
        with connection.cursor() as cur:
            cur.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [L])
            row = cur.fetchone()
        return max(int(row[0]) if row else 0, 0)

    def grew(self, rows: int) -> None:
        if not self.enabled:
            return
        self.added += rows
        if self.added >= 50_000 and self.added >= self.base // 5:
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {L}")
                cur.execute(f"ANALYZE {A}")
            self.base, self.added = self._rows(), 0


def run_nightly(
    *,
    as_of: datetime.date | None = None,
    chunk_size: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    hooks: dict | None = None,
    full: bool = False,
) -> AccrualRun:
    """Run every chunk for `as_of` (default today, Asia/Shanghai); record the run.

    Crediting looks only at sales recorded or changed since the last clean run started (less a
    day's margin for long import transactions) or dated after that run's business date; the
    first run, or `full=True`, examines every sale. Reversals always look at every refunded or
    cancelled sale.
    """
    as_of = as_of or business_today()
    previous = None if full else AccrualRun.objects.filter(status=RunStatus.SUCCEEDED).order_by("-started_at").first()
    since = previous.started_at - datetime.timedelta(days=1) if previous else None
    since_as_of = previous.as_of if previous else None
    size = chunk_size or conf.chunk_size()
    bounds = Partner.objects.aggregate(lo=Min("id"), hi=Max("id"))
    ranges = []
    if bounds["lo"] is not None:
        start = bounds["lo"]
        while start <= bounds["hi"]:
            ranges.append((start, start + size))
            start += size
    run = AccrualRun.objects.create(as_of=as_of, chunk_size=size, chunks_total=len(ranges))
    base_rows, promo_rows = build_rule_maps()
    totals = ChunkCounts()
    statistics = _TableStatistics()
    try:
        for index, (lo, hi) in enumerate(ranges, start=1):
            counts = run_chunk(
                run=run, lo=lo, hi=hi, base_rows=base_rows, promo_rows=promo_rows, hooks=hooks,
                since=since, since_as_of=since_as_of,
            )
            totals.add(counts)
            statistics.grew(counts.earned + counts.bonuses + counts.reversed + 2 * counts.expired)
            AccrualRun.objects.filter(pk=run.pk).update(chunks_done=index, **totals.__dict__)
            if progress:
                progress(index, len(ranges))
    except BaseException as exc:
        AccrualRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:4000]
        )
        raise
    AccrualRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED, finished_at=timezone.now())
    run.refresh_from_db()
    if run.reviews_opened:
        _notify_product_managers(run)
    return run


def _notify_product_managers(run: AccrualRun) -> None:
    from django.utils.translation import gettext_lazy as _, ngettext

    from prm.services import notification_send

    notification_send(
        recipients=User.objects.filter(role=Role.PRODUCT_MANAGER, is_active=True),
        kind="loyalty.tier_reviews",
        title=ngettext("%(count)s new tier review to decide", "%(count)s new tier reviews to decide",
                       run.reviews_opened) % {"count": run.reviews_opened},
        body=_("The nightly tier qualification of %(date)s found partners whose tier differs from the one they qualify for.")
        % {"date": run.as_of.isoformat()},
        url="/loyalty/tier-reviews/",
        dedupe_key=f"loyalty:tier-reviews:{run.as_of.isoformat()}",
    )
