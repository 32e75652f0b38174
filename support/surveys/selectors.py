"""Read-side queries of the surveys: counts per campaign, a campaign's response rate by city,
and the invitations a user sees with whether they answered already."""
from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from .choices import InvitationStatus
from .models import Campaign, Invitation, Response


def _count_of(queryset, field: str = "campaign_id"):
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def campaigns_with_counts(queryset):
    """Campaigns with invited/answered partners and responses (one subquery each, no per-row query)."""
    return queryset.annotate(
        invited_count=_count_of(Invitation.objects.all()),
        answered_count=_count_of(Invitation.objects.filter(status=InvitationStatus.ANSWERED)),
        responses_count=_count_of(Response.objects.all()),
    )


def campaign_stats(campaign: Campaign) -> dict:
    """Invitations by status, responses, the response rate, and the same per city branch."""
    totals = Invitation.objects.filter(campaign_id=campaign.pk).aggregate(
        invited=Count("pk"),
        pending=Count("pk", filter=Q(status=InvitationStatus.PENDING)),
        answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)),
        expired=Count("pk", filter=Q(status=InvitationStatus.EXPIRED)),
    )
    totals["responses"] = Response.objects.filter(campaign_id=campaign.pk).count()
    totals["response_rate"] = round(totals["answered"] / totals["invited"], 4) if totals["invited"] else None
    rows = (
        Invitation.objects.filter(campaign_id=campaign.pk)
        .values("partner__city_id", "partner__city__code", "partner__city__name", "partner__city__name_zh")
        .annotate(invited=Count("pk"), answered=Count("pk", filter=Q(status=InvitationStatus.ANSWERED)))
        .order_by("partner__city__code")
    )
    totals["by_city"] = [
        {
            "city": row["partner__city_id"], "code": row["partner__city__code"], "name": row["partner__city__name"],
            "name_zh": row["partner__city__name_zh"], "invited": row["invited"], "answered": row["answered"],
            "response_rate": round(row["answered"] / row["invited"], 4) if row["invited"] else None,
        }
        for row in rows
    ]
    return totals


def invitations_for(queryset, user):
    """Invitations with `answered_by_me` (the user has a response to it)."""
    mine = Response.objects.filter(invitation_id=OuterRef("pk"), respondent_id=user.pk)
    return queryset.annotate(answered_by_me=Exists(mine))
