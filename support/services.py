"""Writes for support: opening and answering tickets, status, assignment, priority, milestones,
ratings, attachments, and the SLA configuration. Each service runs in one transaction, writes a
history row (TicketEvent), recomputes the ticket's SLA records and notifies the people concerned.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.choices import Role
from partners.models import Contact, Partner, Product, User

from . import notify
from .choices import PARTNER_TRANSITIONS, STAFF_TRANSITIONS, EventKind, Priority, TargetKind, TicketStatus
from .clocks import sla_sync
from .models import (
    BusinessCalendar,
    CalendarDay,
    CalendarWindow,
    RoutingRule,
    SatisfactionRating,
    ServiceCentre,
    SlaPolicy,
    SlaRecord,
    SlaTarget,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _is_partner(user: User | None) -> bool:
    return user is not None and user.effective_role == Role.PARTNER


def _event(ticket: Ticket, by: User | None, kind: str, *, at: dt.datetime, old="", new="", data=None,
           internal: bool = False) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, actor=by, kind=kind, old_value=str(old)[:200], new_value=str(new)[:200], data=data or {},
        internal=internal, at=at,
    )


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("partner__channel_manager", "centre__head", "assignee", "opened_by", "policy__calendar")
        .get(pk=ticket.pk)
    )


# --- Routing and policy choice ---------------------------------------------------------------
def route_centre(*, category: str, product: Product | None, partner: Partner) -> ServiceCentre | None:
    """The first active routing rule whose conditions all match (blank matches anything)."""
    for rule in RoutingRule.objects.filter(active=True, centre__active=True).select_related("centre"):
        if rule.category and rule.category != category:
            continue
        if rule.product_type and (product is None or product.product_type != rule.product_type):
            continue
        if rule.cooperation_model and rule.cooperation_model != partner.cooperation_model:
            continue
        if rule.partner_type_id and rule.partner_type_id != partner.partner_type_id:
            continue
        return rule.centre
    return None


def policy_select(*, category: str, priority: str, partner: Partner) -> SlaPolicy | None:
    """The first active policy (in order) whose conditions match, else the default policy."""
    default = None
    for policy in SlaPolicy.objects.filter(active=True).select_related("calendar"):
        if policy.is_default:
            default = policy
            continue
        if policy.category and policy.category != category:
            continue
        if policy.priority and policy.priority != priority:
            continue
        if policy.tier and policy.tier != partner.tier:
            continue
        if policy.partner_type_id and policy.partner_type_id != partner.partner_type_id:
            continue
        return policy
    return default


# --- Notifications of SLA breaches found while syncing -----------------------------------------
def _announce_breaches(ticket: Ticket, records: Iterable[SlaRecord], at: dt.datetime) -> None:
    """A clock found breached outside the sweep (e.g. a raised priority): level 1, as the sweep would."""
    for record in records:
        _event(ticket, None, EventKind.SLA_BREACH, at=at, new=record.code, data={"record": record.pk})
        with notify.site_language():
            title = _("%(ref)s: %(target)s breached") % {"ref": ticket.reference, "target": record.name}
            body = _("The committed time for “%(subject)s” has passed.") % {"subject": ticket.subject}
        notify.send(
            ticket=ticket, recipients=notify.handler_side(ticket), kind="support.sla_breach", title=title, body=body,
            dedupe_key=f"support:sla:{record.pk}:1", partner_visible=False,
        )


def _sync(ticket: Ticket, now: dt.datetime, *, definition_changed: bool = False) -> None:
    result = sla_sync(ticket=ticket, now=now, definition_changed=definition_changed)
    if result.breached:
        _announce_breaches(ticket, result.breached, now)


# --- Attachments -------------------------------------------------------------------------------
_MAGIC = {
    "application/pdf": (b"%PDF",),
    "image/png": (b"\x89PNG",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/zip": (b"PK",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b"PK",),
}


def attachment_check(upload: UploadedFile) -> str:
    """The attachment's content type, after checking size, type by name, and leading bytes."""
    max_bytes = settings.SUPPORT_ATTACHMENT_MAX_BYTES
    if upload.size is None or upload.size > max_bytes:
        raise ValidationError(
            {"file": _("A file may be at most %(mb).0f MB.") % {"mb": max_bytes / (1024 * 1024)}}
        )
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    name = (upload.name or "").strip()
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    content_type = settings.SUPPORT_ATTACHMENT_EXTENSIONS.get(extension, "")
    if not content_type:
        raise ValidationError(
            {"file": _("This type of file is not accepted. Accepted: %(types)s.")
             % {"types": ", ".join(sorted(settings.SUPPORT_ATTACHMENT_EXTENSIONS))}}
        )
    signatures = _MAGIC.get(content_type)
    if signatures:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(0)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError({"file": _("The file's content does not match its type.")})
    return content_type


@transaction.atomic
def attachment_add(
    *, ticket: Ticket, by: User, upload: UploadedFile, internal: bool = False, message: TicketMessage | None = None,
    now: dt.datetime | None = None,
) -> TicketAttachment:
    now = _now(now)
    if internal and _is_partner(by):
        raise ValidationError({"internal": _("Partner users cannot add internal attachments.")})
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError({"file": _("A closed ticket takes no more attachments.")})
    content_type = attachment_check(upload)
    name = upload.name.replace("\\", "/").rsplit("/", 1)[-1][:200]
    attachment = TicketAttachment(
        ticket=ticket, message=message, name=name, content_type=content_type, size=upload.size,
        internal=internal, uploaded_by=by, created_at=now,
    )
    attachment.file.save(name, upload, save=False)
    attachment.save()
    _event(ticket, by, EventKind.ATTACHMENT, at=now, new=name, data={"attachment": attachment.pk}, internal=internal)
    return attachment


# --- Tickets -------------------------------------------------------------------------------------
def _check_partner_refs(partner: Partner, contact: Contact | None, product: Product | None) -> None:
    errors = {}
    if contact is not None and contact.partner_id != partner.pk:
        errors["contact"] = _("This contact does not belong to the partner.")
    if product is not None and not partner.authorised_products.filter(pk=product.pk, active=True).exists():
        errors["product"] = _("This product is not authorised for the partner.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_open(
    *,
    by: User,
    partner: Partner,
    category: str,
    subject: str,
    description: str,
    priority: str = Priority.NORMAL,
    contact: Contact | None = None,
    product: Product | None = None,
    uploads: Iterable[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> Ticket:
    """Open a request: route it to a centre, choose its SLA policy, start its clocks."""
    now = _now(now)
    if _is_partner(by) and by.partner_id != partner.pk:
        raise ValidationError({"partner": _("Partner users open tickets for their own organisation only.")})
    _check_partner_refs(partner, contact, product)
    ticket = Ticket(
        partner=partner, contact=contact, opened_by=by, category=category, product=product, priority=priority,
        subject=subject, description=description, opened_at=now,
        centre=route_centre(category=category, product=product, partner=partner),
        policy=policy_select(category=category, priority=priority, partner=partner),
    )
    ticket.full_clean()
    ticket.save()
    ticket = _lock(ticket)
    event = _event(
        ticket, by, EventKind.CREATED, at=now, new=ticket.status,
        data={"centre": ticket.centre.code if ticket.centre else None, "policy": ticket.policy_id},
    )
    for upload in uploads:
        attachment_add(ticket=ticket, by=by, upload=upload, now=now)
    _sync(ticket, now)
    with notify.site_language():
        title = _("New request %(ref)s from %(partner)s") % {"ref": ticket.reference, "partner": partner.name}
        body = ticket.subject
    recipients = [ticket.centre.head if ticket.centre and ticket.centre.head_id else None, *notify.channel_manager(ticket)]
    if not _is_partner(by):
        recipients += notify.partner_side(ticket)
    notify.send(ticket=ticket, recipients=recipients, kind="support.created", title=title, body=body,
                dedupe_key=f"support:event:{event.pk}", exclude=by)
    return ticket


def _set_status(ticket: Ticket, by: User | None, status: str, now: dt.datetime, note: str = "") -> TicketEvent:
    old = ticket.status
    ticket.status = status
    if status == TicketStatus.RESOLVED:
        ticket.resolved_at = now
    elif status == TicketStatus.CLOSED:
        ticket.closed_at = now
    elif status == TicketStatus.REOPENED:
        ticket.resolved_at = None
        ticket.closed_at = None
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "updated_at"])
    return _event(ticket, by, EventKind.STATUS, at=now, old=old, new=status, data={"note": note} if note else {})


def _status_title(ticket: Ticket) -> str:
    with notify.site_language():
        return _("%(ref)s is now %(status)s") % {"ref": ticket.reference, "status": ticket.get_status_display()}


@transaction.atomic
def ticket_reply(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    internal: bool = False,
    uploads: Iterable[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> TicketMessage:
    """A public reply or an internal note. The operator's first public reply is the first response."""
    now = _now(now)
    ticket = _lock(ticket)
    from_partner = _is_partner(by)
    if internal and from_partner:
        raise ValidationError({"internal": _("Partner users cannot write internal notes.")})
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError({"body": _("This ticket is closed; open a new one.")})
    if not body.strip():
        raise ValidationError({"body": _("Write a message.")})
    message = TicketMessage.objects.create(
        ticket=ticket, author=by, body=body, internal=internal, by_partner=from_partner, created_at=now
    )
    event = _event(ticket, by, EventKind.NOTE if internal else EventKind.REPLY, at=now,
                   data={"message": message.pk}, internal=internal)
    for upload in uploads:
        attachment_add(ticket=ticket, by=by, upload=upload, internal=internal, message=message, now=now)
    if not internal and not from_partner:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            ticket.save(update_fields=["first_response_at", "updated_at"])
        if ticket.status == TicketStatus.NEW:
            _set_status(ticket, by, TicketStatus.ACKNOWLEDGED, now)
    if from_partner and ticket.status == TicketStatus.WAITING_ON_PARTNER:
        # The partner answered: the clock runs again.
        _set_status(ticket, by, TicketStatus.IN_PROGRESS, now)
    _sync(ticket, now)

    with notify.site_language():
        if internal:
            title = _("%(ref)s: internal note") % {"ref": ticket.reference}
        else:
            title = _("%(ref)s: new reply") % {"ref": ticket.reference}
    if internal:
        recipients = [*notify.handler_side(ticket)]
    elif from_partner:
        recipients = notify.handler_side(ticket) or notify.channel_manager(ticket)
    else:
        recipients = notify.partner_side(ticket)
    notify.send(ticket=ticket, recipients=recipients, kind="support.note" if internal else "support.reply",
                title=title, body=body[:500], dedupe_key=f"support:event:{event.pk}", exclude=by,
                partner_visible=not internal)
    return message


@transaction.atomic
def ticket_transition(
    *, ticket: Ticket, by: User, status: str, note: str = "", now: dt.datetime | None = None
) -> Ticket:
    """Move a ticket to another status. Partner users may only confirm (close) or reopen."""
    now = _now(now)
    ticket = _lock(ticket)
    allowed = (PARTNER_TRANSITIONS if _is_partner(by) else STAFF_TRANSITIONS).get(ticket.status, set())
    if status not in allowed:
        raise ValidationError(
            {"status": _("A ticket cannot move from %(old)s to %(new)s.")
             % {"old": ticket.get_status_display(), "new": TicketStatus(status).label if status in TicketStatus.values else status}}
        )
    event = _set_status(ticket, by, status, now, note)
    _sync(ticket, now)
    body = note[:500]
    if _is_partner(by):
        recipients = [*notify.handler_side(ticket), *notify.channel_manager(ticket)]
    else:
        recipients = [*notify.partner_side(ticket), *notify.channel_manager(ticket)]
        if ticket.assignee_id and ticket.assignee_id != by.pk:
            recipients.append(ticket.assignee)
    notify.send(ticket=ticket, recipients=recipients, kind="support.status", title=_status_title(ticket), body=body,
                dedupe_key=f"support:event:{event.pk}", exclude=by)
    return ticket


def _check_assignee(assignee: User | None) -> None:
    if assignee is None:
        return
    if not assignee.is_active or assignee.effective_role in (Role.PARTNER, Role.INTEGRATION):
        raise ValidationError({"assignee": _("Tickets are assigned to active operator staff only.")})


@transaction.atomic
def ticket_assign(
    *, ticket: Ticket, by: User, assignee: User | None, centre: ServiceCentre | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Give the ticket to a person (or nobody), optionally moving it to another centre."""
    now = _now(now)
    ticket = _lock(ticket)
    _check_assignee(assignee)
    events = []
    if centre is not None and centre.pk != ticket.centre_id:
        old = ticket.centre.code if ticket.centre else ""
        ticket.centre = centre
        events.append(_event(ticket, by, EventKind.CENTRE, at=now, old=old, new=centre.code))
    if (assignee.pk if assignee else None) != ticket.assignee_id:
        old = ticket.assignee.username if ticket.assignee_id else ""
        ticket.assignee = assignee
        events.append(_event(ticket, by, EventKind.ASSIGNED, at=now, old=old, new=assignee.username if assignee else ""))
    if not events:
        return ticket
    ticket.save(update_fields=["centre", "assignee", "updated_at"])
    # Open escalations go on with the new handler; nothing to recompute on the clocks.
    with notify.site_language():
        title = _("%(ref)s assigned to you") % {"ref": ticket.reference}
        moved = _("%(ref)s moved to %(centre)s") % {"ref": ticket.reference, "centre": ticket.centre.label if ticket.centre else ""}
    last = events[-1]
    if assignee is not None:
        notify.send(ticket=ticket, recipients=[assignee], kind="support.assigned", title=title, body=ticket.subject,
                    dedupe_key=f"support:event:{last.pk}", exclude=by)
    if centre is not None and ticket.centre.head_id and events[0].kind == EventKind.CENTRE:
        notify.send(ticket=ticket, recipients=[ticket.centre.head], kind="support.assigned", title=moved,
                    body=ticket.subject, dedupe_key=f"support:event:{events[0].pk}", exclude=by,
                    partner_visible=False)
    return ticket


@transaction.atomic
def ticket_reclassify(
    *, ticket: Ticket, by: User, priority: str | None = None, category: str | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Change priority and/or category; the SLA policy is chosen again and the clocks recomputed
    from the original opening time, keeping the paused time. A target now past due breaches."""
    now = _now(now)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError({"priority": _("A closed ticket cannot be changed.")})
    changed = False
    if priority is not None and priority != ticket.priority:
        _event(ticket, by, EventKind.PRIORITY, at=now, old=ticket.priority, new=priority)
        ticket.priority = priority
        changed = True
    if category is not None and category != ticket.category:
        _event(ticket, by, EventKind.CATEGORY, at=now, old=ticket.category, new=category)
        ticket.category = category
        changed = True
    if not changed:
        return ticket
    policy = policy_select(category=ticket.category, priority=ticket.priority, partner=ticket.partner)
    if (policy.pk if policy else None) != ticket.policy_id:
        _event(ticket, by, EventKind.POLICY, at=now, old=ticket.policy_id or "", new=policy.pk if policy else "",
               internal=True)
        ticket.policy = policy
    ticket.save(update_fields=["priority", "category", "policy", "updated_at"])
    _sync(ticket, now, definition_changed=True)
    return ticket


@transaction.atomic
def ticket_set_policy(*, ticket: Ticket, by: User, policy: SlaPolicy, now: dt.datetime | None = None) -> Ticket:
    """Put a ticket under another SLA policy by hand; clocks recomputed from the original start."""
    now = _now(now)
    ticket = _lock(ticket)
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError({"policy": _("A closed ticket cannot be changed.")})
    if policy.pk == ticket.policy_id:
        return ticket
    _event(ticket, by, EventKind.POLICY, at=now, old=ticket.policy_id or "", new=policy.pk, internal=True)
    ticket.policy = policy
    ticket.save(update_fields=["policy", "updated_at"])
    _sync(ticket, now, definition_changed=True)
    return ticket


@transaction.atomic
def ticket_milestone(*, ticket: Ticket, by: User, code: str, now: dt.datetime | None = None) -> Ticket:
    """Record that a milestone (e.g. resources confirmed) was reached."""
    now = _now(now)
    ticket = _lock(ticket)
    codes = set(
        SlaTarget.objects.filter(policy_id=ticket.policy_id, kind=TargetKind.MILESTONE).values_list("code", flat=True)
    )
    if code not in codes:
        raise ValidationError({"code": _("This ticket's policy has no milestone %(code)s.") % {"code": code}})
    if TicketEvent.objects.filter(ticket=ticket, kind=EventKind.MILESTONE, new_value=code).exists():
        raise ValidationError({"code": _("This milestone was already recorded.")})
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError({"code": _("A closed ticket cannot be changed.")})
    event = _event(ticket, by, EventKind.MILESTONE, at=now, new=code)
    _sync(ticket, now)
    with notify.site_language():
        record = SlaRecord.objects.filter(ticket=ticket, code=code).first()
        title = _("%(ref)s: %(milestone)s") % {"ref": ticket.reference, "milestone": record.name if record else code}
    notify.send(ticket=ticket, recipients=[*notify.partner_side(ticket), *notify.channel_manager(ticket)],
                kind="support.milestone", title=title, body=ticket.subject, dedupe_key=f"support:event:{event.pk}",
                exclude=by)
    return ticket


@transaction.atomic
def ticket_rate(
    *, ticket: Ticket, by: User, score: int, comment: str = "", now: dt.datetime | None = None
) -> SatisfactionRating:
    """The partner's satisfaction with a resolved request (once per ticket)."""
    now = _now(now)
    ticket = _lock(ticket)
    if not _is_partner(by) or by.partner_id != ticket.partner_id:
        raise ValidationError({"score": _("Only the partner's own users rate its requests.")})
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise ValidationError({"score": _("A request can be rated once it is resolved.")})
    if SatisfactionRating.objects.filter(ticket=ticket).exists():
        raise ValidationError({"score": _("This request has already been rated.")})
    if not 1 <= int(score) <= 5:
        raise ValidationError({"score": _("Give a score from 1 to 5.")})
    rating = SatisfactionRating.objects.create(
        ticket=ticket, partner_id=ticket.partner_id, score=score, comment=comment, rated_by=by, created_at=now
    )
    _event(ticket, by, EventKind.RATED, at=now, new=score)
    return rating


# --- SLA configuration: calendars, policies, routing ------------------------------------------
CALENDAR_MODELS = (BusinessCalendar, CalendarWindow, CalendarDay)
POLICY_MODELS = (SlaPolicy, SlaTarget)


def _after_config_change(instance) -> None:
    """A calendar or policy edit recomputes the open tickets it governs (in a task, after commit)."""
    from . import tasks

    if isinstance(instance, CALENDAR_MODELS):
        calendar_id = instance.pk if isinstance(instance, BusinessCalendar) else instance.calendar_id
        BusinessCalendar.objects.filter(pk=calendar_id).update(version=F("version") + 1)
        transaction.on_commit(lambda: tasks.sla_recompute.delay(calendar_id=calendar_id))
    elif isinstance(instance, POLICY_MODELS):
        policy_id = instance.pk if isinstance(instance, SlaPolicy) else instance.policy_id
        transaction.on_commit(lambda: tasks.sla_recompute.delay(policy_id=policy_id))


@transaction.atomic
def config_save(*, instance, by: User | None):
    """Create or change a calendar, window, day, policy, target, routing rule or centre."""
    if isinstance(instance, (BusinessCalendar, SlaPolicy)) and instance.is_default:
        type(instance).objects.filter(is_default=True).exclude(pk=instance.pk).update(is_default=False)
    instance.full_clean()
    instance.save()
    _after_config_change(instance)
    return instance


@transaction.atomic
def config_delete(*, instance, by: User | None) -> None:
    if isinstance(instance, (BusinessCalendar, SlaPolicy)) and instance.is_default:
        raise ValidationError({"is_default": _("The default cannot be deleted; make another one the default first.")})
    if isinstance(instance, SlaPolicy) and instance.tickets.exists():
        raise ValidationError({"detail": _("Tickets use this policy; deactivate it instead.")})
    _after_config_change(instance)
    instance.delete()


def sla_recompute(
    *, calendar_id: int | None = None, policy_id: int | None = None, now: dt.datetime | None = None,
    chunk_size: int = 200,
) -> int:
    """Recompute the SLA records of the tickets (not closed) that a calendar or a policy governs.

    Closed tickets are left untouched. Runs in chunks of tickets by id, each in its own
    transaction, so a long recompute never holds locks for long and a retry redoes the same work.
    """
    now = _now(now)
    tickets = Ticket.objects.exclude(status=TicketStatus.CLOSED)
    if policy_id is not None:
        tickets = tickets.filter(policy_id=policy_id)
    if calendar_id is not None:
        governed = Q(policy__calendar_id=calendar_id)
        if BusinessCalendar.objects.filter(pk=calendar_id, is_default=True).exists():
            governed |= Q(policy__isnull=False, policy__calendar__isnull=True)
        tickets = tickets.filter(governed)
    done, last_id = 0, 0
    while True:
        ids = list(tickets.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:chunk_size])
        if not ids:
            return done
        with transaction.atomic():
            for ticket in Ticket.objects.filter(pk__in=ids).select_related(
                "partner__channel_manager", "centre__head", "assignee", "policy__calendar"
            ).select_for_update(of=("self",)):
                result = sla_sync(ticket=ticket, now=now, definition_changed=True)
                if result.breached:
                    _announce_breaches(ticket, result.breached, now)
                done += 1
        last_id = ids[-1]

