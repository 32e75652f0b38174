"""The partner list's fast path: one page of partners as plain rows, rendered without model objects.

`PartnerSerializer` stays the contract (and the OpenAPI schema) of `GET /api/v1/partners/`. For
the list, building 200 model instances per page (partner, type, city, owner) and running DRF's
generic field machinery on 24 fields per row cost several times the database work (see
bench/README.md). Here the page is fetched with `values()` (the same joins, only the listed
columns) and each row is rendered by a flat function that says exactly what `PartnerSerializer`
says, using the serializer's own fields for dates and decimals. The rule is checked twice: at
import, every readable field of `PartnerSerializer` must be rendered here; and
tests/partners/test_partner_listing.py compares both renderings row by row.
"""
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from partners.choices import CooperationModel, PartnerStatus, Tier
from partners.models import user_label
from prm.api.fields import choice_labels

from .serializers import PartnerSerializer

ROW_COLUMNS = (
    "id", "code", "name", "name_en", "partner_type__code", "partner_type__name", "partner_type__name_zh",
    "cooperation_model", "tier", "city__code", "city__name", "city__name_zh", "status", "joined_on",
    "channel_manager_id", "channel_manager__username", "channel_manager__first_name", "channel_manager__last_name",
    "customer_classes", "revenue_share", "address", "phone", "website", "created_at", "updated_at",
)
RENDERED_FIELDS = (
    "id", "code", "name", "name_en", "partner_type", "partner_type_label", "cooperation_model",
    "cooperation_model_display", "tier", "tier_display", "city", "city_label", "status", "status_display",
    "joined_on", "channel_manager", "channel_manager_name", "customer_classes", "revenue_share", "address",
    "phone", "website", "created_at", "updated_at",
)
_contract = [name for name, field in PartnerSerializer().fields.items() if not field.write_only]
if tuple(_contract) != RENDERED_FIELDS:  # pragma: no cover - fails at import, loudly, when they drift apart
    raise ImportError(
        "partners.api.listing renders a different field list than PartnerSerializer: "
        f"{_contract} != {list(RENDERED_FIELDS)}; update the fast path with the serializer."
    )


def partner_rows(queryset):
    """The (filtered, ordered) partner queryset as rows of the columns the list shows."""
    return queryset.values(*ROW_COLUMNS)


class PartnerRows:
    """What the paginator gets: counted on the partners alone (no joins, so the count can be an
    index-only scan), sliced as rows."""

    def __init__(self, queryset):
        self.queryset = queryset

    @property
    def ordered(self):
        return self.queryset.ordered

    def count(self):
        return self.queryset.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        return partner_rows(self.queryset)[index]

    def __iter__(self):
        return iter(partner_rows(self.queryset))


class PartnerRowSerializer(serializers.BaseSerializer):
    """Renders a `partner_rows` row as `PartnerSerializer` renders the partner (read-only)."""

    _formats = None

    @classmethod
    def _formatters(cls):
        if cls._formats is None:
            fields = PartnerSerializer().fields
            field = fields["created_at"]
            datetime = lambda value, _zone: field.to_representation(value)  # noqa: E731
            if api_settings.DATETIME_FORMAT == ISO_8601 and settings.USE_TZ:
                datetime = _iso_datetime  # what DateTimeField says for ISO 8601, without its per-call set-up
            cls._formats = (fields["joined_on"].to_representation, fields["revenue_share"].to_representation, datetime)
        return cls._formats

    def to_representation(self, row):
        date, decimal, datetime = self._formatters()
        # Language and time zone hold for the whole request: look them up once per page.
        request_state = self.__dict__.get("_request_state")
        if request_state is None:
            language = get_language()
            request_state = self._request_state = (language, (language or "").startswith("zh"),
                                                   timezone.get_current_timezone())
        language, chinese, zone = request_state
        manager = row["channel_manager_id"]
        manager_name = None
        if manager is not None:
            manager_name = user_label(
                row["channel_manager__first_name"], row["channel_manager__last_name"], row["channel_manager__username"]
            )
        joined_on, share = row["joined_on"], row["revenue_share"]
        return {
            "id": row["id"],
            "code": row["code"],
            "name": row["name"],
            "name_en": row["name_en"],
            "partner_type": row["partner_type__code"],
            "partner_type_label": (chinese and row["partner_type__name_zh"]) or row["partner_type__name"],
            "cooperation_model": row["cooperation_model"],
            "cooperation_model_display": _label(CooperationModel, language, row["cooperation_model"]),
            "tier": row["tier"],
            "tier_display": _label(Tier, language, row["tier"]),
            "city": row["city__code"],
            "city_label": (chinese and row["city__name_zh"]) or row["city__name"],
            "status": row["status"],
            "status_display": _label(PartnerStatus, language, row["status"]),
            "joined_on": None if joined_on is None else date(joined_on),
            "channel_manager": manager,
            "channel_manager_name": manager_name,
            "customer_classes": list(row["customer_classes"] or ""),
            "revenue_share": None if share is None else decimal(share),
            "address": row["address"],
            "phone": row["phone"],
            "website": row["website"],
            "created_at": datetime(row["created_at"], zone),
            "updated_at": datetime(row["updated_at"], zone),
        }


def _iso_datetime(value, zone):
    """DRF's DateTimeField output (ISO 8601, in the current time zone, 'Z' for UTC)."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _label(choices, language, value):
    return choice_labels(choices, language).get(value, value)
