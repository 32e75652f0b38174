"""The ATTRACT lever's indicators (吸引: many target partners, few willing partners), registered
into lifecycle.indicators. Each is a few aggregate queries over facts dated up to as_of."""
from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from lifecycle.engine.sql import Dialect, positional
from lifecycle.indicators import Indicator, IndicatorValue, Lever, percent, register_indicator
from partners.choices import SaleStatus

from .choices import ProspectSource, ProspectStatus
from .models import Prospect

YEAR = datetime.timedelta(days=365)
FIRST_SALE_WINDOW_DAYS = 180


def _by_type(rows) -> tuple[int, int, dict]:
    numerator = sum(r["n"] for r in rows)
    denominator = sum(r["d"] for r in rows)
    breakdown = {r["partner_type__code"]: float(percent(r["n"], r["d"]) or 0) for r in rows if r["d"]}
    return numerator, denominator, breakdown


def applied_rate(as_of: datetime.date) -> IndicatorValue:
    """Targeted prospects (entered by staff in the 12 months to as_of) that applied by as_of."""
    rows = (
        Prospect.objects.filter(source=ProspectSource.STAFF, entered_on__gt=as_of - YEAR, entered_on__lte=as_of)
        .values("partner_type__code")
        .annotate(d=Count("id"), n=Count("id", filter=Q(applied_on__lte=as_of)))
    )
    n, d, breakdown = _by_type(rows)
    return IndicatorValue(value=percent(n, d), numerator=n, denominator=d, breakdown=breakdown)


def registered_rate(as_of: datetime.date) -> IndicatorValue:
    """Applications (sent in the 12 months to as_of) accepted by as_of."""
    rows = (
        Prospect.objects.filter(applied_on__gt=as_of - YEAR, applied_on__lte=as_of)
        .values("partner_type__code")
        .annotate(d=Count("id"), n=Count("id", filter=Q(status=ProspectStatus.ACCEPTED, decided_on__lte=as_of)))
    )
    n, d, breakdown = _by_type(rows)
    return IndicatorValue(value=percent(n, d), numerator=n, denominator=d, breakdown=breakdown)


def _first_sales(sql: Dialect, joined_from: datetime.date, joined_to: datetime.date, as_of: datetime.date) -> tuple[str, dict]:
    """Partners that joined in [joined_from, joined_to], with their first booked sale up to as_of."""
    d = sql.date_param("as_of")
    statement = f"""
        SELECT t.code AS type_code, p.joined_on AS joined_on, fs.first_sale AS first_sale
        FROM partners_partner p
        JOIN partners_partnertype t ON t.id = p.partner_type_id
        LEFT JOIN (
            SELECT sr.partner_id, MIN(sr.sold_on) AS first_sale
            FROM partners_salerecord sr
            JOIN partners_partner pp ON pp.id = sr.partner_id
            WHERE sr.status = %(booked)s AND sr.sold_on <= {d}
              AND pp.joined_on >= {sql.date_param("lo")} AND pp.joined_on <= {sql.date_param("hi")}
            GROUP BY sr.partner_id
        ) fs ON fs.partner_id = p.id
        WHERE p.joined_on >= {sql.date_param("lo")} AND p.joined_on <= {sql.date_param("hi")}
    """
    params = {"as_of": sql.date(as_of), "lo": sql.date(joined_from), "hi": sql.date(joined_to), "booked": SaleStatus.BOOKED.value}
    return statement, params


def first_sale_rate(as_of: datetime.date) -> IndicatorValue:
    """Partners registered 180 to 545 days before as_of whose first sale came within 180 days."""
    sql = Dialect(connection)
    inner, params = _first_sales(
        sql, as_of - YEAR - datetime.timedelta(days=FIRST_SALE_WINDOW_DAYS),
        as_of - datetime.timedelta(days=FIRST_SALE_WINDOW_DAYS), as_of,
    )
    within = f"x.first_sale IS NOT NULL AND {sql.days_between('x.first_sale', 'x.joined_on')} <= {FIRST_SALE_WINDOW_DAYS}"
    statement = f"""
        SELECT x.type_code, COUNT(*), SUM(CASE WHEN {within} THEN 1 ELSE 0 END)
        FROM ({inner}) x GROUP BY x.type_code
    """
    text, values = positional(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(text, values)
        rows = [{"partner_type__code": code, "d": int(total), "n": int(hit or 0)} for code, total, hit in cursor.fetchall()]
    n, d, breakdown = _by_type(rows)
    return IndicatorValue(value=percent(n, d), numerator=n, denominator=d, breakdown=breakdown)


def days_to_first_sale(as_of: datetime.date) -> IndicatorValue:
    """Median days from registration to the first sale, of first sales made in the 12 months to as_of."""
    sql = Dialect(connection)
    days = sql.days_between("fs.first_sale", "p.joined_on")
    d = sql.date_param("as_of")
    statement = f"""
        SELECT AVG(CAST(v AS FLOAT)), MAX(n) FROM (
            SELECT {days} AS v,
                   ROW_NUMBER() OVER (ORDER BY {days}) AS rn, COUNT(*) OVER () AS n
            FROM partners_partner p
            JOIN (
                SELECT sr.partner_id, MIN(sr.sold_on) AS first_sale FROM partners_salerecord sr
                WHERE sr.status = %(booked)s AND sr.sold_on <= {d}
                GROUP BY sr.partner_id
            ) fs ON fs.partner_id = p.id
            WHERE fs.first_sale > {sql.date_param("lo")} AND fs.first_sale >= p.joined_on
        ) x WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
    """
    params = {"as_of": sql.date(as_of), "lo": sql.date(as_of - YEAR), "booked": SaleStatus.BOOKED.value}
    text, values = positional(statement, params)
    with connection.cursor() as cursor:
        cursor.execute(text, values)
        median, count = cursor.fetchone()
    value = None if median is None else Decimal(str(median)).quantize(Decimal("0.1"))
    return IndicatorValue(value=value, numerator=None, denominator=int(count or 0))


def register() -> None:
    register_indicator(Indicator(
        key="attract.applied_rate", lever=Lever.ATTRACT, label=_("Targeted prospects that applied"),
        help_text=_("Willing against targeted: of the prospects staff entered in the last 12 months, the share that applied."),
        unit="percent", better="up", url_name="recruitment:funnel", order=10, compute=applied_rate,
    ))
    register_indicator(Indicator(
        key="attract.registered_rate", lever=Lever.ATTRACT, label=_("Applications accepted"),
        help_text=_("Of the applications received in the last 12 months, the share accepted as registered partners."),
        unit="percent", better="up", url_name="recruitment:funnel", order=20, compute=registered_rate,
    ))
    register_indicator(Indicator(
        key="attract.first_sale_rate", lever=Lever.ATTRACT, label=_("New partners selling within 180 days"),
        help_text=_("Of the partners registered 6 to 18 months ago, the share whose first sale came within 180 days (reached stage B)."),
        unit="percent", better="up", url_name="recruitment:funnel", order=30, compute=first_sale_rate,
    ))
    register_indicator(Indicator(
        key="attract.days_to_first_sale", lever=Lever.ATTRACT, label=_("Days to the first sale"),
        help_text=_("Median days from registration to the first sale, of the first sales made in the last 12 months."),
        unit="days", better="down", url_name="recruitment:funnel", order=40, compute=days_to_first_sale,
    ))
