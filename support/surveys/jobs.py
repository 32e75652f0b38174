"""The surveys' set-based jobs: invitations after resolved support requests (every few minutes)
and the nightly reminders and expiry. Each is a handful of SQL statements, never a loop per partner,
and safe to run again: unique keys and the run's own stamps make a re-run a no-op.
"""
from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.utils import timezone

from support.choices import TicketStatus
from support.models import Ticket

from .choices import TICKET_CAMPAIGN_CODE, CampaignKind, CampaignStatus, InvitationStatus
from .models import Campaign, Invitation
from .notify import notify_invited
from .services import _db_datetime, insert_select

# A resolved request is surveyed if it was resolved at most this long ago (so switching the
# standing campaign on does not survey years of history).
TICKET_LOOKBACK = datetime.timedelta(days=14)
# An unanswered ticket survey expires after this many days (the standing campaign never closes).
TICKET_ANSWER_DAYS = 30
CHUNK = 20_000  # partners per reminder chunk


def ticket_campaign() -> Campaign | None:
    return Campaign.objects.filter(code=TICKET_CAMPAIGN_CODE, kind=CampaignKind.TICKET).first()


@transaction.atomic
def ticket_invitations_create(*, now: datetime.datetime | None = None) -> int:
    """Invite the partner of every recently resolved request that has no survey yet (one INSERT …
    SELECT), then notify its partner users. Returns the number of invitations made."""
    now = now or timezone.now()
    campaign = ticket_campaign()
    if campaign is None or not campaign.accepts_answers_on(timezone.localdate(now)):
        return 0
    since = now - TICKET_LOOKBACK
    opened = datetime.datetime.combine(campaign.opens_on, datetime.time.min, tzinfo=timezone.get_current_timezone())
    tickets = (
        Ticket.objects.filter(
            status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED],
            resolved_at__isnull=False, resolved_at__gte=max(since, opened), resolved_at__lte=now,
        )
        .filter(~Exists(Invitation.objects.filter(ticket_id=OuterRef("pk"))))
        .order_by()
        .values("id", "partner_id")
    )
    sub_sql, sub_params = tickets.query.sql_with_params()
    at = _db_datetime(now)
    made = insert_select(
        ["campaign_id", "partner_id", "ticket_id", "status", "invited_at", "reminders_sent"],
        f"SELECT %s, t.partner_id, t.id, %s, %s, 0 FROM ({sub_sql}) t WHERE 1 = 1",
        [campaign.pk, InvitationStatus.PENDING, at, *sub_params],
    )
    if made:
        notify_invited(Invitation.objects.filter(campaign_id=campaign.pk, invited_at=now), reminder=False)
    return made


def _day_end(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min,
                                     tzinfo=timezone.get_current_timezone())


@transaction.atomic
def invitations_expire(*, as_of: datetime.date) -> int:
    """Pending invitations of closed campaigns, of campaigns past their closing day, and ticket
    surveys older than TICKET_ANSWER_DAYS expire."""
    stale_ticket = _day_end(as_of) - datetime.timedelta(days=TICKET_ANSWER_DAYS)
    return Invitation.objects.filter(status=InvitationStatus.PENDING).filter(
        Q(campaign__status=CampaignStatus.CLOSED)
        | Q(campaign__closes_on__lt=as_of)
        | Q(campaign__kind=CampaignKind.TICKET, invited_at__lt=stale_ticket)
    ).update(status=InvitationStatus.EXPIRED)


def reminders_send(*, as_of: datetime.date, now: datetime.datetime | None = None) -> int:
    """Remind the partners that have not answered: per open campaign, per chunk of partner ids,
    one UPDATE bumps the counters of the invitations due (invited or last reminded at least
    `remind_every_days` before the end of `as_of`, fewer than `max_reminders` sent, not reminded
    for this business date yet) and one batch notifies their users. Returns invitations reminded."""
    now = now or timezone.now()
    day_end = _day_end(as_of)
    reminded = 0
    campaigns = Campaign.objects.filter(status=CampaignStatus.OPEN, opens_on__lte=as_of).filter(
        Q(closes_on__isnull=True) | Q(closes_on__gte=as_of)
    ).exclude(max_reminders=0)
    for campaign in campaigns:  # a handful of open campaigns; the partners are handled set-based
        cutoff = day_end - datetime.timedelta(days=campaign.remind_every_days)
        due = Invitation.objects.filter(
            campaign_id=campaign.pk, status=InvitationStatus.PENDING, reminders_sent__lt=campaign.max_reminders,
        ).filter(
            Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=as_of)
        ).filter(
            Q(last_reminded_at__isnull=True, invited_at__lte=cutoff) | Q(last_reminded_at__lte=cutoff)
        )
        bounds = due.aggregate(lo=Min("partner_id"), hi=Max("partner_id"))
        if bounds["lo"] is None:
            continue
        for lo in range(bounds["lo"], bounds["hi"] + 1, CHUNK):
            with transaction.atomic():
                chunk = due.filter(partner_id__gte=lo, partner_id__lt=lo + CHUNK)
                # The run's stamp (this `now`) tells the rows bumped here from any other.
                count = Invitation.objects.filter(pk__in=chunk.values("pk")).update(
                    reminders_sent=F("reminders_sent") + 1, last_reminded_at=now, last_reminded_on=as_of,
                )
                if count:
                    notify_invited(
                        Invitation.objects.filter(campaign_id=campaign.pk, last_reminded_at=now,
                                                  last_reminded_on=as_of, partner_id__gte=lo,
                                                  partner_id__lt=lo + CHUNK),
                        reminder=True,
                    )
                reminded += count
    return reminded


def surveys_nightly(*, as_of: datetime.date | None = None) -> dict:
    """The nightly survey job: expire what can no longer be answered, then send the reminders."""
    as_of = as_of or timezone.localdate()
    expired = invitations_expire(as_of=as_of)
    reminded = reminders_send(as_of=as_of)
    return {"as_of": as_of.isoformat(), "expired": expired, "reminded": reminded}
