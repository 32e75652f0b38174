"""Writes of the loyalty programme: redemptions, adjustments, tier review decisions.

Every service runs in one transaction. Anything that moves points locks the partner's balance
row first (SELECT … FOR UPDATE), so two redemptions of one partner run one after the other and
the second sees what the first left: a balance can never be taken below zero by spending.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy

from partners.choices import TIER_ORDER, Role
from partners.models import Partner, User
from partners.services import partner_update
from prm.services import notification_send

from .choices import EntryKind, RedemptionStatus, ReviewDirection, ReviewStatus, SourceType
from .models import (
    ComplianceIssue,
    EarningRule,
    LedgerEntry,
    LotAllocation,
    PointsAdjustment,
    PointsBalance,
    Redemption,
    Reward,
    TierLevel,
    TierReview,
    TrainedPerson,
)
from .nightly import business_today, lot_expiry


# --- balance and lots ---------------------------------------------------------------------------
def _lock_balance(partner_id: int) -> PointsBalance:
    PointsBalance.objects.get_or_create(partner_id=partner_id)
    return PointsBalance.objects.select_for_update().get(partner_id=partner_id)


def _consume(*, debit: LedgerEntry, partner_id: int, points: int, today: datetime.date) -> int:
    """Take up to `points` from the partner's spendable lots, soonest-expiring first.

    Returns the points that could not be covered. Caller holds the balance lock.
    """
    lots = (
        LedgerEntry.objects.filter(partner_id=partner_id, remaining__gt=0, expires_on__gte=today)
        .order_by("expires_on", "id")
        .only("id", "remaining")
    )
    allocations = []
    left = points
    for lot in lots:
        if left <= 0:
            break
        take = min(left, lot.remaining)
        allocations.append(LotAllocation(debit=debit, lot=lot, points=take))
        left -= take
    LotAllocation.objects.bulk_create(allocations)
    for allocation in allocations:
        LedgerEntry.objects.filter(pk=allocation.lot_id).update(remaining=F("remaining") - allocation.points)
    return left


def _settle_debts(*, partner_id: int, today: datetime.date) -> None:
    """Outstanding debits (reversals of spent points) take newly available lots first."""
    for debit in LedgerEntry.objects.filter(partner_id=partner_id, unsettled__gt=0).order_by("id"):
        left = _consume(debit=debit, partner_id=partner_id, points=debit.unsettled, today=today)
        LedgerEntry.objects.filter(pk=debit.pk).update(unsettled=left)
        if left:
            break


def _spendable(partner_id: int, today: datetime.date) -> int:
    from django.db.models import Sum

    return (
        LedgerEntry.objects.filter(partner_id=partner_id, remaining__gt=0, expires_on__gte=today).aggregate(
            total=Sum("remaining")
        )["total"]
        or 0
    )


# --- redemption ---------------------------------------------------------------------------------
@transaction.atomic
def points_redeem(*, partner: Partner, reward: Reward, by: User | None, quantity: int = 1, note: str = "") -> Redemption:
    """Redeem a reward: points leave at once, from the soonest-expiring lots first."""
    if quantity < 1 or quantity > 100:
        raise ValidationError({"quantity": _("Choose a quantity from 1 to 100.")})
    balance = _lock_balance(partner.pk)
    partner = Partner.objects.get(pk=partner.pk)
    reward = Reward.objects.get(pk=reward.pk)
    if not reward.active:
        raise ValidationError({"reward": _("This reward is no longer offered.")})
    if TIER_ORDER[partner.tier] < TIER_ORDER[reward.min_tier]:
        raise ValidationError(
            {"reward": _("This reward is for %(tier)s partners and above.") % {"tier": reward.get_min_tier_display()}}
        )
    cost = reward.cost_points * quantity
    today = business_today()
    available = min(balance.points, _spendable(partner.pk, today))
    if cost > available:
        raise ValidationError(
            {"reward": _("This reward costs %(cost)s points; you have %(available)s points to spend.")
             % {"cost": cost, "available": max(available, 0)}}
        )
    if reward.stock is not None:
        taken = Reward.objects.filter(pk=reward.pk, stock__gte=quantity).update(stock=F("stock") - quantity)
        if not taken:
            raise ValidationError({"reward": _("This reward is out of stock.")})
    redemption = Redemption.objects.create(
        partner=partner, reward=reward, quantity=quantity, points=cost, note=note, requested_by=by
    )
    entry = LedgerEntry.objects.create(
        partner=partner,
        kind=EntryKind.REDEEM,
        points=-cost,
        source_type=SourceType.REDEMPTION,
        source_id=redemption.pk,
        effective_on=today,
        note=reward.name[:300],
        created_by=by,
    )
    left = _consume(debit=entry, partner_id=partner.pk, points=cost, today=today)
    if left:  # cannot happen under the lock; refuse rather than write an inconsistent ledger
        raise ValidationError({"reward": _("Not enough points to spend.")})
    PointsBalance.objects.filter(pk=partner.pk).update(points=F("points") - cost)
    if partner.channel_manager_id:
        notification_send(
            recipients=[partner.channel_manager],
            kind="loyalty.redemption",
            title=gettext_lazy("%(partner)s redeemed %(reward)s") % {"partner": partner.name, "reward": reward.name},
            url="/loyalty/redemptions/",
            dedupe_key=f"loyalty:redemption:{redemption.pk}:requested",
        )
    return redemption


def _decide(redemption: Redemption, *, by: User | None, status: str, note: str) -> Redemption:
    redemption = Redemption.objects.select_for_update().get(pk=redemption.pk)
    if redemption.status != RedemptionStatus.PENDING:
        raise ValidationError(
            {"status": _("This redemption is already %(status)s.") % {"status": redemption.get_status_display()}}
        )
    redemption.status = status
    redemption.decided_by = by
    redemption.decided_at = timezone.now()
    redemption.decision_note = note
    redemption.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return redemption


def _notify_partner(partner_id: int, *, kind: str, title, body="", url: str, dedupe_key: str) -> None:
    users = list(User.objects.filter(partner_id=partner_id, role=Role.PARTNER, is_active=True))
    notification_send(recipients=users, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key)


@transaction.atomic
def redemption_fulfil(*, redemption: Redemption, by: User | None, note: str = "") -> Redemption:
    redemption = _decide(redemption, by=by, status=RedemptionStatus.FULFILLED, note=note)
    _notify_partner(
        redemption.partner_id,
        kind="loyalty.redemption",
        title=gettext_lazy("Your reward %(reward)s has been provided") % {"reward": redemption.reward.name},
        body=note,
        url="/loyalty/redemptions/",
        dedupe_key=f"loyalty:redemption:{redemption.pk}:decided",
    )
    return redemption


@transaction.atomic
def redemption_reject(*, redemption: Redemption, by: User | None, note: str) -> Redemption:
    """Reject a redemption: the points go back with the expiry dates of the lots they came from.

    Each allocation of the redemption comes back as a `release` lot with its original lot's
    expiry date (a lot that has expired meanwhile comes back and expires at the next nightly
    run). The reward's stock is given back.
    """
    if not (note or "").strip():
        raise ValidationError({"note": _("Give the partner a reason for the rejection.")})
    _lock_balance(redemption.partner_id)
    redemption = _decide(redemption, by=by, status=RedemptionStatus.REJECTED, note=note)
    today = business_today()
    debit = LedgerEntry.objects.get(source_type=SourceType.REDEMPTION, source_id=redemption.pk, kind=EntryKind.REDEEM)
    releases = [
        LedgerEntry(
            partner_id=redemption.partner_id,
            kind=EntryKind.RELEASE,
            points=allocation.points,
            source_type=SourceType.ALLOCATION,
            source_id=allocation.pk,
            effective_on=today,
            expires_on=allocation.lot.expires_on,
            remaining=allocation.points,
            note=redemption.reward.name[:300],
            created_by=by,
        )
        for allocation in debit.allocations.select_related("lot").order_by("id")
    ]
    LedgerEntry.objects.bulk_create(releases)
    PointsBalance.objects.filter(pk=redemption.partner_id).update(points=F("points") + redemption.points)
    _settle_debts(partner_id=redemption.partner_id, today=today)
    if redemption.reward.stock is not None:
        Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + redemption.quantity)
    _notify_partner(
        redemption.partner_id,
        kind="loyalty.redemption",
        title=gettext_lazy("Your redemption of %(reward)s was declined; the points are back")
        % {"reward": redemption.reward.name},
        body=note,
        url="/loyalty/redemptions/",
        dedupe_key=f"loyalty:redemption:{redemption.pk}:decided",
    )
    return redemption


# --- adjustments -------------------------------------------------------------------------------
MAX_ADJUSTMENT = 10_000_000


@transaction.atomic
def points_adjust(*, partner: Partner, points: int, reason: str, by: User | None) -> LedgerEntry:
    """A manual correction by staff, with a reason. Credits are a new lot; debits take the
    soonest-expiring lots and may not exceed the points there are to take."""
    if not points or abs(points) > MAX_ADJUSTMENT:
        raise ValidationError({"points": _("Enter a non-zero whole number of points up to 10,000,000 either way.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    balance = _lock_balance(partner.pk)
    today = business_today()
    if points < 0 and -points > min(balance.points, _spendable(partner.pk, today)):
        raise ValidationError(
            {"points": _("The partner has only %(available)s points to take.") % {"available": max(balance.points, 0)}}
        )
    adjustment = PointsAdjustment.objects.create(partner=partner, points=points, reason=reason, created_by=by)
    entry = LedgerEntry.objects.create(
        partner=partner,
        kind=EntryKind.ADJUST,
        points=points,
        source_type=SourceType.ADJUSTMENT,
        source_id=adjustment.pk,
        effective_on=today,
        expires_on=lot_expiry(today) if points > 0 else None,
        remaining=points if points > 0 else None,
        note=reason[:300],
        created_by=by,
    )
    if points < 0:
        _consume(debit=entry, partner_id=partner.pk, points=-points, today=today)
    PointsBalance.objects.filter(pk=partner.pk).update(points=F("points") + points)
    if points > 0:
        _settle_debts(partner_id=partner.pk, today=today)
    return entry


# --- tier reviews --------------------------------------------------------------------------------
def _tier_label(tier: str) -> str:
    from partners.choices import Tier

    return str(Tier(tier).label)


@transaction.atomic
def tier_review_approve(*, review: TierReview, by: User | None, reason: str = "") -> TierReview:
    """Approve a tier change: the partner's tier (and its history) changes, the partner is told.

    Upgrades may be approved at once; downgrades only once their grace period is over.
    """
    review = TierReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise ValidationError({"status": _("This review is already %(status)s.") % {"status": review.get_status_display()}})
    today = business_today()
    if review.direction == ReviewDirection.DOWNGRADE and today < review.eligible_on:
        raise ValidationError(
            {"eligible_on": _("A downgrade can be approved from %(date)s, after its grace period.")
             % {"date": review.eligible_on.isoformat()}}
        )
    partner = review.partner
    if partner.tier != review.from_tier:
        raise ValidationError({"status": _("The partner's tier has changed since this review was opened.")})
    reason = (reason or "").strip() or _("Tier review approved: qualified for %(tier)s.") % {
        "tier": _tier_label(review.to_tier)
    }
    partner_update(partner=partner, by=by, reason=reason[:500], tier=review.to_tier)
    review.status = ReviewStatus.APPROVED
    review.decided_by = by
    review.decided_at = timezone.now()
    review.decision_reason = reason[:500]
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _notify_partner(
        partner.pk,
        kind="loyalty.tier",
        title=gettext_lazy("Your certification tier is now %(tier)s") % {"tier": _tier_label(review.to_tier)},
        body=reason,
        url="/loyalty/",
        dedupe_key=f"loyalty:tier-review:{review.pk}",
    )
    return review


@transaction.atomic
def tier_review_reject(*, review: TierReview, by: User | None, reason: str) -> TierReview:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required to reject a tier review.")})
    review = TierReview.objects.select_for_update().get(pk=review.pk)
    if review.status != ReviewStatus.PENDING:
        raise ValidationError({"status": _("This review is already %(status)s.") % {"status": review.get_status_display()}})
    review.status = ReviewStatus.REJECTED
    review.decided_by = by
    review.decided_at = timezone.now()
    review.decision_reason = reason[:500]
    review.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    return review


@dataclass(frozen=True)
class BulkOutcome:
    done: list[int]
    errors: dict[int, Any]


def tier_reviews_decide(*, reviews: Iterable[TierReview], by: User | None, approve: bool, reason: str) -> BulkOutcome:
    """Decide many reviews; each in its own transaction, so one refusal does not stop the rest."""
    done, errors = [], {}
    for review in reviews:
        try:
            if approve:
                tier_review_approve(review=review, by=by, reason=reason)
            else:
                tier_review_reject(review=review, by=by, reason=reason)
            done.append(review.pk)
        except ValidationError as exc:
            errors[review.pk] = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return BulkOutcome(done=done, errors=errors)


# --- programme set-up and prerequisites --------------------------------------------------------
def _save(instance, fields: dict[str, Any]):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return instance


@transaction.atomic
def earning_rule_save(*, rule: EarningRule | None = None, by: User | None, **fields: Any) -> EarningRule:
    """Create or change a rule; points already credited keep the values they were credited with."""
    return _save(rule or EarningRule(), fields)


@transaction.atomic
def reward_save(*, reward: Reward | None = None, by: User | None, **fields: Any) -> Reward:
    return _save(reward or Reward(), fields)


@transaction.atomic
def tier_level_save(*, level: TierLevel, by: User | None, **fields: Any) -> TierLevel:
    return _save(level, fields)


@transaction.atomic
def trained_person_save(*, person: TrainedPerson | None = None, by: User | None, **fields: Any) -> TrainedPerson:
    return _save(person or TrainedPerson(), fields)


@transaction.atomic
def compliance_issue_save(*, issue: ComplianceIssue | None = None, by: User | None, **fields: Any) -> ComplianceIssue:
    if issue is None:
        fields.setdefault("created_by", by)
    return _save(issue or ComplianceIssue(), fields)
