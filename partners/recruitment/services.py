"""Writes of the recruitment funnel. Each service runs in one transaction and records a
ProspectEvent for every change of status; e-mails leave only after the commit."""
from __future__ import annotations

import logging
import re
from typing import Any, Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from partners.choices import PartnerStatus, Role, Tier
from partners.models import User
from partners.services import contact_create, partner_register, partner_user_create

from .choices import EventKind, ProspectSource, ProspectStatus
from .models import Prospect, ProspectEvent

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW_DAYS = 30
PROSPECT_FIELDS = (
    "company_name", "partner_type", "cooperation_model", "city", "contact_name", "contact_phone",
    "contact_email", "message", "owner", "notes",
)


class DuplicateApplication(Exception):
    """The company already has an open application: nothing new is created."""

    def __init__(self, prospect: Prospect):
        super().__init__(f"duplicate of prospect {prospect.pk}")
        self.prospect = prospect


class TransitionError(ValidationError):
    """A change of status the prospect's current status does not allow (answered 400)."""


def email_key(email: str) -> str:
    return (email or "").strip().lower()


def company_key(name: str) -> str:
    """Case and spacing do not make another company: "ACME  Ltd" is "acme ltd" is "acmeltd"."""
    return re.sub(r"[\s\u3000.,，。()（）\-_]+", "", (name or "").strip().lower())[:200]


def _event(prospect: Prospect, kind: str, *, by: User | None, from_status: str = "", note: str = "") -> ProspectEvent:
    return ProspectEvent.objects.create(
        prospect=prospect, kind=kind, from_status=from_status, to_status=prospect.status, by=by, note=note[:500]
    )


def _keys(prospect: Prospect) -> None:
    prospect.company_key = company_key(prospect.company_name)
    prospect.email_key = email_key(prospect.contact_email)


def _require(prospect: Prospect, allowed: Iterable[str], action: str) -> None:
    if prospect.status not in allowed:
        raise TransitionError(
            {"status": [_("A prospect that is %(status)s cannot be %(action)s.") % {
                "status": prospect.get_status_display().lower(), "action": action}]}
        )


def duplicate_application_of(*, contact_email: str, company_name: str, city) -> Prospect | None:
    """An open application with the same e-mail, or the same company and city sent in the last 30 days."""
    key = email_key(contact_email)
    if key:
        same_email = Prospect.objects.open_applications().filter(email_key=key).first()
        if same_email is not None:
            return same_email
    since = timezone.now() - timezone.timedelta(days=DUPLICATE_WINDOW_DAYS)
    return (
        Prospect.objects.open_applications()
        .filter(company_key=company_key(company_name), city=city, applied_at__gte=since)
        .first()
    )


def application_submit(*, products: Iterable = (), ip: str | None = None, **fields: Any) -> Prospect:
    """A company applies (public page or API).

    A duplicate (see duplicate_application_of) raises DuplicateApplication and writes nothing.
    An application whose e-mail matches a prospect staff entered (status "prospect") completes
    that prospect, which moves to "applied" and keeps its owner and notes; otherwise a new
    prospect with source "application" is created.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    try:
        with transaction.atomic():
            duplicate = duplicate_application_of(
                contact_email=fields.get("contact_email", ""), company_name=fields["company_name"], city=fields["city"]
            )
            if duplicate is not None:
                raise DuplicateApplication(duplicate)
            key = email_key(fields.get("contact_email", ""))
            prospect = None
            if key:
                prospect = (
                    Prospect.objects.select_for_update()
                    .filter(email_key=key, status=ProspectStatus.PROSPECT)
                    .order_by("entered_on", "id")
                    .first()
                )
            if prospect is None:
                prospect = Prospect(source=ProspectSource.APPLICATION, entered_on=today)
            from_status = prospect.status or ""
            for name, value in fields.items():
                setattr(prospect, name, value)
            prospect.status = ProspectStatus.APPLIED
            prospect.applied_on, prospect.applied_at = today, now
            prospect.submitted_ip = ip or None
            _keys(prospect)
            prospect.full_clean(exclude=["owner", "partner", "invited_user", "decided_by"], validate_constraints=False)
            prospect.save()
            if products:
                prospect.products.set(products)
            _event(prospect, EventKind.APPLIED, by=None, from_status=from_status)
            _notify_reviewers(prospect)
            return prospect
    except IntegrityError:
        # A concurrent submission won the race for the open-application-per-e-mail key.
        duplicate = Prospect.objects.open_applications().filter(email_key=email_key(fields.get("contact_email", ""))).first()
        if duplicate is None:
            raise
        raise DuplicateApplication(duplicate) from None


def _notify_reviewers(prospect: Prospect) -> None:
    """Tell the channel managers covering the city (and the prospect's owner) that an application
    waits; administrators when nobody covers the city. In the portal and by e-mail, once."""
    from prm.services import notification_send

    reviewers = list(
        User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True, covered_cities=prospect.city_id).distinct()
    )
    if prospect.owner_id and prospect.owner.is_active and prospect.owner not in reviewers:
        reviewers.append(prospect.owner)
    if not reviewers:
        reviewers = list(User.objects.filter(role=Role.ADMIN, is_active=True))
    with translation.override(settings.LANGUAGE_CODE):
        title = _("New partner application: %(company)s") % {"company": prospect.company_name[:150]}
        body = _("%(company)s (%(type)s, %(city)s) applied to become a partner. Contact: %(contact)s.") % {
            "company": prospect.company_name, "type": prospect.partner_type.code, "city": prospect.city.code,
            "contact": prospect.contact_name,
        }
    notification_send(
        recipients=reviewers, kind="recruitment.application", title=title, body=body,
        url=reverse("recruitment:prospect-detail", args=[prospect.pk]),
        dedupe_key=f"recruitment:applied:{prospect.pk}:{prospect.applied_on.isoformat()}",
    )


@transaction.atomic
def prospect_create(*, by: User | None, products: Iterable = (), **fields: Any) -> Prospect:
    """A company staff target (source "staff", status "prospect")."""
    prospect = Prospect(source=ProspectSource.STAFF, status=ProspectStatus.PROSPECT, entered_on=timezone.localdate(), **fields)
    if prospect.owner is None and by is not None and by.effective_role == Role.CHANNEL_MANAGER:
        prospect.owner = by
    _keys(prospect)
    prospect.full_clean(validate_constraints=False)
    prospect.save()
    if products:
        prospect.products.set(products)
    _event(prospect, EventKind.CREATED, by=by)
    return prospect


@transaction.atomic
def prospect_update(*, prospect: Prospect, by: User | None, products: Iterable | None = None, **fields: Any) -> Prospect:
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    _require(prospect, (ProspectStatus.PROSPECT, ProspectStatus.APPLIED), _("changed"))
    for name, value in fields.items():
        if name in PROSPECT_FIELDS:
            setattr(prospect, name, value)
    _keys(prospect)
    prospect.full_clean(validate_constraints=False)
    prospect.save()
    if products is not None:
        prospect.products.set(products)
    _event(prospect, EventKind.UPDATED, by=by)
    return prospect


@transaction.atomic
def prospect_mark_applied(*, prospect: Prospect, by: User | None, note: str = "") -> Prospect:
    """Staff record that a targeted company applied (by phone, on paper, at an event …)."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    _require(prospect, (ProspectStatus.PROSPECT,), _("marked as applied"))
    if prospect.email_key and Prospect.objects.open_applications().filter(email_key=prospect.email_key).exists():
        raise TransitionError({"contact_email": [_("Another open application uses this e-mail address.")]})
    now = timezone.now()
    prospect.status = ProspectStatus.APPLIED
    prospect.applied_on, prospect.applied_at = timezone.localdate(now), now
    prospect.save()
    _event(prospect, EventKind.MARKED_APPLIED, by=by, from_status=ProspectStatus.PROSPECT, note=note)
    return prospect


def _username_for(email: str, company: str) -> str:
    base = (re.sub(r"[^\w.@+-]", "", email_key(email) or company_key(company)) or "partner")[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def prospect_accept(*, prospect: Prospect, by: User | None, channel_manager: User | None = None, note: str = "") -> Prospect:
    """Register the applicant as a partner (tier registered, status active: lifecycle stage A
    until its first sale), create its primary contact and a partner user without a usable
    password, and e-mail the user an invitation to set one (after the commit)."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    _require(prospect, (ProspectStatus.APPLIED,), _("accepted"))
    if not prospect.contact_email:
        raise TransitionError({"contact_email": [_("An e-mail address is needed to invite the partner's user.")]})
    now = timezone.now()
    today = timezone.localdate(now)
    if channel_manager is None:
        owner = prospect.owner
        channel_manager = owner if owner is not None and owner.role == Role.CHANNEL_MANAGER else None
        if channel_manager is None and by is not None and by.role == Role.CHANNEL_MANAGER:
            channel_manager = by
    partner = partner_register(
        by=by,
        reason=_("Accepted application"),
        name=prospect.company_name,
        partner_type=prospect.partner_type,
        cooperation_model=prospect.cooperation_model,
        city=prospect.city,
        tier=Tier.REGISTERED,
        status=PartnerStatus.ACTIVE,
        joined_on=today,
        channel_manager=channel_manager,
        phone=prospect.contact_phone,
        description=prospect.message,
    )
    contact_create(
        by=by, partner=partner, name=prospect.contact_name, email=prospect.contact_email,
        phone=prospect.contact_phone, is_primary=True,
    )
    first, _sp, last = prospect.contact_name.partition(" ")
    user = partner_user_create(
        by=by,
        username=_username_for(prospect.contact_email, prospect.company_name),
        email=prospect.contact_email,
        first_name=first[:150],
        last_name=last[:150],
        role=Role.PARTNER,
        partner=partner,
        phone=prospect.contact_phone,
    )
    prospect.status = ProspectStatus.ACCEPTED
    prospect.decided_on, prospect.decided_at, prospect.decided_by = today, now, by
    prospect.partner, prospect.invited_user = partner, user
    prospect.save()
    _event(prospect, EventKind.ACCEPTED, by=by, from_status=ProspectStatus.APPLIED, note=note)
    _event(prospect, EventKind.INVITED, by=by, note=user.email)
    transaction.on_commit(lambda: invitation_send(user_id=user.pk))
    return prospect


@transaction.atomic
def prospect_reject(*, prospect: Prospect, by: User | None, reason: str) -> Prospect:
    """Turn down an application (or drop a prospect) with a reason, e-mailed to the company."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason for the rejection.")]})
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    _require(prospect, (ProspectStatus.PROSPECT, ProspectStatus.APPLIED), _("rejected"))
    from_status = prospect.status
    now = timezone.now()
    prospect.status = ProspectStatus.REJECTED
    prospect.decided_on, prospect.decided_at, prospect.decided_by = timezone.localdate(now), now, by
    prospect.reject_reason = reason[:500]
    prospect.save()
    _event(prospect, EventKind.REJECTED, by=by, from_status=from_status, note=reason)
    if prospect.contact_email and from_status == ProspectStatus.APPLIED:
        prospect_id = prospect.pk
        transaction.on_commit(lambda: rejection_send(prospect_id=prospect_id))
    return prospect


@transaction.atomic
def prospect_withdraw(*, prospect: Prospect, by: User | None, note: str = "") -> Prospect:
    """The company is no longer interested (or staff stop pursuing it)."""
    prospect = Prospect.objects.select_for_update().get(pk=prospect.pk)
    _require(prospect, (ProspectStatus.PROSPECT, ProspectStatus.APPLIED), _("withdrawn"))
    from_status = prospect.status
    now = timezone.now()
    prospect.status = ProspectStatus.WITHDRAWN
    prospect.decided_on, prospect.decided_at, prospect.decided_by = timezone.localdate(now), now, by
    prospect.save()
    _event(prospect, EventKind.WITHDRAWN, by=by, from_status=from_status, note=note)
    return prospect


def invitation_link(user: User) -> str:
    path = reverse(
        "recruitment:invite-confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return settings.PRM_SITE_URL.rstrip("/") + path


def invitation_send(*, user_id: int) -> bool:
    """E-mail a partner user the link to choose a password (valid for PASSWORD_RESET_TIMEOUT)."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("partner").first()
    if user is None or not user.email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Welcome to PRM: your partner account")
        body = _(
            "Your application for %(company)s has been accepted: it is now a registered partner (%(code)s).\n\n"
            "Your user name is %(username)s. Choose your password here:\n%(link)s\n\n"
            "The link works once and expires in a few days."
        ) % {"company": user.partner.name, "code": user.partner.code, "username": user.username, "link": invitation_link(user)}
    try:
        send_mail(subject, body, None, [user.email], fail_silently=False)
    except Exception:  # the partner exists; staff can send the invitation again
        logger.exception("could not e-mail the invitation to user %s", user.pk)
        return False
    return True


def rejection_send(*, prospect_id: int) -> bool:
    prospect = Prospect.objects.filter(pk=prospect_id).first()
    if prospect is None or not prospect.contact_email:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Your partner application")
        body = _(
            "Thank you for applying to become our partner. We cannot accept the application of %(company)s at this time.\n\n"
            "Reason: %(reason)s"
        ) % {"company": prospect.company_name, "reason": prospect.reject_reason}
    try:
        send_mail(subject, body, None, [prospect.contact_email], fail_silently=False)
    except Exception:
        logger.exception("could not e-mail the rejection of prospect %s", prospect.pk)
        return False
    return True


def prospect_invite_again(*, prospect: Prospect, by: User | None) -> Prospect:
    """Send the invitation once more (e.g. the link expired)."""
    _require(prospect, (ProspectStatus.ACCEPTED,), _("invited"))
    if prospect.invited_user_id is None:
        raise TransitionError({"invited_user": [_("This prospect has no partner user to invite.")]})
    with transaction.atomic():
        _event(prospect, EventKind.INVITED, by=by, note=prospect.contact_email)
        user_id = prospect.invited_user_id
        transaction.on_commit(lambda: invitation_send(user_id=user_id))
    return prospect
