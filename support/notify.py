"""Who is told what about a ticket. Every message goes through prm.services.notification_send,
whose (recipient, dedupe_key) key makes it exactly-once: keys name the event row for ticket
changes ("support:event:<id>") and the SLA record and level for warnings and escalations
("support:sla:<record id>:<level>"), so a sweep that runs twice or in parallel tells nobody twice.
"""
from __future__ import annotations

from typing import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from partners.choices import Role
from partners.models import User
from prm.models import Notification
from prm.services import _email_notifications, notification_send

from .models import Ticket


def ticket_url(ticket_id: int) -> str:
    try:
        return reverse("support:ticket", args=[ticket_id])
    except NoReverseMatch:
        return ""


def partner_side(ticket: Ticket) -> list[User]:
    """The partner's people: whoever opened it, or all the partner's active logins."""
    if ticket.opened_by_id and ticket.opened_by.effective_role == Role.PARTNER:
        return [ticket.opened_by]
    return list(User.objects.filter(partner_id=ticket.partner_id, role=Role.PARTNER, is_active=True))


def handler_side(ticket: Ticket) -> list[User]:
    """Who answers: the assignee, or the centre head while nobody is assigned."""
    if ticket.assignee_id:
        return [ticket.assignee]
    if ticket.centre_id and ticket.centre.head_id:
        return [ticket.centre.head]
    return []


def channel_manager(ticket: Ticket) -> list[User]:
    manager = ticket.partner.channel_manager if ticket.partner.channel_manager_id else None
    return [manager] if manager else []


def send(
    *,
    ticket: Ticket | int,
    recipients: Iterable[User | None],
    kind: str,
    title: str,
    body: str = "",
    dedupe_key: str,
    exclude: User | None = None,
    partner_visible: bool = True,
) -> int:
    """Notify each distinct recipient once; internal matters never reach partner users."""
    seen, people = set(), []
    for user in recipients:
        if user is None or user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        if not partner_visible and user.effective_role == Role.PARTNER:
            continue
        seen.add(user.pk)
        people.append(user)
    if not people:
        return 0
    return len(
        notification_send(
            recipients=people, kind=kind, title=title, body=body, dedupe_key=dedupe_key,
            url=ticket_url(ticket if isinstance(ticket, int) else ticket.pk),
        )
    )


def site_language():
    """Notifications are stored rendered, in the site's language: build their texts inside this."""
    return translation.override(settings.LANGUAGE_CODE)


def send_many(items: Iterable[tuple[int, Iterable[User], str, str, str, str]]) -> int:
    """Many notifications at once, for the sweep: (ticket id, recipients, kind, title, body, key).

    The same contract as prm.services.notification_send — at most one notification per
    (recipient, dedupe_key), decided by the database's unique key (INSERT … ON CONFLICT DO
    NOTHING), e-mailed after commit through the same claim-once path — but in three queries
    for the whole batch instead of three per notification. Returns how many rows are new.
    """
    rows, seen = [], set()
    for ticket_id, recipients, kind, title, body, key in items:
        url = ticket_url(ticket_id)
        for user in recipients:
            if user is None or not user.is_active or user.effective_role == Role.PARTNER or (user.pk, key) in seen:
                continue
            seen.add((user.pk, key))
            rows.append(Notification(recipient_id=user.pk, kind=kind, title=title, body=body, url=url, dedupe_key=key))
    if not rows:
        return 0
    users = {row.recipient_id for row in rows}
    keys = {row.dedupe_key for row in rows}
    existing = set(
        Notification.objects.filter(recipient_id__in=users, dedupe_key__in=keys).values_list("recipient_id", "dedupe_key")
    )
    fresh = [row for row in rows if (row.recipient_id, row.dedupe_key) not in existing]
    Notification.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    fresh_pairs = {(row.recipient_id, row.dedupe_key) for row in fresh}
    mail = [
        pk
        for pk, recipient_id, key, email in Notification.objects.filter(
            recipient_id__in=users, dedupe_key__in={key for _user, key in fresh_pairs}, emailed_at__isnull=True
        ).values_list("pk", "recipient_id", "dedupe_key", "recipient__email")
        if (recipient_id, key) in fresh_pairs and email
    ]
    if mail:
        transaction.on_commit(lambda: _email_notifications(mail))
    return len(fresh)
