"""Writes to the lifecycle: stage overrides, retention and win-back plans, configuration, runs.

Each service takes keyword arguments, runs in one transaction and leaves an event row (a stage
change for overrides, a plan event for plans). The nightly job's services live in
lifecycle.engine and are re-exported here.
"""
from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.choices import Role
from partners.models import Partner, User

from .choices import (
    ActionStatus,
    PlanEventKind,
    PlanKind,
    PlanStatus,
    RunTrigger,
    Stage,
    StageChangeSource,
    StageReason,
)
from .engine import (  # noqa: F401  (the job's services, for callers that import services)
    default_as_of,
    lifecycle_run_chunk,
    lifecycle_run_execute,
    lifecycle_run_fail,
    lifecycle_run_finish,
    lifecycle_run_start,
)
from .models import (
    LifecycleSettings,
    PartnerLifecycle,
    PlanEvent,
    PlanNote,
    RetentionAction,
    RetentionPlan,
    StageChange,
    StageOverride,
    StagePlaybook,
    StageThreshold,
)

PLAN_OWNER_ROLES = (Role.ADMIN, Role.CHANNEL_MANAGER)
MAX_OVERRIDE_DAYS = 366


def _today() -> datetime.date:
    return timezone.localdate()


# --- Stage overrides ----------------------------------------------------------------------------


def _current_stage(partner: Partner) -> tuple[str, PartnerLifecycle | None]:
    state = PartnerLifecycle.objects.select_for_update().filter(partner=partner).first()
    return (state.stage if state else ""), state


@transaction.atomic
def stage_override_set(*, partner: Partner, stage: str, reason: str, until: datetime.date, by: User) -> StageOverride:
    """Put the partner in `stage` from today until `until` (inclusive), whatever the rules say."""
    today = _today()
    errors = {}
    if stage not in Stage.values:
        errors["stage"] = _("Choose a stage from A to E.")
    if not reason or not reason.strip():
        errors["reason"] = _("Say why the stage is overridden.")
    if until < today:
        errors["until"] = _("The override must hold until today or a later day.")
    elif (until - today).days > MAX_OVERRIDE_DAYS:
        errors["until"] = _("An override holds for at most a year; set it again later if needed.")
    if errors:
        raise ValidationError(errors)
    Partner.objects.select_for_update().filter(pk=partner.pk).first()
    before, state = _current_stage(partner)
    _end_active_overrides(partner=partner, by=by, today=today)
    override = StageOverride.objects.create(
        partner=partner, stage=stage, reason=reason.strip(), valid_from=today, valid_until=until, created_by=by
    )
    StageChange.objects.create(
        partner=partner,
        as_of=today,
        from_stage=before,
        to_stage=stage,
        source=StageChangeSource.MANUAL,
        reason=StageReason.OVERRIDE,
        note=override.reason,
        evidence={"until": until.isoformat(), "rule_stage": state.rule_stage if state else ""},
        changed_by=by,
        override=override,
    )
    if state is not None:
        state.stage, state.override, state.stage_since = stage, override, today if stage != before else state.stage_since
        state.updated_at = timezone.now()
        state.save(update_fields=["stage", "override", "stage_since", "updated_at"])
    return override


def _end_active_overrides(*, partner: Partner, by: User, today: datetime.date) -> int:
    return (
        StageOverride.objects.filter(partner=partner, valid_until__gte=today, ended_on__isnull=True)
        .update(ended_on=today, ended_by=by)
    )


@transaction.atomic
def stage_override_end(*, partner: Partner, by: User, reason: str = "") -> StageOverride:
    """End the partner's override today: the rules' stage applies again."""
    today = _today()
    override = (
        StageOverride.objects.select_for_update()
        .filter(partner=partner, valid_from__lte=today, valid_until__gte=today, ended_on__isnull=True)
        .order_by("-id")
        .first()
    )
    if override is None:
        raise ValidationError({"detail": _("This partner's stage is not overridden.")})
    before, state = _current_stage(partner)
    _end_active_overrides(partner=partner, by=by, today=today)
    after = state.rule_stage if state else before
    StageChange.objects.create(
        partner=partner,
        as_of=today,
        from_stage=before,
        to_stage=after,
        source=StageChangeSource.MANUAL,
        reason=state.rule_reason if state else StageReason.OVERRIDE,
        note=(reason or "").strip() or _("Override ended"),
        evidence={"override_ended": override.pk},
        changed_by=by,
        override=override,
    )
    if state is not None:
        state.stage, state.override = after, None
        if after != before:
            state.stage_since = today
        state.updated_at = timezone.now()
        state.save(update_fields=["stage", "override", "stage_since", "updated_at"])
    override.refresh_from_db()
    return override


# --- Retention and win-back plans --------------------------------------------------------------


def _check_owner(owner: User | None, field: str = "owner") -> None:
    if owner is None or not owner.is_active or owner.effective_role not in PLAN_OWNER_ROLES:
        raise ValidationError({field: _("Choose an active channel manager or administrator.")})


def _event(plan: RetentionPlan, event: str, by: User | None, **details: Any) -> PlanEvent:
    return PlanEvent.objects.create(plan=plan, kind=event, by=by, details=details)


def _json(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def retention_plan_create(
    *,
    partner: Partner,
    by: User,
    lever: str,
    goal: str,
    kind: str = PlanKind.RETENTION,
    owner: User | None = None,
    notes: str = "",
    review_on: datetime.date | None = None,
) -> RetentionPlan:
    """Open a retention plan (for a partner not in stage E) or a win-back plan (stage E)."""
    owner = owner or by
    _check_owner(owner)
    today = _today()
    state = PartnerLifecycle.objects.filter(partner=partner).first()
    if kind == PlanKind.WIN_BACK and (state is None or state.stage != Stage.E):
        raise ValidationError({"kind": _("Win-back plans are for partners in stage E (exit).")})
    if kind == PlanKind.RETENTION and state is not None and state.stage == Stage.E:
        raise ValidationError({"kind": _("This partner has exited: open a win-back plan instead.")})
    if RetentionPlan.objects.select_for_update().filter(partner=partner, kind=kind, status=PlanStatus.ACTIVE).exists():
        raise ValidationError({"partner": _("This partner already has an active plan of this kind.")})
    if review_on is None:
        review_on = today + datetime.timedelta(days=LifecycleSettings.load().review_period_days)
    if review_on <= today:
        raise ValidationError({"review_on": _("The review day must be after today.")})
    plan = RetentionPlan(
        partner=partner,
        kind=kind,
        lever=lever,
        owner=owner,
        goal=goal,
        notes=notes,
        opened_on=today,
        review_on=review_on,
        start_stage=state.stage if state else "",
        start_risk_level=state.risk_level if state else None,
        start_value_score=state.value_score if state else None,
        created_by=by,
    )
    plan.full_clean()
    plan.save()
    _event(plan, PlanEventKind.CREATED, by, plan_kind=kind, lever=lever, owner=owner.pk, review_on=review_on.isoformat())
    return plan


PLAN_EDITABLE = ("lever", "owner", "goal", "notes", "review_on")


@transaction.atomic
def retention_plan_update(*, plan: RetentionPlan, by: User, **fields: Any) -> RetentionPlan:
    plan = RetentionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"detail": _("Only active plans can be changed.")})
    unknown = set(fields) - set(PLAN_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if "owner" in fields:
        _check_owner(fields["owner"])
    if "review_on" in fields and fields["review_on"] <= _today():
        raise ValidationError({"review_on": _("The review day must be after today.")})
    changed = {}
    for name, value in fields.items():
        if getattr(plan, name) != value:
            changed[name] = {"from": _json(getattr(plan, name)), "to": _json(value)}
            setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    if changed:
        _event(plan, PlanEventKind.UPDATED, by, changes=changed)
    return plan


@transaction.atomic
def retention_plan_cancel(*, plan: RetentionPlan, by: User, reason: str) -> RetentionPlan:
    plan = RetentionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({"detail": _("Only active plans can be cancelled.")})
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the plan is cancelled.")})
    plan.status = PlanStatus.CANCELLED
    plan.cancel_reason = reason.strip()[:500]
    plan.save(update_fields=["status", "cancel_reason", "updated_at"])
    _event(plan, PlanEventKind.CANCELLED, by, reason=plan.cancel_reason)
    return plan


def _check_plan_open(plan: RetentionPlan, field: str = "plan") -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError({field: _("The plan is closed: its actions can no longer change.")})


@transaction.atomic
def retention_action_create(
    *,
    plan: RetentionPlan,
    by: User,
    title: str,
    due_on: datetime.date,
    description: str = "",
    status: str = ActionStatus.PLANNED,
    assignee: User | None = None,
) -> RetentionAction:
    plan = RetentionPlan.objects.select_for_update().get(pk=plan.pk)
    _check_plan_open(plan)
    if assignee is not None:
        _check_owner(assignee, "assignee")
    action = RetentionAction(
        plan=plan, title=title, due_on=due_on, description=description, status=status, assignee=assignee
    )
    if status == ActionStatus.DONE:
        action.done_on = _today()
    action.full_clean()
    action.save()
    _event(plan, PlanEventKind.ACTION_ADDED, by, action=action.pk, title=title, due_on=due_on.isoformat())
    return action


ACTION_EDITABLE = ("title", "description", "due_on", "status", "assignee")


@transaction.atomic
def retention_action_update(*, action: RetentionAction, by: User, **fields: Any) -> RetentionAction:
    action = RetentionAction.objects.select_for_update().select_related("plan").get(pk=action.pk)
    _check_plan_open(action.plan, "detail")
    unknown = set(fields) - set(ACTION_EDITABLE)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    if fields.get("assignee") is not None:
        _check_owner(fields["assignee"], "assignee")
    changed = {}
    for name, value in fields.items():
        if getattr(action, name) != value:
            changed[name] = {"from": _json(getattr(action, name)), "to": _json(value)}
            setattr(action, name, value)
    if "status" in changed:
        action.done_on = _today() if action.status == ActionStatus.DONE else None
    action.full_clean()
    action.save()
    if changed:
        _event(action.plan, PlanEventKind.ACTION_UPDATED, by, action=action.pk, changes=changed)
    return action


@transaction.atomic
def retention_action_delete(*, action: RetentionAction, by: User) -> None:
    action = RetentionAction.objects.select_for_update().select_related("plan").get(pk=action.pk)
    _check_plan_open(action.plan, "detail")
    _event(action.plan, PlanEventKind.ACTION_UPDATED, by, action=action.pk, deleted=action.title)
    action.delete()


@transaction.atomic
def plan_note_add(*, plan: RetentionPlan, by: User, body: str) -> PlanNote:
    if not body or not body.strip():
        raise ValidationError({"body": _("Write the note.")})
    note = PlanNote(plan=plan, author=by, body=body.strip())
    note.full_clean()
    note.save()
    _event(plan, PlanEventKind.NOTE_ADDED, by, note=note.pk)
    return note


# --- Configuration ------------------------------------------------------------------------------


@transaction.atomic
def lifecycle_settings_update(*, by: User, **fields: Any) -> LifecycleSettings:
    settings = LifecycleSettings.objects.select_for_update().get_or_create(pk=1)[0]
    for name, value in fields.items():
        setattr(settings, name, value)
    settings.updated_by = by
    settings.full_clean()
    settings.save()
    return settings


@transaction.atomic
def stage_threshold_save(*, by: User, threshold: StageThreshold | None = None, **fields: Any) -> StageThreshold:
    threshold = threshold or StageThreshold()
    for name, value in fields.items():
        setattr(threshold, name, value)
    threshold.full_clean()
    threshold.save()
    return threshold


@transaction.atomic
def stage_playbook_update(*, playbook: StagePlaybook, by: User, **fields: Any) -> StagePlaybook:
    for name, value in fields.items():
        setattr(playbook, name, value)
    playbook.updated_by = by
    playbook.full_clean()
    playbook.save()
    return playbook


def lifecycle_run_request(*, as_of: datetime.date, by: User):
    """Start a run for `as_of` from the API: in a worker when a broker is configured, in this
    process otherwise. Returns the run once it is recorded."""
    from . import tasks

    if as_of > _today():
        raise ValidationError({"as_of": _("A run can only be for today or an earlier day.")})
    run = lifecycle_run_start(as_of=as_of, trigger=RunTrigger.API, by=by)
    transaction.on_commit(lambda: tasks.dispatch_run(run.pk))
    return run
