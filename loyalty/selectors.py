"""Reads of the loyalty programme: expiry schedule, tier progress, the programme report, and the
check of balances against the ledger."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from partners.choices import TIER_ORDER, SaleStatus, Tier
from partners.models import Partner, SaleRecord

from .choices import QUALIFYING_KINDS, EntryKind
from .models import ComplianceIssue, LedgerEntry, LotAllocation, PointsBalance, TierLevel, TrainedPerson
from .nightly import A, B, L, _p, add_months, business_today, window_bounds


def expiry_schedule(*, partner_id: int, today: datetime.date | None = None) -> list[dict]:
    """Points still to expire, per expiry date (lots expire at month ends: one row a month)."""
    today = today or business_today()
    rows = (
        LedgerEntry.objects.filter(partner_id=partner_id, remaining__gt=0, expires_on__gte=today)
        .values("expires_on")
        .annotate(points=Sum("remaining"))
        .order_by("expires_on")
    )
    return [{"expires_on": row["expires_on"], "points": row["points"]} for row in rows]


def qualification(*, partner: Partner, as_of: datetime.date | None = None) -> dict:
    """The partner's figures for tier qualification as of a date, computed live."""
    as_of = as_of or business_today()
    start, end = window_bounds(as_of)
    points = (
        LedgerEntry.objects.filter(
            partner_id=partner.pk, kind__in=QUALIFYING_KINDS, effective_on__gt=start, effective_on__lte=end
        ).aggregate(total=Sum("points"))["total"]
        or 0
    )
    customers = (
        SaleRecord.objects.filter(
            partner_id=partner.pk, status=SaleStatus.BOOKED, sold_on__gt=start, sold_on__lte=end
        ).aggregate(n=Count("customer_name", distinct=True))["n"]
        or 0
    )
    trained = TrainedPerson.objects.filter(partner_id=partner.pk, trained_on__lte=as_of).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=as_of)
    ).count()
    issues = ComplianceIssue.objects.filter(partner_id=partner.pk, opened_on__lte=as_of).filter(
        Q(resolved_on__isnull=True) | Q(resolved_on__gt=as_of)
    ).count()
    return {
        "as_of": as_of,
        "window_start": start,
        "window_end": end,
        "qualifying_points": points,
        "active_customers": customers,
        "trained_people": trained,
        "open_compliance_issues": issues,
    }


def _level_requirements(level: TierLevel, figures: dict) -> list[dict]:
    checks = [
        ("qualifying_points", level.min_points, figures["qualifying_points"] >= level.min_points),
        ("trained_people", level.min_trained_people, figures["trained_people"] >= level.min_trained_people),
        ("active_customers", level.min_active_customers, figures["active_customers"] >= level.min_active_customers),
    ]
    if level.max_open_compliance_issues is not None:
        checks.append(
            (
                "open_compliance_issues",
                level.max_open_compliance_issues,
                figures["open_compliance_issues"] <= level.max_open_compliance_issues,
            )
        )
    return [{"metric": m, "required": r, "actual": figures[m], "met": ok} for m, r, ok in checks]


def qualified_tier(levels: list[TierLevel], figures: dict) -> str:
    met = [lvl for lvl in levels if all(c["met"] for c in _level_requirements(lvl, figures))]
    return max(met, key=lambda lvl: lvl.rank).tier if met else ""


def tier_progress(*, partner: Partner, as_of: datetime.date | None = None) -> dict:
    """Where the partner stands: current and qualified tier, and what the next tier needs.

    `points_needed` more qualifying points are needed now; `keep_until` is the date the oldest
    points in the window leave it (after which even more may be needed), with how many leave.
    """
    figures = qualification(partner=partner, as_of=as_of)
    levels = list(TierLevel.objects.order_by("rank"))
    current_rank = TIER_ORDER.get(partner.tier, 0)
    next_level = next((lvl for lvl in levels if lvl.rank > current_rank), None)
    start, end = figures["window_start"], figures["window_end"]
    oldest = (
        LedgerEntry.objects.filter(
            partner_id=partner.pk, kind__in=QUALIFYING_KINDS, effective_on__gt=start, effective_on__lte=end
        )
        .values("effective_on")
        .annotate(points=Sum("points"))
        .order_by("effective_on")
        .first()
    )
    result = {
        **figures,
        "tier": partner.tier,
        "qualified_tier": qualified_tier(levels, figures),
        "next_tier": next_level.tier if next_level else None,
        "points_needed": max(next_level.min_points - figures["qualifying_points"], 0) if next_level else 0,
        "requirements": _level_requirements(next_level, figures) if next_level else [],
        "next_drop_on": add_months(oldest["effective_on"], 12) + datetime.timedelta(days=1) if oldest else None,
        "next_drop_points": oldest["points"] if oldest else 0,
    }
    return result


def programme_report(*, months: int = 12, today: datetime.date | None = None, top: int = 10) -> dict:
    """Points earned, redeemed, expired and reversed per month; outstanding liability; top earners."""
    today = today or business_today()
    since = add_months(today.replace(day=1), -(months - 1))
    rows = (
        LedgerEntry.objects.filter(effective_on__gte=since, effective_on__lte=today)
        .annotate(month=TruncMonth("effective_on"))
        .values("month", "kind")
        .annotate(points=Sum("points"))
        .order_by("month")
    )
    per_month: dict[datetime.date, dict] = {}
    cursor = since
    while cursor <= today:
        per_month[cursor] = {"month": cursor, "earned": 0, "redeemed": 0, "expired": 0, "reversed": 0, "adjusted": 0}
        cursor = add_months(cursor, 1)
    column = {
        EntryKind.EARN: "earned",
        EntryKind.BONUS: "earned",
        EntryKind.REDEEM: "redeemed",
        EntryKind.RELEASE: "redeemed",
        EntryKind.EXPIRE: "expired",
        EntryKind.REVERSE: "reversed",
        EntryKind.ADJUST: "adjusted",
    }
    for row in rows:
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        bucket = per_month.get(month)
        if bucket is None:
            continue
        name = column[row["kind"]]
        value = row["points"] or 0
        bucket[name] += -value if name in ("redeemed", "expired", "reversed") else value
    liability = PointsBalance.objects.filter(points__gt=0).aggregate(total=Sum("points"))["total"] or 0
    top_rows = list(
        PointsBalance.objects.select_related("partner")
        .filter(qualifying_points__gt=0)
        .order_by("-qualifying_points", "partner_id")[:top]
    )
    return {
        "months": list(per_month.values()),
        "outstanding_liability": liability,
        "partners_with_points": PointsBalance.objects.filter(points__gt=0).count(),
        "top_earners": [
            {
                "partner": b.partner_id,
                "code": b.partner.code,
                "name": b.partner.name,
                "tier": b.partner.tier,
                "qualifying_points": b.qualifying_points,
                "balance": b.points,
            }
            for b in top_rows
        ],
    }


# --- balance check and rebuild ---------------------------------------------------------------------
@dataclass(frozen=True)
class BalanceMismatch:
    partner_id: int
    stored: int | None
    ledger: int


def balance_mismatches(limit: int | None = None) -> list[BalanceMismatch]:
    """Partners whose balance row differs from the sum of their ledger (or has no row)."""
    sql = f"""
        SELECT COALESCE(b.partner_id, l.partner_id), b.points, COALESCE(l.total, 0)
        FROM {B} b
        FULL OUTER JOIN (SELECT partner_id, SUM(points) AS total FROM {L} GROUP BY partner_id) l
          ON l.partner_id = b.partner_id
        WHERE b.partner_id IS NULL OR b.points <> COALESCE(l.total, 0)
        ORDER BY 1
    """
    if connection.vendor == "sqlite" and _sqlite_lacks_full_join():
        sql = f"""
            SELECT b.partner_id, b.points, COALESCE(l.total, 0) FROM {B} b
            LEFT JOIN (SELECT partner_id, SUM(points) AS total FROM {L} GROUP BY partner_id) l
              ON l.partner_id = b.partner_id WHERE b.points <> COALESCE(l.total, 0)
            UNION ALL
            SELECT l.partner_id, NULL, l.total FROM (SELECT partner_id, SUM(points) AS total FROM {L} GROUP BY partner_id) l
            WHERE NOT EXISTS (SELECT 1 FROM {B} b WHERE b.partner_id = l.partner_id)
            ORDER BY 1
        """
    if limit:
        sql += f" LIMIT {int(limit)}"
    with connection.cursor() as cur:
        cur.execute(sql)
        return [BalanceMismatch(*row) for row in cur.fetchall()]


def _sqlite_lacks_full_join() -> bool:
    import sqlite3

    return sqlite3.sqlite_version_info < (3, 39, 0)


def lot_mismatches(limit: int = 100) -> list[tuple[int, int, int]]:
    """Lots whose `remaining` differs from points minus allocations: (entry id, stored, derived)."""
    sql = f"""
        SELECT l.id, l.remaining, l.points - COALESCE(a.used, 0)
        FROM {L} l LEFT JOIN (SELECT lot_id, SUM(points) AS used FROM {A} GROUP BY lot_id) a ON a.lot_id = l.id
        WHERE l.remaining IS NOT NULL AND l.remaining <> l.points - COALESCE(a.used, 0)
        ORDER BY l.id LIMIT {int(limit)}
    """
    with connection.cursor() as cur:
        cur.execute(sql)
        return cur.fetchall()


@transaction.atomic
def balances_rebuild() -> int:
    """Recompute every lot's remaining and every balance from the ledger; return rows changed."""
    now = timezone.now()
    with connection.cursor() as cur:
        cur.execute(
            f"""
            UPDATE {L} SET remaining = points - COALESCE((SELECT SUM(a.points) FROM {A} a WHERE a.lot_id = {L}.id), 0)
            WHERE remaining IS NOT NULL
              AND remaining <> points - COALESCE((SELECT SUM(a.points) FROM {A} a WHERE a.lot_id = {L}.id), 0)
            """
        )
        cur.execute(
            f"""
            INSERT INTO {B} (partner_id, points, qualifying_points, active_customers, trained_people,
                             open_compliance_issues, qualified_tier, evaluated_on, updated_at)
            SELECT partner_id, 0, 0, 0, 0, 0, '', NULL, %s FROM {L}
            WHERE partner_id NOT IN (SELECT partner_id FROM {B})
            GROUP BY partner_id
            """,
            [_p(now)],
        )
        cur.execute(
            f"""
            UPDATE {B} SET points = COALESCE((SELECT SUM(e.points) FROM {L} e WHERE e.partner_id = {B}.partner_id), 0),
                           updated_at = %s
            WHERE points <> COALESCE((SELECT SUM(e.points) FROM {L} e WHERE e.partner_id = {B}.partner_id), 0)
            """,
            [_p(now)],
        )
        return max(cur.rowcount, 0)


def entry_explanation(entry: LedgerEntry, sales: dict, rules: dict) -> str:
    """A plain sentence for one ledger line."""
    from django.utils.translation import gettext as _

    sale = sales.get(entry.source_id) if entry.source_type == "sale" else None
    rule = rules.get(entry.rule_id)
    sale_text = (
        _("sale %(ref)s of %(date)s, %(amount)s CNY")
        % {"ref": sale.external_id, "date": sale.sold_on.isoformat(), "amount": sale.amount}
        if sale
        else _("a sale")
    )
    if entry.kind == EntryKind.EARN:
        return _("Earned for %(sale)s under the rule “%(rule)s”; expires on %(date)s.") % {
            "sale": sale_text, "rule": rule.label if rule else "—", "date": entry.expires_on
        }
    if entry.kind == EntryKind.BONUS:
        return _("Promotion bonus “%(rule)s” for %(sale)s; expires on %(date)s.") % {
            "sale": sale_text, "rule": rule.label if rule else "—", "date": entry.expires_on
        }
    if entry.kind == EntryKind.REVERSE:
        text = _("Taken back because %(sale)s was refunded or cancelled.") % {"sale": sale_text}
        if entry.unsettled:
            text += " " + _("%(points)s points are still owed and will be taken from your next points.") % {
                "points": entry.unsettled
            }
        return text
    if entry.kind == EntryKind.REDEEM:
        return _("Redeemed for “%(reward)s”.") % {"reward": entry.note}
    if entry.kind == EntryKind.RELEASE:
        return _("Returned because the redemption of “%(reward)s” was declined; expires on %(date)s.") % {
            "reward": entry.note, "date": entry.expires_on
        }
    if entry.kind == EntryKind.EXPIRE:
        return _("Expired unused at the end of %(date)s.") % {"date": entry.effective_on}
    if entry.kind == EntryKind.ADJUST:
        return _("Adjusted by the operator: %(reason)s") % {"reason": entry.note}
    return entry.get_kind_display()
