"""The nightly funnel job: set-based statements turn prospects, partners and their first sales
into FunnelCell rows per (cohort month, partner type, city) for a business date. Partners are
staged one partner-id range per statement, then all subjects are grouped at once.

Subjects, each counted once:
  * a staff-entered prospect enters at "prospect" (its entered_on);
  * a public application enters at "applied" (its applied_on);
  * a partner registered without a prospect (the existing registry) enters at "registered"
    (its joined_on).
A subject reaches "applied" on applied_on, "registered" on the day it was accepted (or joined),
"first sale" on its partner's first booked sale. Only facts dated on or before as_of count.

Replace-for-the-day: the day's rows are deleted and inserted again in one transaction, so a
re-run or a retry gives the same table. Old days are pruned (the dashboard reads the latest).
Works on PostgreSQL and SQLite (window functions give the medians on both).
"""
from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import Max, Min

from lifecycle.engine.sql import Dialect, positional
from partners.choices import SaleStatus
from partners.models import Partner

from .choices import ProspectSource, ProspectStatus
from .models import FunnelCell, FunnelSubject, Prospect

KEEP_DAYS = 7  # earlier days' cells are pruned by the job

CELL = FunnelCell._meta.db_table
PROSPECT = Prospect._meta.db_table
SUBJECT = FunnelSubject._meta.db_table


def _month(sql: Dialect, column: str) -> str:
    if sql.postgres:
        return f"CAST(date_trunc('month', {column}) AS DATE)"
    return f"date({column}, 'start of month')"


def _median_cte(name: str, days: str, cond: str) -> str:
    """Median of `days` over the subjects matching `cond`, per cell (two middle rows averaged)."""
    return f"""
        {name} AS (
            SELECT cohort, partner_type_id, city_id, AVG(CAST(v AS FLOAT)) AS median FROM (
                SELECT cohort, partner_type_id, city_id, {days} AS v,
                       ROW_NUMBER() OVER (PARTITION BY cohort, partner_type_id, city_id ORDER BY {days}) AS rn,
                       COUNT(*) OVER (PARTITION BY cohort, partner_type_id, city_id) AS n
                FROM s WHERE {cond}
            ) x
            WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
            GROUP BY cohort, partner_type_id, city_id
        )"""


CHUNK_SIZE = 20_000  # partner ids per staging statement


def _chunks(chunk_size: int) -> list[tuple[int, int]]:
    bounds = Partner.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    return [(lo, min(lo + chunk_size - 1, bounds["hi"])) for lo in range(bounds["lo"], bounds["hi"] + 1, chunk_size)]


def _execute(statement: str, params: dict) -> int:
    text, values = positional(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(text, values)
        return cursor.rowcount


def funnel_refresh(*, as_of: datetime.date, chunk_size: int = CHUNK_SIZE) -> int:
    """Recompute the funnel cells of `as_of`; return how many cells were written.

    1. stage the prospects (one statement: they are few);
    2. stage the partners registered without a prospect, one partner-id range per statement;
    3. group the staged subjects into cells (counts, day sums, medians) and drop the staging.
    One transaction: a retry or a second run replaces the day's cells with the same ones.
    """
    sql = Dialect(connection)
    d = sql.date_param("d")
    params = {
        "d": sql.date(as_of),
        "booked": SaleStatus.BOOKED.value,
        "staff": ProspectSource.STAFF.value,
        "accepted": ProspectStatus.ACCEPTED.value,
        "lost1": ProspectStatus.REJECTED.value,
        "lost2": ProspectStatus.WITHDRAWN.value,
    }
    columns = "as_of, partner_type_id, city_id, from_prospect, recruited, entered_on, applied_on, registered_on, first_sale_on, lost"
    stage_prospects = f"""
        INSERT INTO {SUBJECT} ({columns})
        SELECT {d}, pr.partner_type_id, pr.city_id,
               CASE WHEN pr.source = %(staff)s THEN 1 ELSE 0 END,
               1,
               CASE WHEN pr.source = %(staff)s THEN pr.entered_on ELSE COALESCE(pr.applied_on, pr.entered_on) END,
               CASE WHEN pr.applied_on <= {d} THEN pr.applied_on END,
               CASE WHEN pr.status = %(accepted)s AND pr.decided_on <= {d} THEN pr.decided_on END,
               CASE WHEN pr.status = %(accepted)s AND pr.decided_on <= {d} THEN fs.first_sale END,
               CASE WHEN pr.status IN (%(lost1)s, %(lost2)s) AND pr.decided_on <= {d} THEN 1 ELSE 0 END
        FROM {PROSPECT} pr
        LEFT JOIN (
            SELECT sr.partner_id, MIN(sr.sold_on) AS first_sale
            FROM partners_salerecord sr
            WHERE sr.status = %(booked)s AND sr.sold_on <= {d}
              AND sr.partner_id IN (SELECT lp.partner_id FROM {PROSPECT} lp WHERE lp.partner_id IS NOT NULL)
            GROUP BY sr.partner_id
        ) fs ON fs.partner_id = pr.partner_id
        WHERE pr.entered_on <= {d}
    """
    stage_partners = f"""
        INSERT INTO {SUBJECT} ({columns})
        SELECT {d}, p.partner_type_id, p.city_id, 0, 0, p.joined_on, NULL, p.joined_on, fs.first_sale, 0
        FROM partners_partner p
        LEFT JOIN (
            SELECT sr.partner_id, MIN(sr.sold_on) AS first_sale
            FROM partners_salerecord sr
            WHERE sr.partner_id BETWEEN %(lo)s AND %(hi)s AND sr.status = %(booked)s AND sr.sold_on <= {d}
            GROUP BY sr.partner_id
        ) fs ON fs.partner_id = p.id
        WHERE p.id BETWEEN %(lo)s AND %(hi)s AND p.joined_on <= {d}
          AND NOT EXISTS (
              SELECT 1 FROM {PROSPECT} lp
              WHERE lp.partner_id = p.id AND lp.status = %(accepted)s AND lp.decided_on <= {d}
          )
    """
    days = sql.days_between
    to_apply = days("applied_on", "entered_on")
    to_register = days("registered_on", "applied_on")
    to_sale = f"CASE WHEN first_sale_on > registered_on THEN {days('first_sale_on', 'registered_on')} ELSE 0 END"
    applied_from_prospect = "from_prospect = 1 AND applied_on IS NOT NULL"
    registered_from_applied = "applied_on IS NOT NULL AND registered_on IS NOT NULL"
    with_sale = "registered_on IS NOT NULL AND first_sale_on IS NOT NULL"
    aggregate = f"""
        INSERT INTO {CELL} (
            as_of, cohort_month, partner_type_id, city_id, prospects, applied, applied_from_prospect,
            registered, registered_from_applied, first_sale, recruited, recruited_first_sale, lost,
            days_to_apply_sum, days_to_apply_median, days_to_register_sum, days_to_register_median,
            days_to_sale_sum, days_to_sale_median
        )
        WITH s AS (
            SELECT {_month(sql, "entered_on")} AS cohort, partner_type_id, city_id, from_prospect, entered_on,
                   applied_on, registered_on, lost, first_sale_on, recruited
            FROM {SUBJECT} WHERE as_of = {d}
        ),
        c AS (
            SELECT cohort, partner_type_id, city_id,
                   SUM(from_prospect) AS prospects,
                   SUM(CASE WHEN applied_on IS NOT NULL THEN 1 ELSE 0 END) AS applied,
                   SUM(CASE WHEN {applied_from_prospect} THEN 1 ELSE 0 END) AS applied_from_prospect,
                   SUM(CASE WHEN registered_on IS NOT NULL THEN 1 ELSE 0 END) AS registered,
                   SUM(CASE WHEN {registered_from_applied} THEN 1 ELSE 0 END) AS registered_from_applied,
                   SUM(CASE WHEN {with_sale} THEN 1 ELSE 0 END) AS first_sale,
                   SUM(recruited) AS recruited,
                   SUM(CASE WHEN recruited = 1 AND {with_sale} THEN 1 ELSE 0 END) AS recruited_first_sale,
                   SUM(lost) AS lost,
                   {sql.sum_int(f"CASE WHEN {applied_from_prospect} THEN {to_apply} ELSE 0 END")} AS d_apply,
                   {sql.sum_int(f"CASE WHEN {registered_from_applied} THEN {to_register} ELSE 0 END")} AS d_register,
                   {sql.sum_int(f"CASE WHEN {with_sale} THEN {to_sale} ELSE 0 END")} AS d_sale
            FROM s
            GROUP BY cohort, partner_type_id, city_id
        ),
        {_median_cte("m_apply", to_apply, applied_from_prospect)},
        {_median_cte("m_register", to_register, registered_from_applied)},
        {_median_cte("m_sale", to_sale, with_sale)}
        SELECT {d}, c.cohort, c.partner_type_id, c.city_id, c.prospects, c.applied, c.applied_from_prospect,
               c.registered, c.registered_from_applied, c.first_sale, c.recruited, c.recruited_first_sale, c.lost,
               COALESCE(c.d_apply, 0), m_apply.median, COALESCE(c.d_register, 0), m_register.median,
               COALESCE(c.d_sale, 0), m_sale.median
        FROM c
        LEFT JOIN m_apply ON m_apply.cohort = c.cohort AND m_apply.partner_type_id = c.partner_type_id AND m_apply.city_id = c.city_id
        LEFT JOIN m_register ON m_register.cohort = c.cohort AND m_register.partner_type_id = c.partner_type_id AND m_register.city_id = c.city_id
        LEFT JOIN m_sale ON m_sale.cohort = c.cohort AND m_sale.partner_type_id = c.partner_type_id AND m_sale.city_id = c.city_id
    """
    with transaction.atomic():
        FunnelSubject.objects.filter(as_of=as_of).delete()
        _execute(stage_prospects, params)
        for lo, hi in _chunks(chunk_size):
            _execute(stage_partners, dict(params, lo=lo, hi=hi))
        FunnelCell.objects.filter(as_of=as_of).delete()
        written = _execute(aggregate, params)
        FunnelSubject.objects.filter(as_of=as_of).delete()
        FunnelCell.objects.filter(as_of__lt=as_of - datetime.timedelta(days=KEEP_DAYS)).delete()
    return written


def latest_as_of() -> datetime.date | None:
    return FunnelCell.objects.aggregate(latest=Max("as_of"))["latest"]
