"""PRM's WSGI application plus one baseline endpoint, for bench/support_sla.py only.

GET /bench/support-queue-baseline/?centre=BAS&page_size=50 answers the same page the staff queue
API gives for `?centre=BAS&open=true&page_size=50` (count, tickets newest first, each with its
SLA records) with two hand-written SQL statements and orjson, no Django in the way. Token auth is
checked with one query so the comparison is fair. Never deployed: gunicorn loads it by name.
"""
import os

import orjson

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402

django_app = get_wsgi_application()

OPEN = ("new", "acknowledged", "in_progress", "waiting_on_partner", "reopened")
COUNT_SQL = """
SELECT count(*) FROM support_ticket t JOIN support_servicecentre c ON c.id = t.centre_id
WHERE c.code = %s AND t.status IN %s
"""
PAGE_SQL = """
SELECT t.id, t.subject, t.category, t.priority, t.status, t.opened_at, t.updated_at,
       p.id, p.code, p.name, c.code, c.name, u.id, u.username,
       coalesce((SELECT json_agg(json_build_object('code', r.code, 'status', r.status, 'due_at', r.due_at,
                                                    'met_at', r.met_at, 'breached_at', r.breached_at,
                                                    'target_seconds', r.target_seconds) ORDER BY r.id)
                 FROM support_slarecord r WHERE r.ticket_id = t.id), '[]')
FROM support_ticket t
JOIN support_servicecentre c ON c.id = t.centre_id
JOIN partners_partner p ON p.id = t.partner_id
LEFT JOIN partners_user u ON u.id = t.assignee_id
WHERE c.code = %s AND t.status IN %s
ORDER BY t.opened_at DESC, t.id DESC
LIMIT %s
"""


def baseline(environ, start_response):
    from urllib.parse import parse_qs

    query = parse_qs(environ.get("QUERY_STRING", ""))
    centre = query.get("centre", ["BAS"])[0]
    size = min(int(query.get("page_size", ["50"])[0]), 200)
    token = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Token ").strip()
    with connection.cursor() as cursor:
        cursor.execute("SELECT u.id FROM authtoken_token k JOIN partners_user u ON u.id = k.user_id "
                       "WHERE k.key = %s AND u.is_active", [token])
        if cursor.fetchone() is None:
            start_response("401 Unauthorized", [("Content-Type", "application/json")])
            return [b'{"detail":"unauthorised"}']
        cursor.execute(COUNT_SQL, [centre, OPEN])
        count = cursor.fetchone()[0]
        cursor.execute(PAGE_SQL, [centre, OPEN, size])
        rows = cursor.fetchall()
    results = [
        {
            "id": r[0], "reference": f"T{r[0]:06d}", "subject": r[1], "category": r[2], "priority": r[3],
            "status": r[4], "opened_at": r[5], "updated_at": r[6], "partner": r[7], "partner_code": r[8],
            "partner_name": r[9], "centre": r[10], "centre_label": r[11],
            "assignee": {"id": r[12], "name": r[13]} if r[12] else None,
            "clocks": r[14] if isinstance(r[14], list) else orjson.loads(r[14]),
        }
        for r in rows
    ]
    body = orjson.dumps({"count": count, "page_size": size, "results": results})
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bench/support-queue-baseline/":
        try:
            return baseline(environ, start_response)
        finally:
            connection.close_if_unusable_or_obsolete()
    return django_app(environ, start_response)
