"""What the nightly job computes: daily snapshots and risk hits (keyed by as-of date), the
current state per partner, stage history, manual overrides and risk-flag episodes.

Amounts in snapshots are integer fen (1/100 CNY, the `_cents` fields): the stage and flag
rules compare them in SQL, and integers compare exactly on SQLite too (its decimals are floats).
The API shows them as Decimal yuan.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import RiskLevel, Severity, Stage, StageChangeSource, StageReason
from .base import InternalQuerySet

STAGE = dict(max_length=1, choices=Stage.choices)


class StageOverride(models.Model):
    """A channel manager's stage for a partner, with a reason, holding until a chosen date."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="stage_overrides", verbose_name=_("partner"))
    stage = models.CharField(_("stage"), **STAGE)
    reason = models.CharField(_("reason"), max_length=500)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("set by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True, help_text=_("Ended early: no longer applies from this day."))
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("ended by")
    )

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("stage override")
        verbose_name_plural = _("stage overrides")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=models.F("valid_from")), name="stage_override_dates"),
        ]
        indexes = [models.Index(fields=["partner", "valid_until"])]

    def __str__(self):
        return f"{self.partner_id} → {self.stage} ({self.valid_from}…{self.valid_until})"

    def active_on(self, day) -> bool:
        return self.valid_from <= day <= self.valid_until and (self.ended_on is None or self.ended_on > day)


class LifecycleSnapshot(models.Model):
    """One partner's figures, stage and score as of one day (recomputed and replaced per chunk)."""

    partner_lookup = "partner"

    # Derived rows, rewritten by the nightly job: no database-level foreign keys (their per-row
    # checks cost more than the insert itself); Django still cascades deletes of partners.
    as_of = models.DateField(_("as of"))
    partner = models.ForeignKey(
        "partners.Partner", models.CASCADE, related_name="lifecycle_snapshots", verbose_name=_("partner"),
        db_constraint=False,
    )
    partner_type = models.ForeignKey(
        "partners.PartnerType", models.DO_NOTHING, related_name="+", verbose_name=_("partner type"), db_constraint=False
    )
    status = models.CharField(_("status on the day"), max_length=20)
    tenure_days = models.IntegerField(_("tenure (days)"))
    first_sale_on = models.DateField(_("first sale"), null=True)
    last_sale_on = models.DateField(_("last sale"), null=True)
    days_since_sale = models.IntegerField(_("days since the last sale"), null=True)
    sales_90d_cents = models.BigIntegerField(_("sales, last 90 days (fen)"))
    sales_prev_90d_cents = models.BigIntegerField(_("sales, the 90 days before (fen)"))
    sales_12m_cents = models.BigIntegerField(_("sales, last 12 months (fen)"))
    products_12m = models.IntegerField(_("products sold, last 12 months"))
    customers_12m = models.IntegerField(_("customers, last 12 months"))
    in_population = models.BooleanField(_("ranked"), help_text=_("Active or suspended on the day: ranked within its type."))
    rule_stage = models.CharField(_("stage by the rules"), **STAGE)
    rule_reason = models.CharField(_("rule"), max_length=30, choices=StageReason.choices)
    stage = models.CharField(_("stage"), **STAGE)
    previous_stage = models.CharField(_("previous stage"), max_length=1, blank=True)
    stage_since = models.DateField(_("in this stage since"))
    override = models.ForeignKey(
        StageOverride, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("override"),
        db_constraint=False,
    )
    growth_score = models.SmallIntegerField(_("growth"))
    breadth_score = models.SmallIntegerField(_("product breadth"))
    customer_score = models.SmallIntegerField(_("customers"))
    tenure_score = models.SmallIntegerField(_("tenure"))
    sales_percentile = models.SmallIntegerField(_("sales percentile within type"), null=True)
    value_score = models.SmallIntegerField(_("value score"), null=True)
    max_severity = models.SmallIntegerField(_("most serious flag"), null=True, choices=Severity.choices)
    previous_risk_level = models.SmallIntegerField(_("previous risk level"), null=True, choices=RiskLevel.choices)
    risk_level = models.SmallIntegerField(_("risk level"), null=True, choices=RiskLevel.choices)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "partner_id"]
        verbose_name = _("lifecycle snapshot")
        verbose_name_plural = _("lifecycle snapshots")
        constraints = [models.UniqueConstraint(fields=["as_of", "partner"], name="snapshot_once_per_day")]
        indexes = [models.Index(fields=["partner", "-as_of"], name="snapshot_partner_day")]

    def __str__(self):
        return f"{self.partner_id} {self.as_of} {self.stage}"


class PartnerLifecycle(models.Model):
    """A partner's current lifecycle state: what lists, filters and the partner page show."""

    partner_lookup = "partner"

    partner = models.OneToOneField(
        "partners.Partner", models.CASCADE, primary_key=True, related_name="lifecycle", verbose_name=_("partner")
    )
    as_of = models.DateField(_("computed as of"))
    stage = models.CharField(_("stage"), **STAGE)
    stage_since = models.DateField(_("in this stage since"))
    rule_stage = models.CharField(_("stage by the rules"), **STAGE)
    rule_reason = models.CharField(_("rule"), max_length=30, choices=StageReason.choices)
    override = models.ForeignKey(StageOverride, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("override"))
    value_score = models.SmallIntegerField(_("value score"))
    sales_percentile = models.SmallIntegerField(_("sales percentile within type"))
    growth_score = models.SmallIntegerField(_("growth"))
    breadth_score = models.SmallIntegerField(_("product breadth"))
    customer_score = models.SmallIntegerField(_("customers"))
    tenure_score = models.SmallIntegerField(_("tenure"))
    sales_12m_cents = models.BigIntegerField(_("sales, last 12 months (fen)"))
    risk_level = models.SmallIntegerField(_("risk level"), choices=RiskLevel.choices)
    max_severity = models.SmallIntegerField(_("most serious flag"), null=True, choices=Severity.choices)
    high_risk_since = models.DateField(_("high-risk since"), null=True)
    last_active_value_score = models.SmallIntegerField(
        _("value score before exit"), null=True, help_text=_("The value score on the last day outside stage E.")
    )
    updated_at = models.DateTimeField(_("updated"))

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["partner_id"]
        verbose_name = _("partner lifecycle")
        verbose_name_plural = _("partner lifecycles")
        indexes = [
            models.Index(fields=["risk_level", "-value_score"], name="lifecycle_risk_value"),
            models.Index(fields=["stage", "-last_active_value_score"], name="lifecycle_stage_value"),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.stage}"


class StageChange(models.Model):
    """One move between stages: from, to, on which day, why, by rule or by whom."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="stage_changes", verbose_name=_("partner"))
    as_of = models.DateField(_("on"))
    from_stage = models.CharField(_("from"), max_length=1, blank=True, choices=Stage.choices)
    to_stage = models.CharField(_("to"), **STAGE)
    source = models.CharField(_("by"), max_length=10, choices=StageChangeSource.choices)
    reason = models.CharField(_("rule"), max_length=30, choices=StageReason.choices)
    note = models.CharField(_("reason given"), max_length=500, blank=True)
    evidence = models.JSONField(_("figures"), default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    override = models.ForeignKey(StageOverride, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("override"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "as_of"], condition=Q(source=StageChangeSource.RULE), name="stage_change_rule_once_per_day"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "as_of"], name="stage_change_partner_day"),
            models.Index(fields=["as_of", "source"], name="stage_change_day_source"),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.as_of}: {self.from_stage or '-'} → {self.to_stage}"


class RiskHit(models.Model):
    """One rule tripped for one partner on one day (recomputed and replaced per chunk)."""

    partner_lookup = "partner"

    as_of = models.DateField(_("as of"))
    partner = models.ForeignKey(
        "partners.Partner", models.CASCADE, related_name="+", verbose_name=_("partner"), db_constraint=False
    )
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.SmallIntegerField(_("severity"), choices=Severity.choices)
    evidence = models.JSONField(_("evidence"), default=dict)

    objects = InternalQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk hit")
        verbose_name_plural = _("risk hits")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "partner", "kind"], name="risk_hit_once_per_day"),
            models.CheckConstraint(condition=Q(severity__gte=1) & Q(severity__lte=3), name="risk_hit_severity_1_3"),
        ]
        indexes = [models.Index(fields=["partner", "kind", "-as_of"], name="risk_hit_partner_kind")]


class RiskFlag(models.Model):
    """An early-warning flag episode: raised on a day, seen while the rule keeps tripping,
    cleared on the first day it no longer does."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="risk_flags", verbose_name=_("partner"))
    kind = models.CharField(_("kind"), max_length=40)
    severity = models.SmallIntegerField(_("severity"), choices=Severity.choices)
    evidence = models.JSONField(_("evidence"), default=dict)
    first_raised_on = models.DateField(_("first raised"))
    last_seen_on = models.DateField(_("last seen"))
    cleared_on = models.DateField(_("cleared"), null=True, blank=True)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_on", "-severity", "kind"]
        verbose_name = _("risk flag")
        verbose_name_plural = _("risk flags")
        constraints = [
            models.UniqueConstraint(fields=["partner", "kind"], condition=Q(cleared_on__isnull=True), name="risk_flag_one_open"),
            models.UniqueConstraint(fields=["partner", "kind", "first_raised_on"], name="risk_flag_episode"),
        ]
        indexes = [
            models.Index(fields=["partner", "cleared_on"], name="risk_flag_partner_open"),
            models.Index(fields=["kind", "cleared_on"], name="risk_flag_kind_open"),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.kind} {self.first_raised_on}"

    @property
    def is_open(self) -> bool:
        return self.cleared_on is None
