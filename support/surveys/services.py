"""Business rules of the satisfaction surveys: factor weights, campaigns (create, change while a
draft, launch, close) and answering. The set-based jobs (ticket invitations, reminders) are in
jobs.py."""
from __future__ import annotations

import datetime
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as FieldErrors

from partners.choices import CooperationModel, PartnerStatus, Role, Tier
from partners.models import Partner, User

from .choices import SCALE_MAX, SCALE_MIN, CampaignKind, CampaignStatus, InvitationStatus
from .models import Answer, Campaign, Invitation, Response, SurveyEvent, SurveyFactor
from . import tasks

CAMPAIGN_FIELDS = {"name", "name_zh", "opens_on", "closes_on", "remind_every_days", "max_reminders",
                   "target_cooperation_models", "target_tiers"}
CAMPAIGN_M2M = {"target_partner_types", "target_cities", "factors"}
FACTOR_FIELDS = {"name", "name_zh", "description", "description_zh", "weight", "active", "sort_order"}


def _event(kind: str, *, by: User | None, campaign: Campaign | None = None, factor: SurveyFactor | None = None,
           **details: Any) -> SurveyEvent:
    return SurveyEvent.objects.create(kind=kind, by=by if by and by.pk else None, campaign=campaign, factor=factor,
                                      details=details)


def _plain(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return str(value)
    return value


# -- factors -------------------------------------------------------------------------------------
@transaction.atomic
def factor_update(*, factor: SurveyFactor, by: User | None, **fields: Any) -> SurveyFactor:
    """Change a factor (its weight, names, whether it is asked). Weights are shares: they need
    not add up to 100, the satisfaction index divides by their sum."""
    unknown = set(fields) - FACTOR_FIELDS
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    weight = fields.get("weight")
    if weight is not None and weight < 0:
        raise ValidationError({"weight": _("A weight cannot be negative.")})
    factor = SurveyFactor.objects.select_for_update().get(pk=factor.pk)
    changes = {}
    for name, value in fields.items():
        old = getattr(factor, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(factor, name, value)
    if changes:
        factor.full_clean()
        factor.save()
        _event("weight" if "weight" in changes else "factor", by=by, factor=factor, changes=changes)
    return factor


# -- campaigns -----------------------------------------------------------------------------------
def _clean_targets(fields: dict) -> None:
    errors = {}
    for name, choices in (("target_cooperation_models", CooperationModel.values), ("target_tiers", Tier.values)):
        values = fields.get(name)
        if values is None:
            continue
        if not isinstance(values, list) or any(v not in choices for v in values):
            errors[name] = _("Choose from: %(choices)s.") % {"choices": ", ".join(choices)}
        else:
            fields[name] = sorted(set(values))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_save(*, campaign: Campaign | None = None, by: User | None, **fields: Any) -> Campaign:
    """Create a periodic campaign (a draft) or change a draft. Launched campaigns are not changed."""
    unknown = set(fields) - CAMPAIGN_FIELDS - CAMPAIGN_M2M
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in sorted(unknown)})
    _clean_targets(fields)
    m2m = {name: fields.pop(name) for name in list(fields) if name in CAMPAIGN_M2M}
    creating = campaign is None
    if creating:
        campaign = Campaign(kind=CampaignKind.PERIODIC, created_by=by if by and by.pk else None)
    else:
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise ValidationError({"status": _("Only a draft campaign can be changed.")})
    for name, value in fields.items():
        setattr(campaign, name, value)
    if campaign.closes_on and campaign.opens_on and campaign.closes_on < campaign.opens_on:
        raise ValidationError({"closes_on": _("The closing day cannot be before the opening day.")})
    if creating and not m2m.get("factors"):
        m2m["factors"] = list(SurveyFactor.objects.filter(active=True))
    if "factors" in m2m and not m2m["factors"]:
        raise ValidationError({"factors": _("Choose at least one factor.")})
    campaign.full_clean(exclude=["code"])
    campaign.save()
    for name, values in m2m.items():
        getattr(campaign, name).set(values)
    _event("created" if creating else "updated", by=by, campaign=campaign,
           fields=sorted([*fields, *m2m]))
    return campaign


def campaign_target_partners(campaign: Campaign):
    """The active partners a periodic campaign invites (empty targets: all)."""
    partners = Partner.objects.filter(status=PartnerStatus.ACTIVE)
    type_ids = list(campaign.target_partner_types.values_list("pk", flat=True))
    city_ids = list(campaign.target_cities.values_list("pk", flat=True))
    if type_ids:
        partners = partners.filter(partner_type_id__in=type_ids)
    if city_ids:
        partners = partners.filter(city_id__in=city_ids)
    if campaign.target_cooperation_models:
        partners = partners.filter(cooperation_model__in=campaign.target_cooperation_models)
    if campaign.target_tiers:
        partners = partners.filter(tier__in=campaign.target_tiers)
    return partners


def insert_select(columns: Iterable[str], select_sql: str, params: Iterable) -> int:
    """`INSERT INTO surveys_invitation (columns) <select> ON CONFLICT DO NOTHING`; rows written."""
    table = connection.ops.quote_name(Invitation._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) {select_sql} ON CONFLICT DO NOTHING", list(params)
        )
        return cursor.rowcount


def _insert_for_partners(campaign: Campaign, sub_sql: str, sub_params, at_param) -> int:
    """One INSERT … SELECT: an invitation to `campaign` for each partner id the subquery yields."""
    select = f"SELECT %s, p.id, NULL, %s, %s, 0 FROM ({sub_sql}) p WHERE 1 = 1"  # WHERE: SQLite's ON CONFLICT parse
    return insert_select(
        ["campaign_id", "partner_id", "ticket_id", "status", "invited_at", "reminders_sent"],
        select, [campaign.pk, InvitationStatus.PENDING, at_param, *sub_params],
    )


@transaction.atomic
def campaign_launch(*, campaign: Campaign, by: User | None, now: datetime.datetime | None = None) -> int:
    """Open a draft periodic campaign: invite every matching active partner (one INSERT … SELECT);
    after the commit a task notifies their partner users in batches. Returns the partners invited."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft campaign can be launched.")})
    if campaign.kind != CampaignKind.PERIODIC:
        raise ValidationError({"kind": _("Only periodic campaigns are launched by hand.")})
    today = timezone.localdate(now)
    if campaign.closes_on and campaign.closes_on < today:
        raise ValidationError({"closes_on": _("The closing day has passed; change it before launching.")})
    if not campaign.factors.exists():
        raise ValidationError({"factors": _("Choose at least one factor.")})
    invited = _insert_for_partners(campaign, *_partners_sql(campaign), _db_datetime(now))
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.OPEN, launched_at=now)
    campaign.refresh_from_db()
    # The partner users hear of it after the commit, from a task (tens of thousands at 100,000 partners).
    campaign_id, stamp = campaign.pk, now.isoformat()
    transaction.on_commit(lambda: tasks.surveys_notify_invited.delay(campaign_id=campaign_id, invited_at=stamp))
    _event("launched", by=by, campaign=campaign, invited=invited)
    return invited


def _partners_sql(campaign: Campaign):
    already = Invitation.objects.filter(campaign_id=campaign.pk, partner_id=OuterRef("pk"), ticket__isnull=True)
    partners = campaign_target_partners(campaign).filter(~Exists(already)).order_by().values("id")
    return partners.query.sql_with_params()


def _db_datetime(value: datetime.datetime):
    return Invitation._meta.get_field("invited_at").get_db_prep_value(value, connection)


@transaction.atomic
def campaign_close(*, campaign: Campaign, by: User | None, now: datetime.datetime | None = None) -> int:
    """Close an open campaign: no more answers; pending invitations expire. Returns how many expired."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.OPEN:
        raise ValidationError({"status": _("Only an open campaign can be closed.")})
    Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.CLOSED, closed_at=now)
    expired = Invitation.objects.filter(campaign_id=campaign.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.EXPIRED
    )
    campaign.refresh_from_db()
    _event("closed", by=by, campaign=campaign, expired=expired)
    return expired


# -- answering -----------------------------------------------------------------------------------
def _rating(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            return None
    return value if SCALE_MIN <= value <= SCALE_MAX else None


def _clean_answers(campaign: Campaign, answers) -> list[tuple[int, int, int]]:
    """Every factor of the campaign rated exactly once, both scales 1–5; else 400 per factor id."""
    factor_ids = set(campaign.factors.values_list("pk", flat=True))
    general = []
    per_factor: dict[str, list[str]] = {}
    seen: set[int] = set()
    rows = []
    if not isinstance(answers, list):
        raise FieldErrors({"answers": {"__all__": [_("Send a list of answers.")]}})
    for item in answers:
        factor = item.get("factor") if isinstance(item, dict) else None
        if isinstance(factor, bool) or not isinstance(factor, int):
            general.append(_("Each answer needs a factor id and two ratings from 1 to 5."))
            continue
        key = str(factor)
        if factor not in factor_ids:
            per_factor.setdefault(key, []).append(_("This factor is not part of this survey."))
            continue
        if factor in seen:
            per_factor.setdefault(key, []).append(_("This factor is rated more than once."))
            continue
        seen.add(factor)
        importance, satisfaction = _rating(item.get("importance")), _rating(item.get("satisfaction"))
        if importance is None or satisfaction is None:
            per_factor.setdefault(key, []).append(_("Rate both how important and how satisfied, from 1 to 5."))
            continue
        rows.append((factor, importance, satisfaction))
    for factor in sorted(factor_ids - seen):
        per_factor.setdefault(str(factor), []).append(_("Rate both how important and how satisfied, from 1 to 5."))
    if general or per_factor:
        detail = dict(per_factor)
        if general:
            detail["__all__"] = sorted(set(general))
        elif per_factor:
            detail["__all__"] = [_("Answer every question: %(count)s still need a rating.")
                                 % {"count": len(per_factor)}]
        raise FieldErrors({"answers": detail})
    return rows


def _cube_add(response: Response) -> None:
    from .analysis.cube import cube_add_response

    cube_add_response(response)


@transaction.atomic
def response_submit(*, invitation: Invitation, by: User, answers: list, comment: str = "",
                    now: datetime.datetime | None = None) -> Response:
    """A partner user answers an invitation of their partner: once per user, while the campaign
    is open. The first answer marks the invitation answered; colleagues may still answer."""
    now = now or timezone.now()
    if getattr(by, "effective_role", None) != Role.PARTNER or by.partner_id != invitation.partner_id:
        raise ValidationError({"invitation": _("Only the invited partner's users answer this survey.")})
    invitation = Invitation.objects.select_related("campaign", "partner").get(pk=invitation.pk)
    campaign = invitation.campaign
    if invitation.status == InvitationStatus.EXPIRED or not campaign.accepts_answers_on(timezone.localdate(now)):
        raise ValidationError({"invitation": _("This survey is not open for answers.")})
    if Response.objects.filter(invitation_id=invitation.pk, respondent_id=by.pk).exists():
        raise ValidationError({"invitation": _("You have already answered this survey.")})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Keep the comment to 2,000 characters.")})
    rows = _clean_answers(campaign, answers)
    partner = Partner.objects.get(pk=invitation.partner_id)
    response = Response.objects.create(
        invitation=invitation, campaign=campaign, partner=partner, respondent=by, submitted_at=now, comment=comment,
        partner_type_id=partner.partner_type_id, cooperation_model=partner.cooperation_model, tier=partner.tier,
        city_id=partner.city_id,
    )
    Answer.objects.bulk_create(
        [Answer(response=response, factor_id=f, importance=i, satisfaction=s) for f, i, s in rows]
    )
    Invitation.objects.filter(pk=invitation.pk, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.ANSWERED, answered_at=now
    )
    _cube_add(response)
    return response

