"""Retention plans for high-risk partners and win-back plans for exited high-value partners."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import ActionStatus, Lever, PlanEventKind, PlanKind, PlanOutcome, PlanStatus, RiskLevel, Stage
from .base import InternalQuerySet


class RetentionPlan(models.Model):
    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="retention_plans", verbose_name=_("partner"))
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.RETENTION)
    lever = models.CharField(_("value lever"), max_length=1, choices=Lever.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="retention_plans", verbose_name=_("owner")
    )
    goal = models.CharField(_("goal"), max_length=300)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    opened_on = models.DateField(_("opened on"))
    review_on = models.DateField(_("review on"), help_text=_("The outcome is measured automatically on this day."))
    start_stage = models.CharField(_("stage at the start"), max_length=1, choices=Stage.choices, blank=True)
    start_risk_level = models.SmallIntegerField(_("risk level at the start"), choices=RiskLevel.choices, null=True, blank=True)
    start_value_score = models.SmallIntegerField(_("value score at the start"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=15, choices=PlanOutcome.choices, default=PlanOutcome.PENDING)
    outcome_on = models.DateField(_("outcome measured on"), null=True, blank=True)
    outcome_detail = models.JSONField(_("outcome figures"), default=dict, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("retention plan")
        verbose_name_plural = _("retention plans")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "kind"], condition=Q(status=PlanStatus.ACTIVE), name="retention_plan_one_active"
            ),
            models.CheckConstraint(condition=Q(review_on__gte=models.F("opened_on")), name="retention_plan_review_after_open"),
        ]
        indexes = [
            models.Index(fields=["status", "review_on"], name="retention_plan_due"),
            models.Index(fields=["owner", "status"], name="retention_plan_owner"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.partner_id} · {self.opened_on}"


class RetentionAction(models.Model):
    partner_lookup = "plan__partner"

    plan = models.ForeignKey(RetentionPlan, models.CASCADE, related_name="actions", verbose_name=_("plan"))
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("details"), blank=True, max_length=2000)
    due_on = models.DateField(_("due"))
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("assignee")
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("retention action")
        verbose_name_plural = _("retention actions")

    def __str__(self):
        return self.title


class PlanNote(models.Model):
    partner_lookup = "plan__partner"

    plan = models.ForeignKey(RetentionPlan, models.CASCADE, related_name="plan_notes", verbose_name=_("plan"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("note"), max_length=4000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("plan note")
        verbose_name_plural = _("plan notes")

    def __str__(self):
        return self.body[:50]


class PlanEvent(models.Model):
    """The plan's audit trail: who did what, when."""

    partner_lookup = "plan__partner"

    plan = models.ForeignKey(RetentionPlan, models.CASCADE, related_name="events", verbose_name=_("plan"))
    kind = models.CharField(_("event"), max_length=20, choices=PlanEventKind.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")
