"""The chunk step: one partner-id range, one as-of date, a handful of set-based statements.

Recompute-and-replace, keyed by (as-of date, partner id): the step first removes what an
earlier attempt for the same day wrote for these partners, then writes it again, all in the
caller's transaction. Whatever happened before (nothing, a clean run, a run killed halfway,
which the database rolled back), the rows afterwards are those of one clean run.

Statements, in order:
 1. forget the day's rule-made stage changes, risk hits and snapshot rows of the range;
 2. INSERT the snapshot rows: per-partner sales aggregates over the sales table (one GROUP BY),
    status on the day (from the change history), stage by the rules, override, previous stage,
    and the score components that need no other partner (growth, breadth, customers, tenure);
 3. INSERT the day's stage changes where the stage differs from the previous one   [forward]
 4. INSERT the risk hits, one INSERT … SELECT per registered rule;
 5. move the flag episodes: undo the day, then continue, clear and raise             [forward]
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from partners.choices import PartnerStatus, SaleStatus

from .. import risk_rules
from ..choices import Stage, StageChangeSource, StageReason
from ..models import LifecycleSettings, StageThreshold
from .sql import Dialect

SNAPSHOT = "lifecycle_lifecyclesnapshot"
STAGE_CHANGE = "lifecycle_stagechange"
RISK_HIT = "lifecycle_riskhit"
RISK_FLAG = "lifecycle_riskflag"
OVERRIDE = "lifecycle_stageoverride"

THRESHOLD_FIELDS = (
    "never_sold_exit_days",
    "exit_inactive_days",
    "decline_inactive_days",
    "decline_drop_pct",
    "decline_min_prior_cents",
    "maturity_12m_cents",
    "maturity_min_tenure_days",
)

# The stage rules, first match wins: (condition over the CTE `b`, stage, reason).
STAGE_RULES = [
    ("b.status = %(exited)s", Stage.E, StageReason.STATUS_EXITED),
    ("b.status = %(prospect)s", Stage.A, StageReason.STATUS_PROSPECT),
    ("b.first_sale IS NULL AND b.tenure_days >= b.th_never_sold_exit_days", Stage.E, StageReason.NEVER_SOLD_LONG),
    ("b.first_sale IS NULL", Stage.A, StageReason.NO_FIRST_SALE),
    ("b.status = %(suspended)s", Stage.D, StageReason.STATUS_SUSPENDED),
    ("b.days_since >= b.th_exit_inactive_days", Stage.E, StageReason.INACTIVE_EXIT),
    ("b.days_since >= b.th_decline_inactive_days", Stage.D, StageReason.INACTIVE_DECLINE),
    (
        "b.p90 > 0 AND b.p90 >= b.th_decline_min_prior_cents AND (b.p90 - b.t90) * 100 >= b.th_decline_drop_pct * b.p90",
        Stage.D,
        StageReason.SALES_DROP,
    ),
    ("b.t12 >= b.th_maturity_12m_cents AND b.tenure_days >= b.th_maturity_min_tenure_days", Stage.C, StageReason.MATURITY),
]
DEFAULT_RULE = (Stage.B, StageReason.BUILD_UP)


def thresholds_by_type() -> tuple[dict, dict]:
    """(default values, {partner_type_id: values}) in SQL units, from StageThreshold rows."""
    default = StageThreshold().as_rule_values()
    per_type = {}
    for row in StageThreshold.objects.all():
        if row.partner_type_id is None:
            default = row.as_rule_values()
        else:
            per_type[row.partner_type_id] = row.as_rule_values()
    return default, per_type


def _threshold_columns(default: dict, per_type: dict, params: dict) -> str:
    columns = []
    for field in THRESHOLD_FIELDS:
        params[f"th_{field}"] = default[field]
        if per_type:
            whens = []
            for type_id, values in sorted(per_type.items()):
                params[f"th_{field}_t{type_id}"] = type_id
                params[f"th_{field}_v{type_id}"] = values[field]
                whens.append(f"WHEN %(th_{field}_t{type_id})s THEN %(th_{field}_v{type_id})s")
            columns.append(f"CASE p.partner_type_id {' '.join(whens)} ELSE %(th_{field})s END AS th_{field}")
        else:
            columns.append(f"%(th_{field})s AS th_{field}")
    return ",\n               ".join(columns)


def _stage_case(params: dict, pick: int) -> str:
    whens = []
    for index, rule in enumerate(STAGE_RULES):
        params[f"rule_{pick}_{index}"] = str(rule[pick])
        whens.append(f"WHEN {rule[0]} THEN %(rule_{pick}_{index})s")
    params[f"rule_{pick}_default"] = str(DEFAULT_RULE[pick - 1])
    return f"CASE {' '.join(whens)} ELSE %(rule_{pick}_default)s END"


@dataclass
class ChunkResult:
    partners: int = 0
    stage_changes: int = 0
    flags_raised: int = 0
    flags_cleared: int = 0


@dataclass(frozen=True)
class ChunkJob:
    as_of: datetime.date
    partner_lo: int
    partner_hi: int
    forward: bool
    settings: LifecycleSettings
    thresholds: tuple  # (default, per_type) from thresholds_by_type()
    now: datetime.datetime


def run_chunk(job: ChunkJob) -> ChunkResult:
    """All statements of one chunk; call inside a transaction."""
    sql = Dialect(connection)
    sql.tune_transaction()
    result = ChunkResult()
    base = {
        "d": sql.date(job.as_of),
        "lo": job.partner_lo,
        "hi": job.partner_hi,
        "rule": StageChangeSource.RULE.value,
        "manual": StageChangeSource.MANUAL.value,
    }

    # 1. Forget what an earlier attempt wrote for this day and range.
    if job.forward:
        sql.execute(
            f"DELETE FROM {STAGE_CHANGE} WHERE as_of = %(d)s AND source = %(rule)s AND partner_id BETWEEN %(lo)s AND %(hi)s",
            base,
        )
    sql.execute(f"DELETE FROM {RISK_HIT} WHERE as_of = %(d)s AND partner_id BETWEEN %(lo)s AND %(hi)s", base)
    sql.execute(f"DELETE FROM {SNAPSHOT} WHERE as_of = %(d)s AND partner_id BETWEEN %(lo)s AND %(hi)s", base)

    # 2. Snapshot rows.
    result.partners = _insert_snapshots(sql, job, base)

    # 3. Stage changes.
    if job.forward:
        result.stage_changes = _insert_stage_changes(sql, job, base)

    # 4. Risk hits (their most serious one per partner goes into the snapshot when finishing).
    _insert_risk_hits(sql, job, base)

    # 5. Flag episodes.
    if job.forward:
        result.flags_cleared, result.flags_raised = _move_flags(sql, base)
    return result


def _insert_snapshots(sql: Dialect, job: ChunkJob, base: dict) -> int:
    d = job.as_of
    s = job.settings
    params = dict(base)
    params.update(
        d90=sql.date(d - datetime.timedelta(days=90)),
        d180=sql.date(d - datetime.timedelta(days=180)),
        d365=sql.date(d - datetime.timedelta(days=365)),
        booked=SaleStatus.BOOKED.value,
        exited=PartnerStatus.EXITED.value,
        prospect=PartnerStatus.PROSPECT.value,
        suspended=PartnerStatus.SUSPENDED.value,
        active=PartnerStatus.ACTIVE.value,
        status_field="status",
        cutoff=sql.datetime(timezone.make_aware(datetime.datetime.combine(d + datetime.timedelta(days=1), datetime.time.min))),
        breadth_target=s.breadth_target_products,
        customers_target=s.customers_target,
        tenure_target=s.tenure_target_days,
        empty="",
    )
    default, per_type = job.thresholds
    thresholds = _threshold_columns(default, per_type, params)
    stage_case = _stage_case(params, 1)
    reason_case = _stage_case(params, 2)
    cents = sql.cents("sr.amount")
    d_ = sql.date_param("d")
    before = "pc.changed_at < %(cutoff)s"
    # Set-based throughout: no correlated subquery is evaluated per partner, except the previous
    # day's risk level (one index probe, referenced once).
    # INSERT … WITH … SELECT (not WITH … INSERT): Python's sqlite3 reports row counts only for
    # statements that start with INSERT.
    statement = f"""
        INSERT INTO {SNAPSHOT} (
            as_of, partner_id, partner_type_id, status, tenure_days, first_sale_on, last_sale_on, days_since_sale,
            sales_90d_cents, sales_prev_90d_cents, sales_12m_cents, products_12m, customers_12m, in_population,
            rule_stage, rule_reason, stage, previous_stage, stage_since, override_id,
            growth_score, breadth_score, customer_score, tenure_score,
            sales_percentile, value_score, max_severity, previous_risk_level, risk_level
        )
        WITH s AS (
            SELECT sr.partner_id,
                   {sql.sum_int(f"CASE WHEN sr.sold_on > %(d90)s THEN {cents} ELSE 0 END")} AS t90,
                   {sql.sum_int(f"CASE WHEN sr.sold_on > %(d180)s AND sr.sold_on <= %(d90)s THEN {cents} ELSE 0 END")} AS p90,
                   {sql.sum_int(f"CASE WHEN sr.sold_on > %(d365)s THEN {cents} ELSE 0 END")} AS t12,
                   MIN(sr.sold_on) AS first_sale,
                   MAX(sr.sold_on) AS last_sale,
                   COUNT(DISTINCT CASE WHEN sr.sold_on > %(d365)s THEN sr.product_id END) AS products,
                   COUNT(DISTINCT CASE WHEN sr.sold_on > %(d365)s THEN sr.customer_name END) AS customers
            FROM partners_salerecord sr
            WHERE sr.partner_id BETWEEN %(lo)s AND %(hi)s AND sr.sold_on <= %(d)s AND sr.status = %(booked)s
            GROUP BY sr.partner_id
        ),
        st AS (
            -- Status on the day: the last status change before the day ends, else (history
            -- starting later) the value before the first change after it.
            SELECT x.partner_id, x.value FROM (
                SELECT pc.partner_id,
                       CASE WHEN {before} THEN pc.new_value WHEN pc.old_value = %(empty)s THEN pc.new_value
                            ELSE pc.old_value END AS value,
                       ROW_NUMBER() OVER (
                           PARTITION BY pc.partner_id
                           ORDER BY CASE WHEN {before} THEN 0 ELSE 1 END,
                                    CASE WHEN {before} THEN pc.changed_at END DESC,
                                    CASE WHEN {before} THEN pc.id END DESC,
                                    CASE WHEN {before} THEN NULL ELSE pc.changed_at END,
                                    CASE WHEN {before} THEN NULL ELSE pc.id END
                       ) AS rn
                FROM partners_partnerchange pc
                WHERE pc.partner_id BETWEEN %(lo)s AND %(hi)s AND pc.field = %(status_field)s
            ) x WHERE x.rn = 1
        ),
        pv AS (
            -- The stage before the day: the latest change before it (or a manual one on it).
            SELECT y.partner_id, y.to_stage, y.as_of FROM (
                SELECT sc.partner_id, sc.to_stage, sc.as_of,
                       ROW_NUMBER() OVER (PARTITION BY sc.partner_id ORDER BY sc.as_of DESC, sc.id DESC) AS rn
                FROM {STAGE_CHANGE} sc
                WHERE sc.partner_id BETWEEN %(lo)s AND %(hi)s
                  AND (sc.as_of < %(d)s OR (sc.as_of = %(d)s AND sc.source = %(manual)s))
            ) y WHERE y.rn = 1
        ),
        o AS (
            SELECT partner_id, MAX(id) AS override_id FROM {OVERRIDE}
            WHERE partner_id BETWEEN %(lo)s AND %(hi)s AND valid_from <= %(d)s AND valid_until >= %(d)s
              AND (ended_on IS NULL OR ended_on > %(d)s)
            GROUP BY partner_id
        ),
        b AS (
            SELECT p.id AS partner_id, p.partner_type_id, COALESCE(st.value, p.status) AS status,
                   {sql.days_between(d_, "p.joined_on")} AS tenure_days,
                   s.first_sale, s.last_sale,
                   CASE WHEN s.last_sale IS NULL THEN NULL ELSE {sql.days_between(d_, "s.last_sale")} END AS days_since,
                   COALESCE(s.t90, 0) AS t90, COALESCE(s.p90, 0) AS p90, COALESCE(s.t12, 0) AS t12,
                   COALESCE(s.products, 0) AS products, COALESCE(s.customers, 0) AS customers,
                   pv.to_stage AS prev_stage, pv.as_of AS prev_since, o.override_id, ov.stage AS override_stage,
               {thresholds}
            FROM partners_partner p
            LEFT JOIN s ON s.partner_id = p.id
            LEFT JOIN st ON st.partner_id = p.id
            LEFT JOIN pv ON pv.partner_id = p.id
            LEFT JOIN o ON o.partner_id = p.id
            LEFT JOIN {OVERRIDE} ov ON ov.id = o.override_id
            WHERE p.id BETWEEN %(lo)s AND %(hi)s AND p.joined_on <= %(d)s
        ),
        r AS (
            SELECT b.*, {stage_case} AS rule_stage, {reason_case} AS rule_reason FROM b
        ),
        f AS (
            SELECT r.*, COALESCE(r.override_stage, r.rule_stage) AS stage FROM r
        )
        SELECT %(d)s, f.partner_id, f.partner_type_id, f.status, f.tenure_days, f.first_sale, f.last_sale, f.days_since,
               f.t90, f.p90, f.t12, f.products, f.customers, f.status IN (%(active)s, %(suspended)s),
               f.rule_stage, f.rule_reason, f.stage, COALESCE(f.prev_stage, %(empty)s),
               CASE WHEN f.prev_stage = f.stage THEN f.prev_since ELSE %(d)s END,
               f.override_id,
               CASE WHEN f.p90 = 0 THEN CASE WHEN f.t90 > 0 THEN 100 ELSE 0 END
                    WHEN f.t90 >= 2 * f.p90 THEN 100
                    ELSE 50 + (50 * (f.t90 - f.p90)) / f.p90 END,
               CASE WHEN f.products >= %(breadth_target)s THEN 100 ELSE (100 * f.products) / %(breadth_target)s END,
               CASE WHEN f.customers >= %(customers_target)s THEN 100
                    ELSE (100 * f.customers) / %(customers_target)s END,
               CASE WHEN f.tenure_days >= %(tenure_target)s THEN 100 ELSE (100 * f.tenure_days) / %(tenure_target)s END,
               NULL, NULL, NULL,
               (SELECT ls.risk_level FROM {SNAPSHOT} ls
                WHERE ls.partner_id = f.partner_id AND ls.as_of < %(d)s
                ORDER BY ls.as_of DESC LIMIT 1),
               NULL
        FROM f
    """
    return sql.execute(statement, params)


def _insert_stage_changes(sql: Dialect, job: ChunkJob, base: dict) -> int:
    params = dict(base, now=sql.datetime(job.now), override=StageReason.OVERRIDE.value, empty="")
    evidence = sql.json_object(
        {
            "status": "status",
            "rule_stage": "rule_stage",
            "rule_reason": "rule_reason",
            "sales_90d_cents": "sales_90d_cents",
            "sales_prev_90d_cents": "sales_prev_90d_cents",
            "sales_12m_cents": "sales_12m_cents",
            "days_since_sale": "days_since_sale",
            "tenure_days": "tenure_days",
        }
    )
    return sql.execute(
        f"""INSERT INTO {STAGE_CHANGE} (partner_id, as_of, from_stage, to_stage, source, reason, note, evidence,
                                         changed_by_id, override_id, created_at)
            SELECT partner_id, as_of, previous_stage, stage, %(rule)s,
                   CASE WHEN override_id IS NULL THEN rule_reason ELSE %(override)s END, %(empty)s, {evidence},
                   NULL, override_id, %(now)s
            FROM {SNAPSHOT}
            WHERE as_of = %(d)s AND partner_id BETWEEN %(lo)s AND %(hi)s AND previous_stage <> stage""",
        params,
    )


def _insert_risk_hits(sql: Dialect, job: ChunkJob, base: dict) -> None:
    ctx = risk_rules.RuleContext(
        as_of=job.as_of, partner_lo=job.partner_lo, partner_hi=job.partner_hi, settings=job.settings
    )
    for rule in risk_rules.registered_rules():
        rule_sql, rule_params = risk_rules.compile_rule(rule, ctx, sql.connection)
        statement = f"""
            INSERT INTO {RISK_HIT} (as_of, partner_id, kind, severity, evidence)
            SELECT %s, r.partner_id, %s, r.severity, {sql.as_json("r.evidence")}
            FROM ({rule_sql}) r
            WHERE r.partner_id BETWEEN %s AND %s
              AND EXISTS (SELECT 1 FROM {SNAPSHOT} s
                          WHERE s.as_of = %s AND s.partner_id = r.partner_id AND s.stage <> %s)"""
        params = [base["d"], rule.kind, *rule_params, job.partner_lo, job.partner_hi, base["d"], Stage.E.value]
        with sql.connection.cursor() as cursor:
            cursor.execute(statement, params)


def _move_flags(sql: Dialect, base: dict) -> tuple[int, int]:
    """Flag episodes for the day; returns (cleared, raised)."""
    in_range = "partner_id BETWEEN %(lo)s AND %(hi)s"
    hit = f"""FROM {RISK_HIT} h WHERE h.as_of = %(d)s AND h.partner_id = {RISK_FLAG}.partner_id
              AND h.kind = {RISK_FLAG}.kind"""
    # Undo an earlier attempt for the same day.
    sql.execute(f"DELETE FROM {RISK_FLAG} WHERE first_raised_on = %(d)s AND {in_range}", base)
    sql.execute(f"UPDATE {RISK_FLAG} SET cleared_on = NULL WHERE cleared_on = %(d)s AND {in_range}", base)
    # Still tripping: seen today, with today's severity and evidence.
    if sql.postgres:
        sql.execute(
            f"""UPDATE {RISK_FLAG} AS f SET last_seen_on = %(d)s, severity = h.severity, evidence = h.evidence
                FROM {RISK_HIT} h
                WHERE h.as_of = %(d)s AND h.partner_id = f.partner_id AND h.kind = f.kind
                  AND f.cleared_on IS NULL AND f.partner_id BETWEEN %(lo)s AND %(hi)s""",
            base,
        )
    else:  # SQLite before 3.33 has no UPDATE … FROM
        sql.execute(
            f"""UPDATE {RISK_FLAG} SET last_seen_on = %(d)s,
                       severity = (SELECT h.severity {hit}),
                       evidence = (SELECT h.evidence {hit})
                WHERE cleared_on IS NULL AND {in_range} AND EXISTS (SELECT 1 {hit})""",
            base,
        )
    # No longer tripping: cleared today; last seen on the last day it tripped.
    cleared = sql.execute(
        f"""UPDATE {RISK_FLAG} SET cleared_on = %(d)s,
                   last_seen_on = CASE WHEN last_seen_on < %(d)s THEN last_seen_on ELSE COALESCE(
                       (SELECT MAX(h.as_of) FROM {RISK_HIT} h WHERE h.partner_id = {RISK_FLAG}.partner_id
                        AND h.kind = {RISK_FLAG}.kind AND h.as_of < %(d)s), first_raised_on) END
            WHERE cleared_on IS NULL AND {in_range} AND NOT EXISTS (SELECT 1 {hit})""",
        base,
    )
    # Newly tripping: a new episode.
    raised = sql.execute(
        f"""INSERT INTO {RISK_FLAG} (partner_id, kind, severity, evidence, first_raised_on, last_seen_on, cleared_on)
            SELECT h.partner_id, h.kind, h.severity, h.evidence, %(d)s, %(d)s, NULL
            FROM {RISK_HIT} h
            WHERE h.as_of = %(d)s AND h.partner_id BETWEEN %(lo)s AND %(hi)s
              AND NOT EXISTS (SELECT 1 FROM {RISK_FLAG} f
                              WHERE f.partner_id = h.partner_id AND f.kind = h.kind AND f.cleared_on IS NULL)""",
        base,
    )
    return cleared, raised
