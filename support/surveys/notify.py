"""Survey notifications to partner users: invitations and reminders, in batches.

One notification per (partner user, invitation[, reminder number]); the dedupe key makes a
retried job harmless (prm.services.notifications_send ignores what was already sent).
"""
from __future__ import annotations

from django.db.models import F, Max, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.choices import Role
from partners.models import User
from prm.services import NotificationSpec, notifications_send

BATCH = 2000
PARTNERS_PER_CHUNK = 20_000


def notify_invited(invitations, *, reminder: bool) -> int:
    """Notify the active partner users of each invitation in the `invitations` queryset, a range
    of partner ids at a time."""
    bounds = invitations.aggregate(lo=Min("partner_id"), hi=Max("partner_id"))
    if bounds["lo"] is None:
        return 0
    sent = 0
    for lo in range(bounds["lo"], bounds["hi"] + 1, PARTNERS_PER_CHUNK):
        sent += _notify_chunk(invitations.filter(partner_id__gte=lo, partner_id__lt=lo + PARTNERS_PER_CHUNK),
                              reminder=reminder)
    return sent


def _notify_chunk(invitations, *, reminder: bool) -> int:
    users = (
        User.objects.filter(
            role=Role.PARTNER, is_active=True,
            partner__survey_invitations__in=invitations.values("pk"),
        )
        .annotate(
            invitation_id=F("partner__survey_invitations__id"),
            reminders_sent=F("partner__survey_invitations__reminders_sent"),
            campaign_name=F("partner__survey_invitations__campaign__name"),
            campaign_name_zh=F("partner__survey_invitations__campaign__name_zh"),
        )
        .order_by()
    )
    # A plain fetch of one chunk: a server-side cursor (.iterator()) would make
    # PostgreSQL choose a first-rows plan that nests loops over every invitation.
    sent, batch = 0, []
    for user in list(users):
        batch.append(_spec(user, reminder=reminder))
        if len(batch) >= BATCH:
            sent += len(notifications_send(batch))
            batch = []
    if batch:
        sent += len(notifications_send(batch))
    return sent


def _spec(user, *, reminder: bool) -> NotificationSpec:
    name = f"{user.campaign_name} / {user.campaign_name_zh}" if user.campaign_name_zh else user.campaign_name
    url = reverse("surveys:answer", args=[user.invitation_id])
    if reminder:
        return NotificationSpec(
            recipient=user, kind="surveys.reminder",
            title=_("Reminder: your opinion counts — %(name)s") % {"name": name},
            body=_("Your partner has not answered this satisfaction survey yet. It takes about five minutes."),
            url=url, dedupe_key=f"surveys:reminder:{user.invitation_id}:{user.reminders_sent}",
        )
    return NotificationSpec(
        recipient=user, kind="surveys.invitation",
        title=_("Satisfaction survey: %(name)s") % {"name": name},
        body=_("Please rate how important each factor is to you and how satisfied you are with it."),
        url=url, dedupe_key=f"surveys:invitation:{user.invitation_id}",
    )
