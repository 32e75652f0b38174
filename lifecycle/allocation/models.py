"""Resource allocation balance model (资源分配平衡模型): configuration and prepared figures.

Configuration (administrators and product managers edit it):
    AllocationSettings   one row: the grid (band boundaries per axis, cell → segment numbering),
                         the segment priority with the budget share per priority rank, and the
                         parameters of the built-in measures
    AllocationWeight     the weight of each measure on each axis
    CityMarketPotential  market potential per city branch, 0–100

Prepared by the nightly job (lifecycle.allocation.engine), set-based, chunked by partner id:
    MeasureValue         each partner's score per measure (latest run only)
    PartnerAllocation    each partner's attractiveness, capability fit, bands and segment
    SegmentCount         partners per segment × city × type × tier per day: the grid reads this
                         small table; month-end days are kept as the monthly history
"""
from django.conf import settings as django_settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.choices import Tier
from prm.scoping import ReferenceQuerySet

from lifecycle.models.base import InternalQuerySet

from .choices import Axis

SCORE = [MinValueValidator(0), MaxValueValidator(100)]

DEFAULT_ATTRACTIVENESS_BOUNDS = [50]
DEFAULT_FIT_BOUNDS = [34, 67]
# segments[attractiveness band][fit band], bands counted from low (0) to high:
#   high attractiveness:  fit low 3 · medium 2 · high 1
#   low attractiveness:   fit low 6 · medium 5 · high 4
DEFAULT_SEGMENTS = [[6, 5, 4], [3, 2, 1]]
DEFAULT_PRIORITY = [2, 1, 4, 3, 5, 6]
DEFAULT_RANK_SHARES = [50, 30, 20, 0, 0, 0]



def default_attractiveness_bounds():
    return list(DEFAULT_ATTRACTIVENESS_BOUNDS)


def default_fit_bounds():
    return list(DEFAULT_FIT_BOUNDS)


def default_segments():
    return [list(row) for row in DEFAULT_SEGMENTS]


def default_priority():
    return list(DEFAULT_PRIORITY)


def default_rank_shares():
    return list(DEFAULT_RANK_SHARES)


class AllocationSettings(models.Model):
    """One row (pk=1): grid, priority, budget shares and the built-in measures' parameters."""

    attractiveness_bounds = models.JSONField(
        _("attractiveness band boundaries"), default=default_attractiveness_bounds,
        help_text=_("Ascending scores where a higher band starts; a score equal to a boundary is in the higher band."),
    )
    fit_bounds = models.JSONField(
        _("capability fit band boundaries"), default=default_fit_bounds,
        help_text=_("Ascending scores where a higher band starts; a score equal to a boundary is in the higher band."),
    )
    segments = models.JSONField(
        _("segment numbering"), default=default_segments,
        help_text=_("The segment of each cell: one row per attractiveness band (low to high), "
                    "one number per capability fit band (low to high)."),
    )
    priority = models.JSONField(_("segment priority"), default=default_priority,
                                help_text=_("Every segment once, most favoured first."))
    rank_shares = models.JSONField(
        _("budget share per priority rank (%)"), default=default_rank_shares,
        help_text=_("The share of a resource budget each priority rank receives; they add up to 100."),
    )
    tier_points_registered = models.PositiveSmallIntegerField(_("points: registered partner"), default=20, validators=SCORE)
    tier_points_certified = models.PositiveSmallIntegerField(_("points: certified partner"), default=60, validators=SCORE)
    tier_points_gold = models.PositiveSmallIntegerField(_("points: gold certified partner"), default=100, validators=SCORE)
    trained_people_target = models.PositiveSmallIntegerField(
        _("trained people for full points"), default=5, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    trained_people_share = models.PositiveSmallIntegerField(
        _("share of trained people in the certification measure (%)"), default=40, validators=SCORE
    )
    ticket_window_days = models.PositiveSmallIntegerField(
        _("support requests counted (days)"), default=365, validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    chunk_size = models.PositiveIntegerField(
        _("partners per chunk"), default=5000, validators=[MinValueValidator(100), MaxValueValidator(100000)]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("updated by")
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("allocation settings")
        verbose_name_plural = _("allocation settings")

    def __str__(self):
        return str(_("Resource allocation settings"))

    @classmethod
    def load(cls) -> "AllocationSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class AllocationWeight(models.Model):
    """How much one measure counts on one axis (weights ≥ 0; an axis score is the weighted mean)."""

    axis = models.CharField(_("axis"), max_length=20, choices=Axis.choices)
    measure = models.CharField(_("measure"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MaxValueValidator(1000)])

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["axis", "-weight", "measure"]
        verbose_name = _("allocation weight")
        verbose_name_plural = _("allocation weights")
        constraints = [models.UniqueConstraint(fields=["axis", "measure"], name="allocation_weight_once")]

    def __str__(self):
        return f"{self.axis}: {self.measure} × {self.weight}"


class CityMarketPotential(models.Model):
    """The market potential of one city branch's territory, 0–100 (editable)."""

    city = models.OneToOneField(
        "partners.CityBranch", models.CASCADE, primary_key=True, related_name="market_potential", verbose_name=_("city branch")
    )
    score = models.PositiveSmallIntegerField(_("market potential"), validators=SCORE)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "city_id"]
        verbose_name = _("city market potential")
        verbose_name_plural = _("city market potentials")
        constraints = [models.CheckConstraint(condition=Q(score__lte=100), name="market_potential_0_100")]

    def __str__(self):
        return f"{self.city_id}: {self.score}"


class MeasureValue(models.Model):
    """One partner's score on one measure, from the latest run (rewritten per chunk)."""

    partner_lookup = "partner"

    partner = models.ForeignKey(
        "partners.Partner", models.CASCADE, related_name="+", verbose_name=_("partner"), db_constraint=False
    )
    measure = models.CharField(_("measure"), max_length=40)
    as_of = models.DateField(_("as of"))
    score = models.SmallIntegerField(_("score"))

    objects = InternalQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure value")
        verbose_name_plural = _("measure values")
        constraints = [models.UniqueConstraint(fields=["partner", "measure"], name="measure_value_once")]


class PartnerAllocation(models.Model):
    """A partner's place on the grid (from the latest run; re-derived at once when the weights
    or the grid change)."""

    partner_lookup = "partner"

    partner = models.OneToOneField(
        "partners.Partner", models.CASCADE, primary_key=True, related_name="allocation", verbose_name=_("partner"),
        db_constraint=False,
    )
    as_of = models.DateField(_("computed as of"))
    city = models.ForeignKey("partners.CityBranch", models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name=_("city branch"))
    partner_type = models.ForeignKey("partners.PartnerType", models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name=_("partner type"))
    tier = models.CharField(_("certification tier"), max_length=20, choices=Tier.choices)
    attractiveness = models.SmallIntegerField(_("intrinsic attractiveness"), default=0)
    fit = models.SmallIntegerField(_("capability fit"), default=0)
    attractiveness_band = models.SmallIntegerField(_("attractiveness band"), default=0)
    fit_band = models.SmallIntegerField(_("capability fit band"), default=0)
    segment = models.SmallIntegerField(_("segment"), default=0)

    objects = InternalQuerySet.as_manager()

    class Meta:
        ordering = ["segment", "-attractiveness", "-fit", "partner_id"]
        verbose_name = _("partner allocation")
        verbose_name_plural = _("partner allocations")
        indexes = [models.Index(fields=["segment", "-attractiveness", "-fit", "partner"], name="allocation_segment_rank")]

    def __str__(self):
        return f"{self.partner_id}: {self.segment}"


class SegmentCount(models.Model):
    """Partners of one segment, city, type and tier on one day: what the grid sums."""

    as_of = models.DateField(_("as of"))
    segment = models.SmallIntegerField(_("segment"))
    attractiveness_band = models.SmallIntegerField(_("attractiveness band"))
    fit_band = models.SmallIntegerField(_("capability fit band"))
    city = models.ForeignKey("partners.CityBranch", models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name=_("city branch"))
    partner_type = models.ForeignKey("partners.PartnerType", models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name=_("partner type"))
    tier = models.CharField(_("certification tier"), max_length=20, choices=Tier.choices)
    partners = models.IntegerField(_("partners"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "segment"]
        verbose_name = _("segment count")
        verbose_name_plural = _("segment counts")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "segment", "attractiveness_band", "fit_band", "city", "partner_type", "tier"],
                name="segment_count_once",
            )
        ]


class AllocationChange(models.Model):
    """An edit of the allocation configuration (weights, grid, market potential): who, when, what."""

    what = models.CharField(_("what"), max_length=30)
    before = models.JSONField(_("before"), default=dict)
    after = models.JSONField(_("after"), default=dict)
    changed_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("allocation change")
        verbose_name_plural = _("allocation changes")
