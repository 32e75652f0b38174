"""The dashboards' baseline: one hand-written SQL query on the prepared table(s), rows as JSON.

`GET /bench/baseline/dash/<key>/?…` runs the SQL of the scenario `<key>` of
bench/dashboard_scenarios.py, with the query string (over the scenario's defaults) as its
parameters, in **one** statement that also checks the token (an active staff login), and
answers the rows as a JSON list with orjson. It is what a hand-tuned read of the same prepared
table would cost, behind the same middleware in the same gunicorn: bench/dashboards.py compares
each dashboard endpoint to it. Bench only; routed by bench/urls.py, never in production.
"""
from datetime import timedelta
from decimal import Decimal

import orjson
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from .dashboard_scenarios import SCENARIOS_BY_KEY

STAFF_ROLES = ["admin", "channel_manager", "product_manager"]

WRAPPER = """
WITH caller AS (
    SELECT u.id FROM authtoken_token k JOIN partners_user u ON u.id = k.user_id
    WHERE k.key = %(__key)s AND u.is_active AND (u.is_superuser OR u.role = ANY(%(__roles)s))
)
SELECT (SELECT count(*) FROM caller) AS __auth, q.*
FROM (SELECT 1) AS one
LEFT JOIN ({sql}) AS q ON EXISTS (SELECT 1 FROM caller)
"""

_statements: dict[str, str] = {}


def _default(value):
    if isinstance(value, Decimal):  # numeric columns: a string, as DRF's DecimalField renders them
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    return str(value)


@require_GET
def dashboard_baseline(request, key):
    scenario = SCENARIOS_BY_KEY.get(key)
    if scenario is None:
        return JsonResponse({"detail": "Not found."}, status=404)
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Token "):
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    sql = _statements.get(key)
    if sql is None:
        sql = _statements[key] = WRAPPER.format(sql=scenario.baseline_sql.strip().rstrip(";"))
    params = {**scenario.baseline_params, **request.GET.dict(), "__key": header[6:], "__roles": STAFF_ROLES}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description][1:]
        rows = cursor.fetchall()
    if not rows or not rows[0][0]:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    if len(rows) == 1 and all(value is None for value in rows[0][1:]):
        rows = []  # the LEFT JOIN's empty row
    payload = [dict(zip(names, row[1:])) for row in rows]
    body = orjson.dumps(payload, default=_default, option=orjson.OPT_NON_STR_KEYS)
    return HttpResponse(body, content_type="application/json")
