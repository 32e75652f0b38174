"""The three-contradictions dashboard's prepared figures: one row per indicator and day, written
by the nightly indicator job (lifecycle.indicator_job), and the job's runs.

The dashboard and its API read only these rows, so they answer in one or two queries however
many partners there are. Indicators are registered in code (lifecycle.indicators); a snapshot
keeps the key only, so an indicator removed from the code leaves its history behind, unshown.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from .base import InternalQuerySet


class IndicatorSnapshot(models.Model):
    """One indicator's value as of one day (recomputed and replaced per key and day)."""

    partner_lookup = None

    key = models.CharField(_("indicator"), max_length=64)
    as_of = models.DateField(_("as of"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.BigIntegerField(_("numerator"), null=True, blank=True)
    denominator = models.BigIntegerField(_("denominator"), null=True, blank=True)
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-as_of"]
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        constraints = [models.UniqueConstraint(fields=["key", "as_of"], name="indicator_snapshot_once_per_day")]
        indexes = [models.Index(fields=["as_of"], name="indicator_snapshot_day")]

    def __str__(self):
        return f"{self.key} {self.as_of} {self.value}"


class IndicatorRunStatus(models.TextChoices):
    RUNNING = "running", pgettext_lazy("job run", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("job run", "Succeeded")
    PARTIAL = "partial", pgettext_lazy("job run", "Partly failed")
    FAILED = "failed", pgettext_lazy("job run", "Failed")


class IndicatorRun(models.Model):
    """One computation of every registered indicator for one day."""

    partner_lookup = None

    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=10, choices=IndicatorRunStatus.choices,
                              default=IndicatorRunStatus.RUNNING)
    computed = models.PositiveIntegerField(_("indicators computed"), default=0)
    failed = models.PositiveIntegerField(_("indicators failed"), default=0)
    errors = models.JSONField(_("errors"), default=dict, blank=True, help_text=_("Indicator key → error."))
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("indicator job run")
        verbose_name_plural = _("indicator job runs")

    def __str__(self):
        return f"{self.as_of} {self.get_status_display()}"
