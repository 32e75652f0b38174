"""Every nightly job run and its chunks, visible to administrators."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import RunMode, RunStatus, RunTrigger
from .base import AdminOnlyQuerySet

COUNTERS = ("partners", "stage_changes", "flags_raised", "flags_cleared")


class LifecycleRun(models.Model):
    partner_lookup = None

    as_of = models.DateField(_("as of"))
    mode = models.CharField(_("mode"), max_length=10, choices=RunMode.choices, default=RunMode.FORWARD)
    trigger = models.CharField(_("started by"), max_length=10, choices=RunTrigger.choices, default=RunTrigger.SCHEDULE)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    chunk_size = models.PositiveIntegerField(_("chunk size"))
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    partners = models.PositiveIntegerField(_("partners"), default=0)
    stage_changes = models.PositiveIntegerField(_("stage changes"), default=0)
    flags_raised = models.PositiveIntegerField(_("flags raised"), default=0)
    flags_cleared = models.PositiveIntegerField(_("flags cleared"), default=0)
    new_high_risk = models.PositiveIntegerField(_("newly high-risk"), default=0)
    plans_reviewed = models.PositiveIntegerField(_("plans reviewed"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    config = models.JSONField(_("thresholds used"), default=dict, blank=True)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("lifecycle job run")
        verbose_name_plural = _("lifecycle job runs")
        indexes = [models.Index(fields=["status", "mode", "-as_of"], name="lifecycle_run_latest")]

    def __str__(self):
        return f"{self.as_of} {self.get_status_display()}"


class LifecycleRunChunk(models.Model):
    partner_lookup = None

    run = models.ForeignKey(LifecycleRun, models.CASCADE, related_name="chunks", verbose_name=_("run"))
    partner_lo = models.BigIntegerField(_("first partner id"))
    partner_hi = models.BigIntegerField(_("last partner id"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    partners = models.PositiveIntegerField(_("partners"), default=0)
    stage_changes = models.PositiveIntegerField(_("stage changes"), default=0)
    flags_raised = models.PositiveIntegerField(_("flags raised"), default=0)
    flags_cleared = models.PositiveIntegerField(_("flags cleared"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["run", "partner_lo"]
        verbose_name = _("job run chunk")
        verbose_name_plural = _("job run chunks")
        constraints = [models.UniqueConstraint(fields=["run", "partner_lo"], name="run_chunk_once")]
