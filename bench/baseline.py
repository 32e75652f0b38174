"""The baseline: the partner list's first page answered by one hand-written SQL query and orjson.

It answers `GET /api/v1/partners/?page_size=…&tier=…&status=…&city=…` for a token whose user
sees every partner (integration client, staff), with the same JSON as the real endpoint
(fields, labels in English, count, next/previous links, page numbers). One query does it all:
the token check, the filters, the total count (a sub-select the planner answers from an index)
and the page.
It is what a hand-tuned service would do, without the framework's generality: the benchmark
compares the real endpoint to it. Bench only; never routed in production.
"""
import math
from zoneinfo import ZoneInfo

import orjson
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from rest_framework.utils.urls import remove_query_param, replace_query_param

from partners.choices import CooperationModel, PartnerStatus, Tier
from partners.models import user_label

LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)
VIEW_ALL_ROLES = ("admin", "channel_manager", "product_manager", "integration")

SQL = """
WITH caller AS (
    SELECT u.id FROM authtoken_token k JOIN partners_user u ON u.id = k.user_id
    WHERE k.key = %(key)s AND u.is_active AND (u.is_superuser OR u.role = ANY(%(roles)s))
)
SELECT (SELECT count(*) FROM caller), (SELECT count(*) FROM partners_partner p WHERE {matching}), page.*
FROM (SELECT 1) AS one
LEFT JOIN (
    SELECT p.id, p.code, p.name, p.name_en, t.code, t.name, p.cooperation_model, p.tier, c.code, c.name,
           p.status, p.joined_on, p.channel_manager_id, m.username, m.first_name, m.last_name,
           p.customer_classes, p.revenue_share, p.address, p.phone, p.website, p.created_at, p.updated_at
    FROM partners_partner p
    JOIN partners_partnertype t ON t.id = p.partner_type_id
    JOIN partners_citybranch c ON c.id = p.city_id
    LEFT JOIN partners_user m ON m.id = p.channel_manager_id
    WHERE {matching}
    ORDER BY p.code
    LIMIT %(limit)s OFFSET %(offset)s
) AS page ON true
"""


def _matching(filters):
    """The WHERE clause: `=` for one value (so the planner reads the page in order from the
    (city, status, tier, code) index), `= ANY` for several."""
    one = {name: len(values) == 1 for name, values in filters.items()}
    city = "(SELECT id FROM partners_citybranch WHERE code {})".format("= %(city)s" if one["city"] else "= ANY(%(city)s)")
    return " AND ".join([
        "p.tier = %(tier)s" if one["tier"] else "p.tier = ANY(%(tier)s)",
        "p.status = %(status)s" if one["status"] else "p.status = ANY(%(status)s)",
        f"p.city_id = {city}" if one["city"] else f"p.city_id IN {city}",
        "EXISTS (SELECT 1 FROM caller)",
    ])


def _labels(choices):
    return {value: str(label) for value, label in choices.choices}


def _bad(field, message):
    return JsonResponse({field: [message]}, status=400)


def partners_page(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Token "):
        return JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
    params = request.GET
    try:
        page_size = int(params.get("page_size") or settings.REST_FRAMEWORK["PAGE_SIZE"])
        page = int(params.get("page") or 1)
    except ValueError:
        return _bad("page_size", "A whole number is required.")
    if not 1 <= page_size <= settings.API_MAX_PAGE_SIZE or page < 1:
        return _bad("page_size", "Out of range.")
    filters = {}
    for name, choices in (("tier", Tier.values), ("status", PartnerStatus.values)):
        values = params.getlist(name)
        if any(v not in choices for v in values):
            return _bad(name, "Select a valid choice.")
        filters[name] = values or list(choices)
    filters["city"] = params.getlist("city")
    if not filters["city"]:
        return _bad("city", "The baseline needs a city filter.")

    sql = SQL.format(matching=_matching(filters))
    params = {name: values[0] if len(values) == 1 else values for name, values in filters.items()}
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {**params, "key": header[6:], "roles": list(VIEW_ALL_ROLES), "limit": page_size,
             "offset": (page - 1) * page_size},
        )
        rows = cursor.fetchall()
    if not rows[0][0]:
        return JsonResponse({"detail": "Invalid token."}, status=401)
    count = rows[0][1] or 0
    pages = max(1, math.ceil(count / page_size))
    if rows[0][2] is None and page > 1:
        return JsonResponse({"detail": "Invalid page."}, status=404)

    cooperation, tiers, statuses = _labels(CooperationModel), _labels(Tier), _labels(PartnerStatus)
    results = []
    for row in rows:
        if row[2] is None:
            break
        (_auth, _count, pk, code, name, name_en, type_code, type_name, coop, tier, city_code, city_name, status,
         joined_on, cm_id, cm_username, cm_first, cm_last, classes, share, address, phone, website, created,
         updated) = row
        cm_name = None
        if cm_id is not None:
            cm_name = user_label(cm_first, cm_last, cm_username)
        results.append({
            "id": pk, "code": code, "name": name, "name_en": name_en, "partner_type": type_code,
            "partner_type_label": type_name, "cooperation_model": coop, "cooperation_model_display": cooperation[coop],
            "tier": tier, "tier_display": tiers[tier], "city": city_code, "city_label": city_name,
            "status": status, "status_display": statuses[status], "joined_on": joined_on,
            "channel_manager": cm_id, "channel_manager_name": cm_name, "customer_classes": list(classes),
            "revenue_share": str(share), "address": address, "phone": phone, "website": website,
            "created_at": created.astimezone(LOCAL_TZ), "updated_at": updated.astimezone(LOCAL_TZ),
        })
    url = request.build_absolute_uri()
    previous = None
    if page > 1:
        previous = remove_query_param(url, "page") if page == 2 else replace_query_param(url, "page", page - 1)
    payload = {
        "count": count,
        "next": replace_query_param(url, "page", page + 1) if page < pages else None,
        "previous": previous,
        "results": results,
        "page": page,
        "page_size": page_size,
        "pages": pages,
    }
    return HttpResponse(orjson.dumps(payload), content_type="application/json")
