"""Who is told what about a ticket. Every message goes through prm.services.notification_send,
whose (recipient, dedupe_key) key makes it exactly-once: keys name the event row for ticket
changes ("support:event:<id>") and the SLA record and level for warnings and escalations
("support:sla:<record id>:<level>"), so a sweep that runs twice or in parallel tells nobody twice.
"""
from __future__ import annotations

from typing import Iterable

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from partners.choices import Role
from partners.models import User
from prm.services import NotificationSpec, notification_send, notifications_send

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

    prm.services.notifications_send keeps the once-only contract for the whole batch in three
    queries; partner users are left out (the sweep speaks of SLA internals). Returns how many
    rows are new.
    """
    specs = []
    for ticket_id, recipients, kind, title, body, key in items:
        url = ticket_url(ticket_id)
        specs.extend(
            NotificationSpec(recipient=user, kind=kind, title=title, body=body, url=url, dedupe_key=key)
            for user in recipients
            if user is not None and user.effective_role != Role.PARTNER
        )
    return len(notifications_send(specs))
