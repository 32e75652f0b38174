"""Administrator-editable configuration: thresholds, score weights, stage playbooks.

The defaults below are the documented defaults (see the lifecycle README section in
lifecycle/engine/__init__.py); a data migration creates the rows with them.
"""
from decimal import Decimal

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, gettext_lazy as _

from prm.scoping import ReferenceQuerySet

from ..choices import Stage

PCT = [MinValueValidator(1), MaxValueValidator(100)]
MONEY = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10000000000"))]


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class LifecycleSettings(models.Model):
    """One row (pk=1): value-score weights, risk-flag thresholds, review period, job settings."""

    weight_sales = models.PositiveSmallIntegerField(_("weight: sales percentile"), default=40, validators=[MaxValueValidator(100)])
    weight_growth = models.PositiveSmallIntegerField(_("weight: growth"), default=20, validators=[MaxValueValidator(100)])
    weight_breadth = models.PositiveSmallIntegerField(_("weight: product breadth"), default=15, validators=[MaxValueValidator(100)])
    weight_customers = models.PositiveSmallIntegerField(_("weight: customers"), default=15, validators=[MaxValueValidator(100)])
    weight_tenure = models.PositiveSmallIntegerField(_("weight: tenure"), default=10, validators=[MaxValueValidator(100)])
    breadth_target_products = models.PositiveSmallIntegerField(
        _("products for a full breadth score"), default=5, validators=[MinValueValidator(1)],
        help_text=_("Distinct products sold in the last 12 months that earn 100 points."),
    )
    customers_target = models.PositiveIntegerField(
        _("customers for a full customer score"), default=15, validators=[MinValueValidator(1)],
        help_text=_("Distinct customers in the last 12 months that earn 100 points."),
    )
    tenure_target_days = models.PositiveIntegerField(
        _("tenure for a full tenure score (days)"), default=1095, validators=[MinValueValidator(1)]
    )
    high_value_score = models.PositiveSmallIntegerField(
        _("high-value score"), default=60, validators=[MaxValueValidator(100)],
        help_text=_("A partner scoring this or more is valuable: with a serious flag it is high-risk; "
                    "having scored it before exiting puts it on the win-back list."),
    )
    flag_drop_pct = models.PositiveSmallIntegerField(
        _("sales drop flag (%)"), default=30, validators=PCT,
        help_text=_("Flag when the last 90 days' sales fell by this share or more against the 90 days before."),
    )
    flag_drop_serious_pct = models.PositiveSmallIntegerField(_("serious sales drop (%)"), default=60, validators=PCT)
    flag_drop_min_prior = models.DecimalField(
        _("sales drop flag: minimum prior 90-day sales (CNY)"), max_digits=14, decimal_places=2,
        default=Decimal("10000.00"), validators=MONEY,
    )
    flag_no_sales_days = models.PositiveSmallIntegerField(
        _("no-sales flag (days)"), default=60, validators=[MinValueValidator(1)]
    )
    flag_no_sales_serious_days = models.PositiveSmallIntegerField(
        _("serious no-sales flag (days)"), default=120, validators=[MinValueValidator(1)]
    )
    support_open_days = models.PositiveSmallIntegerField(
        _("support flag: request open longer than (days)"), default=10, validators=[MinValueValidator(1)]
    )
    satisfaction_min = models.PositiveSmallIntegerField(
        _("satisfaction flag: below (0–100)"), default=60, validators=[MaxValueValidator(100)]
    )
    points_expiry_days = models.PositiveSmallIntegerField(
        _("points flag: expiring within (days)"), default=30, validators=[MinValueValidator(1)]
    )
    points_expiry_min_points = models.PositiveIntegerField(_("points flag: at least (points)"), default=1000)
    review_period_days = models.PositiveSmallIntegerField(
        _("retention plan review period (days)"), default=90, validators=[MinValueValidator(7), MaxValueValidator(730)]
    )
    snapshot_retention_days = models.PositiveSmallIntegerField(
        _("keep daily snapshots for (days)"), default=35, validators=[MinValueValidator(2), MaxValueValidator(1000)]
    )
    chunk_size = models.PositiveIntegerField(
        _("partners per job chunk (id range)"), default=5000, validators=[MinValueValidator(100), MaxValueValidator(1_000_000)]
    )
    notify_individually_max = models.PositiveSmallIntegerField(
        _("notify per partner up to"), default=5,
        help_text=_("A channel manager with more partners newly high-risk on one day gets one summary instead."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("lifecycle settings")
        verbose_name_plural = _("lifecycle settings")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="lifecycle_settings_singleton")]

    def __str__(self):
        return str(_("Lifecycle settings"))

    @classmethod
    def load(cls) -> "LifecycleSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj

    @property
    def weights(self) -> dict[str, int]:
        return {
            "sales": self.weight_sales,
            "growth": self.weight_growth,
            "breadth": self.weight_breadth,
            "customers": self.weight_customers,
            "tenure": self.weight_tenure,
        }

    @property
    def flag_drop_min_prior_cents(self) -> int:
        return _cents(self.flag_drop_min_prior)

    def clean(self):
        errors = {}
        if sum(self.weights.values()) <= 0:
            errors["weight_sales"] = _("At least one weight must be above zero.")
        if self.flag_drop_serious_pct < self.flag_drop_pct:
            errors["flag_drop_serious_pct"] = _("The serious drop must be at least the flag's drop.")
        if self.flag_no_sales_serious_days < self.flag_no_sales_days:
            errors["flag_no_sales_serious_days"] = _("The serious limit must be at least the flag's limit.")
        if errors:
            raise ValidationError(errors)

    def as_config(self) -> dict:
        """The values a run used (recorded on the run)."""
        return {
            f.name: (str(getattr(self, f.name)) if isinstance(getattr(self, f.name), Decimal) else getattr(self, f.name))
            for f in self._meta.concrete_fields
            if f.name not in ("id", "updated_at", "updated_by")
        }


class StageThreshold(models.Model):
    """Stage rule thresholds for one partner type; the row without a type is the default."""

    partner_type = models.ForeignKey(
        "partners.PartnerType", models.CASCADE, null=True, blank=True, related_name="+",
        verbose_name=_("partner type"), help_text=_("Empty: the default for types without their own row."),
    )
    never_sold_exit_days = models.PositiveIntegerField(
        _("E: no first sale after joining for (days)"), default=365, validators=[MinValueValidator(1)]
    )
    exit_inactive_days = models.PositiveIntegerField(
        _("E: no sale for (days)"), default=365, validators=[MinValueValidator(1)]
    )
    decline_inactive_days = models.PositiveIntegerField(
        _("D: no sale for (days)"), default=120, validators=[MinValueValidator(1)]
    )
    decline_drop_pct = models.PositiveSmallIntegerField(
        _("D: 90-day sales drop (%)"), default=50, validators=PCT,
        help_text=_("Last 90 days' sales fell by this share or more against the 90 days before."),
    )
    decline_min_prior_sales = models.DecimalField(
        _("D: drop rule applies from prior 90-day sales of (CNY)"), max_digits=14, decimal_places=2,
        default=Decimal("20000.00"), validators=MONEY,
    )
    maturity_sales_12m = models.DecimalField(
        _("C: trailing-12-month sales of at least (CNY)"), max_digits=14, decimal_places=2,
        default=Decimal("300000.00"), validators=MONEY,
    )
    maturity_min_tenure_days = models.PositiveIntegerField(_("C: tenure of at least (days)"), default=365)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = [Coalesce("partner_type_id", Value(0))]
        verbose_name = _("stage thresholds")
        verbose_name_plural = _("stage thresholds")
        constraints = [
            models.UniqueConstraint(Coalesce("partner_type", Value(0)), name="stage_threshold_one_per_type"),
        ]

    def __str__(self):
        return str(self.partner_type) if self.partner_type_id else str(_("Default"))

    def clean(self):
        if self.decline_inactive_days is not None and self.exit_inactive_days is not None:
            if self.decline_inactive_days >= self.exit_inactive_days:
                raise ValidationError({"decline_inactive_days": _("The decline limit must be shorter than the exit limit.")})

    def as_rule_values(self) -> dict:
        """Thresholds in the units the SQL compares: days, percent, and fen (integer cents)."""
        return {
            "never_sold_exit_days": self.never_sold_exit_days,
            "exit_inactive_days": self.exit_inactive_days,
            "decline_inactive_days": self.decline_inactive_days,
            "decline_drop_pct": self.decline_drop_pct,
            "decline_min_prior_cents": _cents(self.decline_min_prior_sales),
            "maturity_12m_cents": _cents(self.maturity_sales_12m),
            "maturity_min_tenure_days": self.maturity_min_tenure_days,
        }


class StagePlaybook(models.Model):
    """For each stage: the question management must answer there, and recommended actions."""

    stage = models.CharField(_("stage"), max_length=1, choices=Stage.choices, unique=True)
    question_en = models.CharField(_("management question (English)"), max_length=300)
    question_zh = models.CharField(_("management question (Chinese)"), max_length=300)
    actions_en = models.TextField(_("recommended actions (English)"), max_length=4000, help_text=_("One action per line."))
    actions_zh = models.TextField(_("recommended actions (Chinese)"), max_length=4000, help_text=_("One action per line."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["stage"]
        verbose_name = _("stage playbook")
        verbose_name_plural = _("stage playbooks")

    def __str__(self):
        return self.get_stage_display()

    @staticmethod
    def _zh() -> bool:
        return (get_language() or "").startswith("zh")

    @property
    def question(self) -> str:
        return self.question_zh if self._zh() and self.question_zh else self.question_en

    @property
    def actions(self) -> list[str]:
        text = self.actions_zh if self._zh() and self.actions_zh else self.actions_en
        return [line.strip() for line in text.splitlines() if line.strip()]
