"""The finishing step, once per run after every chunk: the work that needs all partners at once.

 1. rank: each partner's trailing-12-month sales as a percentile within its type (RANK and
    COUNT window functions over the day's snapshot rows), the value score, the most serious of
    the day's risk hits and the risk level, in one UPDATE;
 2. the current state per partner (one INSERT … ON CONFLICT DO UPDATE)                 [forward]
 3. the channel managers of partners that became high-risk are notified                [forward]
 4. retention and win-back plans whose review day has come get their outcome           [forward]
 5. snapshots and risk hits older than the retention period are dropped                [forward]

Every statement is a pure function of the day's snapshot rows and the previous state, so
running the step again gives the same rows; notifications are deduplicated by key.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _, ngettext_lazy

from partners.models import Partner, User
from prm.services import notification_send

from ..choices import PlanEventKind, PlanKind, PlanOutcome, PlanStatus, RiskLevel, Severity, Stage
from ..models import LifecycleSettings, LifecycleSnapshot
from .measure import OVERRIDE, RISK_HIT, SNAPSHOT
from .sql import Dialect

STATE = "lifecycle_partnerlifecycle"
PLAN = "lifecycle_retentionplan"
PLAN_EVENT = "lifecycle_planevent"

STATE_COLUMNS = (
    "as_of", "stage", "stage_since", "rule_stage", "rule_reason", "override_id", "value_score", "sales_percentile",
    "growth_score", "breadth_score", "customer_score", "tenure_score", "sales_12m_cents", "risk_level",
    "max_severity", "high_risk_since", "last_active_value_score", "updated_at",
)


@dataclass
class FinishResult:
    new_high_risk: int = 0
    plans_reviewed: int = 0


def _ranked_select(s: LifecycleSettings) -> tuple[str, dict]:
    """id, percentile, value score and risk level of each of the day's snapshot rows."""
    weights = s.weights
    total = sum(weights.values())
    params = {
        "w_sales": weights["sales"],
        "w_growth": weights["growth"],
        "w_breadth": weights["breadth"],
        "w_customers": weights["customers"],
        "w_tenure": weights["tenure"],
        "w_total": total,
        "high_value": s.high_value_score,
        "serious": int(Severity.SERIOUS),
        "warning": int(Severity.WARNING),
        "r_none": int(RiskLevel.NONE),
        "r_low": int(RiskLevel.LOW),
        "r_medium": int(RiskLevel.MEDIUM),
        "r_high": int(RiskLevel.HIGH),
    }
    percentile = """CASE WHEN NOT x.in_population THEN 0
                         WHEN x.n = 1 THEN CASE WHEN x.sales_12m_cents > 0 THEN 100 ELSE 0 END
                         ELSE (100 * (x.rk - 1)) / (x.n - 1) END"""
    value = f"""(%(w_sales)s * ({percentile}) + %(w_growth)s * x.growth_score + %(w_breadth)s * x.breadth_score
                 + %(w_customers)s * x.customer_score + %(w_tenure)s * x.tenure_score) / %(w_total)s"""
    select = f"""
        SELECT y.id, y.pct, y.value, y.max_severity,
               CASE WHEN y.max_severity IS NULL THEN %(r_none)s
                    WHEN y.value >= %(high_value)s AND y.max_severity >= %(serious)s THEN %(r_high)s
                    WHEN y.max_severity >= %(serious)s
                         OR (y.value >= %(high_value)s AND y.max_severity >= %(warning)s) THEN %(r_medium)s
                    ELSE %(r_low)s END AS risk
        FROM (
            SELECT x.id, x.max_severity, {percentile} AS pct, {value} AS value
            FROM (
                SELECT sn.id, sn.in_population, sn.sales_12m_cents, sn.growth_score, sn.breadth_score,
                       sn.customer_score, sn.tenure_score, h.max_severity,
                       RANK() OVER (PARTITION BY sn.partner_type_id, sn.in_population ORDER BY sn.sales_12m_cents) AS rk,
                       COUNT(*) OVER (PARTITION BY sn.partner_type_id, sn.in_population) AS n
                FROM {SNAPSHOT} sn
                LEFT JOIN (
                    SELECT partner_id, MAX(severity) AS max_severity FROM {RISK_HIT} WHERE as_of = %(d)s
                    GROUP BY partner_id
                ) h ON h.partner_id = sn.partner_id
                WHERE sn.as_of = %(d)s
            ) x
        ) y"""
    return select, params


def rank(sql: Dialect, as_of: datetime.date, s: LifecycleSettings) -> None:
    select, params = _ranked_select(s)
    params["d"] = sql.date(as_of)
    if sql.postgres:
        sql.execute(
            f"""UPDATE {SNAPSHOT} AS t SET sales_percentile = r.pct, value_score = r.value,
                       max_severity = r.max_severity, risk_level = r.risk
                FROM ({select}) r WHERE t.id = r.id""",
            params,
        )
        return
    # SQLite before 3.33 has no UPDATE … FROM: rank into a keyed temporary table, then look up.
    sql.execute("DROP TABLE IF EXISTS temp.lifecycle_rank")
    sql.execute(
        "CREATE TEMP TABLE lifecycle_rank (id INTEGER PRIMARY KEY, pct INTEGER, value INTEGER, severity INTEGER, risk INTEGER)"
    )
    try:
        sql.execute(f"INSERT INTO temp.lifecycle_rank (id, pct, value, severity, risk) {select}", params)
        sql.execute(
            f"""UPDATE {SNAPSHOT} SET
                   sales_percentile = (SELECT r.pct FROM temp.lifecycle_rank r WHERE r.id = {SNAPSHOT}.id),
                   value_score = (SELECT r.value FROM temp.lifecycle_rank r WHERE r.id = {SNAPSHOT}.id),
                   max_severity = (SELECT r.severity FROM temp.lifecycle_rank r WHERE r.id = {SNAPSHOT}.id),
                   risk_level = (SELECT r.risk FROM temp.lifecycle_rank r WHERE r.id = {SNAPSHOT}.id)
                WHERE as_of = %(d)s""",
            params,
        )
    finally:
        sql.execute("DROP TABLE IF EXISTS temp.lifecycle_rank")


def upsert_state(sql: Dialect, as_of: datetime.date, today: datetime.date, now: datetime.datetime) -> None:
    params = {
        "d": sql.date(as_of),
        "today": sql.date(today),
        "now": sql.datetime(now),
        "high": int(RiskLevel.HIGH),
        "exit": Stage.E.value,
    }
    updates = ", ".join(f"{column} = excluded.{column}" for column in STATE_COLUMNS)
    sql.execute(
        f"""INSERT INTO {STATE} (partner_id, {", ".join(STATE_COLUMNS)})
            SELECT s.partner_id, s.as_of, s.stage, s.stage_since, s.rule_stage, s.rule_reason, s.override_id,
                   s.value_score, s.sales_percentile, s.growth_score, s.breadth_score, s.customer_score,
                   s.tenure_score, s.sales_12m_cents, s.risk_level, s.max_severity,
                   CASE WHEN s.risk_level = %(high)s THEN
                            CASE WHEN s.previous_risk_level = %(high)s THEN COALESCE(pl.high_risk_since, s.as_of)
                                 ELSE s.as_of END
                        ELSE NULL END,
                   CASE WHEN s.stage <> %(exit)s THEN s.value_score
                        ELSE COALESCE(pl.last_active_value_score, s.value_score) END,
                   %(now)s
            FROM {SNAPSHOT} s LEFT JOIN {STATE} pl ON pl.partner_id = s.partner_id
            WHERE s.as_of = %(d)s
            ON CONFLICT (partner_id) DO UPDATE SET {updates}""",
        params,
    )
    # An override set after the as-of day but already in force today shows at once.
    active_today = f"""SELECT MAX(o.id) FROM {OVERRIDE} o WHERE o.partner_id = {STATE}.partner_id
                       AND o.valid_from <= %(today)s AND o.valid_until >= %(today)s
                       AND (o.ended_on IS NULL OR o.ended_on > %(today)s)"""
    sql.execute(
        f"""UPDATE {STATE} SET
               override_id = ({active_today}),
               stage = (SELECT o.stage FROM {OVERRIDE} o WHERE o.id = ({active_today}))
            WHERE as_of = %(d)s AND ({active_today}) IS NOT NULL
              AND (override_id IS NULL OR override_id <> ({active_today}))""",
        params,
    )


def notify_new_high_risk(as_of: datetime.date, s: LifecycleSettings) -> int:
    """Tell each channel manager which of their partners became high-risk on the day.

    Up to `notify_individually_max` partners a manager gets one notification per partner;
    beyond that one summary. Only managers are looped over, never partners in bulk.
    """
    newly = LifecycleSnapshot.objects.filter(as_of=as_of, risk_level=RiskLevel.HIGH).exclude(
        previous_risk_level=RiskLevel.HIGH
    )
    total = newly.count()
    per_manager = (
        newly.filter(partner__channel_manager__isnull=False)
        .values("partner__channel_manager")
        .annotate(n=Count("id"))
        .order_by("partner__channel_manager")
    )
    board = reverse("lifecycle:early-warning")
    for row in per_manager:
        manager = User.objects.get(pk=row["partner__channel_manager"])
        if row["n"] <= s.notify_individually_max:
            partners = Partner.objects.filter(
                pk__in=newly.filter(partner__channel_manager=manager).values("partner_id")
            ).order_by("code")
            for partner in partners:
                notification_send(
                    recipients=[manager],
                    kind="lifecycle.high_risk",
                    title=_("High-risk partner: %(code)s %(name)s") % {"code": partner.code, "name": partner.name},
                    body=_("On %(day)s %(name)s became a high-risk partner: a valuable partner with a serious "
                           "early-warning flag. Open its lifecycle section to see the evidence and start a "
                           "retention plan.") % {"day": as_of.isoformat(), "name": partner.name},
                    url=reverse("portal:partner-detail", args=[partner.pk]) + "#lifecycle",
                    dedupe_key=f"lifecycle:high-risk:{partner.pk}:{as_of.isoformat()}",
                )
        else:
            notification_send(
                recipients=[manager],
                kind="lifecycle.high_risk",
                title=ngettext_lazy(
                    "%(count)d of your partners became high-risk",
                    "%(count)d of your partners became high-risk",
                    row["n"],
                ) % {"count": row["n"]},
                body=_("On %(day)s these partners became high-risk: valuable partners with a serious early-warning "
                       "flag. The early-warning board lists them with their evidence.") % {"day": as_of.isoformat()},
                url=f"{board}?owner={manager.pk}",
                dedupe_key=f"lifecycle:high-risk-summary:{as_of.isoformat()}",
            )
    return total


def review_plans(sql: Dialect, as_of: datetime.date, now: datetime.datetime) -> int:
    """Measure the outcome of every active plan whose review day has come (set-based).

    Retention: retained when the partner is in stage B or C and has no serious flag; lost when it
    is in stage E; otherwise not recovered. Win-back: won back when no longer in stage E.
    """
    params = {
        "d": sql.date(as_of),
        "now": sql.datetime(now),
        "active": PlanStatus.ACTIVE.value,
        "closed": PlanStatus.CLOSED.value,
        "retention": PlanKind.RETENTION.value,
        "win_back": PlanKind.WIN_BACK.value,
        "retained": PlanOutcome.RETAINED.value,
        "not_recovered": PlanOutcome.NOT_RECOVERED.value,
        "lost": PlanOutcome.LOST.value,
        "won_back": PlanOutcome.WON_BACK.value,
        "not_won_back": PlanOutcome.NOT_WON_BACK.value,
        "b": Stage.B.value,
        "c": Stage.C.value,
        "e": Stage.E.value,
        "serious": int(Severity.SERIOUS),
        "event": PlanEventKind.OUTCOME.value,
    }
    state = f"SELECT {{column}} FROM {STATE} st WHERE st.partner_id = {PLAN}.partner_id"
    stage = state.format(column="st.stage")
    severity = state.format(column="st.max_severity")
    outcome = f"""CASE
        WHEN kind = %(win_back)s THEN CASE WHEN ({stage}) = %(e)s THEN %(not_won_back)s ELSE %(won_back)s END
        WHEN ({stage}) = %(e)s THEN %(lost)s
        WHEN ({stage}) IN (%(b)s, %(c)s) AND COALESCE(({severity}), 0) < %(serious)s THEN %(retained)s
        ELSE %(not_recovered)s END"""
    detail = sql.json_object(
        {
            "stage": f"({stage})",
            "risk_level": f"({state.format(column='st.risk_level')})",
            "value_score": f"({state.format(column='st.value_score')})",
            "max_severity": f"({severity})",
            "as_of": "%(d)s",
        }
    )
    due = f"status = %(active)s AND review_on <= %(d)s AND EXISTS ({state.format(column='1')})"
    sql.execute(
        f"""INSERT INTO {PLAN_EVENT} (plan_id, kind, by_id, at, details)
            SELECT id, %(event)s, NULL, %(now)s, {detail} FROM {PLAN} WHERE {due}""",
        params,
    )
    return sql.execute(
        f"""UPDATE {PLAN} SET outcome = {outcome}, outcome_on = %(d)s, outcome_detail = {detail},
                   status = %(closed)s, updated_at = %(now)s
            WHERE {due}""",
        params,
    )


def purge(sql: Dialect, as_of: datetime.date, s: LifecycleSettings) -> None:
    params = {"before": sql.date(as_of - datetime.timedelta(days=s.snapshot_retention_days))}
    sql.execute(f"DELETE FROM {SNAPSHOT} WHERE as_of < %(before)s", params)
    sql.execute(f"DELETE FROM {RISK_HIT} WHERE as_of < %(before)s", params)


def run_finish(*, as_of: datetime.date, forward: bool, settings: LifecycleSettings, today: datetime.date,
               now: datetime.datetime) -> FinishResult:
    """All of the finishing step; call inside a transaction."""
    sql = Dialect(connection)
    sql.tune_transaction()
    result = FinishResult()
    rank(sql, as_of, settings)
    if forward:
        upsert_state(sql, as_of, today, now)
        result.plans_reviewed = review_plans(sql, as_of, now)
        purge(sql, as_of, settings)
        result.new_high_risk = notify_new_high_risk(as_of, settings)
    return result
