"""Reads of the partner registry that are more than a filter: dashboard figures, choice lists."""
from django.db.models import Count, QuerySet
from django.utils.translation import get_language

from .choices import PartnerStatus, Role, Tier
from .models import Partner, User


def _bilingual(name: str, name_zh: str) -> str:
    return name_zh if (get_language() or "").startswith("zh") and name_zh else name


def partner_stats(queryset: QuerySet[Partner]) -> dict:
    """Partner counts by type, tier, status and city over `queryset` (already scoped and filtered).

    Four GROUP BY queries, whatever the number of partners. Tiers and statuses list every choice
    in their natural order (zeros included); types and cities list those present, largest first.
    Labels are in the active language.
    """
    base = queryset.order_by().prefetch_related(None)

    def grouped(*fields):
        return base.values(*fields).annotate(count=Count("pk")).order_by()

    tiers = {row["tier"]: row["count"] for row in grouped("tier")}
    statuses = {row["status"]: row["count"] for row in grouped("status")}
    types = grouped("partner_type__code", "partner_type__name", "partner_type__name_zh")
    cities = grouped("city__code", "city__name", "city__name_zh")

    def by_size(rows, prefix):
        rows = sorted(rows, key=lambda row: (-row["count"], row[f"{prefix}__code"]))
        return [
            {
                "key": row[f"{prefix}__code"],
                "label": _bilingual(row[f"{prefix}__name"], row[f"{prefix}__name_zh"]),
                "count": row["count"],
            }
            for row in rows
        ]

    return {
        "total": sum(statuses.values()),
        "by_type": by_size(types, "partner_type"),
        "by_tier": [{"key": value, "label": str(label), "count": tiers.get(value, 0)} for value, label in Tier.choices],
        "by_status": [
            {"key": value, "label": str(label), "count": statuses.get(value, 0)} for value, label in PartnerStatus.choices
        ],
        "by_city": by_size(cities, "city"),
    }


def channel_manager_choices() -> list[tuple[int, str]]:
    """Active channel managers as (id, display name), for the portal's filters and forms."""
    managers = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("first_name", "last_name", "username")
    return [(user.pk, str(user)) for user in managers.only("pk", "username", "first_name", "last_name")]
