"""Loyalty points and tiers.

The ledger is append-only: an entry's points never change once written. Entries with positive
points that can be spent (earn, bonus, positive adjust, release) are *lots*: they carry an
expiry date and a `remaining` amount. Spending, expiring and reversing are debits; which lots a
debit consumed is recorded in `LotAllocation` rows (also append-only), and a lot's `remaining`
is derived bookkeeping (points minus its allocations) kept on the row for speed. A debit that
found too few lots (a refund after the points were spent) keeps the uncovered part in
`unsettled` until later earnings settle it; the balance is negative meanwhile.

`PointsBalance` is one row per partner, updated in the same transaction as every entry, and
rebuildable from the ledger (`manage.py loyalty_balances --fix`).
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext_lazy as _

from partners.choices import ProductType, Role, Tier
from partners.models import BilingualName
from prm.scoping import CHANGE, VIEW, ScopedQuerySet, _role

from .choices import (
    EntryKind,
    RedemptionStatus,
    ReviewDirection,
    ReviewStatus,
    RewardCategory,
    RuleKind,
    RunStatus,
    SourceType,
)


class ProgrammeQuerySet(models.QuerySet):
    """Programme set-up (rules, tiers, rewards): every signed-in user reads it; administrators
    and product managers (who run the programme) change it."""

    def visible_to(self, user, action=VIEW):
        role = _role(user)
        if role is None:
            return self.none()
        if action == VIEW or role in (Role.ADMIN, Role.PRODUCT_MANAGER):
            return self
        return self.none()


class StaffQuerySet(models.QuerySet):
    """Operator-internal rows (job runs): staff roles read, nobody changes through the API."""

    def visible_to(self, user, action=VIEW):
        role = _role(user)
        if role in (Role.ADMIN, Role.PRODUCT_MANAGER, Role.CHANNEL_MANAGER) and action == VIEW:
            return self
        return self.none()


class Bilingual(BilingualName):
    """partners.BilingualName (label in the active language) with this app's column sizes."""

    name = models.CharField(_("name (English)"), max_length=120)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)

    class Meta:
        abstract = True


class TierLevel(models.Model):
    """What a certification tier requires, and how it multiplies base earnings.

    A partner qualifies for the highest tier whose every requirement it meets: qualifying points
    earned in the rolling 12-month window at least `min_points`, and each non-points
    prerequisite met. Each level states its full requirements (gold repeats certified's).
    """

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, unique=True)
    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    min_points = models.PositiveIntegerField(_("qualifying points (12 months)"), default=0)
    min_trained_people = models.PositiveSmallIntegerField(_("trained people at least"), default=0)
    max_open_compliance_issues = models.PositiveSmallIntegerField(
        _("open compliance issues at most"), null=True, blank=True, help_text=_("Empty: not a requirement.")
    )
    min_active_customers = models.PositiveIntegerField(_("active customers (12 months) at least"), default=0)
    earn_multiplier_pct = models.PositiveSmallIntegerField(
        _("earning multiplier (%)"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("Base points are multiplied by this percentage: 125 earns a quarter more."),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]
        verbose_name = _("tier level")
        verbose_name_plural = _("tier levels")

    def __str__(self):
        return self.get_tier_display()


class EarningRule(Bilingual):
    """Points per amount for sales matching product / product type / partner type.

    Base rules: each sale earns from the single most specific base rule valid on its sale date
    (product beats product type beats partner type; then higher priority; then lower id).
    Promotions: every matching promotion valid on the sale date adds a bonus, capped per sale
    and per partner over the promotion. Editing a rule never touches points already credited.
    """

    kind = models.CharField(_("kind"), max_length=12, choices=RuleKind.choices, default=RuleKind.BASE)
    product = models.ForeignKey(
        "partners.Product", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("product")
    )
    product_type = models.CharField(_("product type"), max_length=20, choices=ProductType.choices, blank=True)
    partner_type = models.ForeignKey(
        "partners.PartnerType", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("partner type")
    )
    points = models.PositiveIntegerField(_("points"), validators=[MinValueValidator(1), MaxValueValidator(10000)])
    per_amount = models.DecimalField(
        _("per amount (CNY)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(1000000)],
        help_text=_("Points are earned for every full step of this amount."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    priority = models.SmallIntegerField(_("priority"), default=0)
    cap_per_sale = models.PositiveIntegerField(_("cap per sale"), null=True, blank=True)
    cap_per_partner = models.PositiveIntegerField(
        _("cap per partner"), null=True, blank=True, help_text=_("Promotions: the most one partner can earn from it.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-priority", "id"]
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_to__isnull=True) | Q(valid_from__lte=models.F("valid_to")),
                name="loyalty_rule_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind=RuleKind.PROMOTION) | (Q(valid_from__isnull=False) & Q(valid_to__isnull=False)),
                name="loyalty_promotion_dated",
            ),
        ]

    @property
    def specificity(self) -> int:
        return (4 if self.product_id else 0) + (2 if self.product_type else 0) + (1 if self.partner_type_id else 0)


class PointsBalance(models.Model):
    """A partner's balance (kept in step with the ledger) and its latest tier evaluation."""

    partner_lookup = "partner"

    partner = models.OneToOneField(
        "partners.Partner", models.CASCADE, primary_key=True, related_name="points_balance", verbose_name=_("partner")
    )
    points = models.IntegerField(_("balance"), default=0)
    qualifying_points = models.IntegerField(_("qualifying points (12 months)"), default=0)
    active_customers = models.PositiveIntegerField(_("active customers (12 months)"), default=0)
    trained_people = models.PositiveIntegerField(_("trained people"), default=0)
    open_compliance_issues = models.PositiveIntegerField(_("open compliance issues"), default=0)
    qualified_tier = models.CharField(_("qualified tier"), max_length=20, choices=Tier.choices, blank=True)
    evaluated_on = models.DateField(_("evaluated on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["partner_id"]
        verbose_name = _("points balance")
        verbose_name_plural = _("points balances")
        indexes = [models.Index(fields=["-points"], name="loyalty_balance_points")]

    def __str__(self):
        return f"{self.partner_id}: {self.points}"


class LedgerEntryQuerySet(ScopedQuerySet):
    def lots(self):
        return self.filter(remaining__isnull=False)

    def spendable(self, on_date):
        return self.filter(remaining__gt=0, expires_on__gte=on_date)


class LedgerEntry(models.Model):
    """One append-only line of a partner's points ledger."""

    partner_lookup = "partner"

    partner = models.ForeignKey(
        "partners.Partner", models.PROTECT, related_name="+", db_index=False, verbose_name=_("partner")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    points = models.IntegerField(_("points"))
    source_type = models.CharField(_("source type"), max_length=12, choices=SourceType.choices)
    source_id = models.BigIntegerField(_("source id"))
    rule_key = models.BigIntegerField(
        _("rule key"), default=0, help_text=_("The promotion of a bonus; 0 for every other entry.")
    )
    rule = models.ForeignKey(
        EarningRule, models.PROTECT, null=True, blank=True, related_name="+", db_constraint=False,
        db_index=False, verbose_name=_("earning rule"),
    )
    effective_on = models.DateField(_("business date"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    remaining = models.IntegerField(_("remaining"), null=True, blank=True)
    unsettled = models.IntegerField(_("unsettled"), default=0)
    amount = models.DecimalField(_("sale amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    chunk = models.ForeignKey(
        "AccrualChunk", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
        db_constraint=False, verbose_name=_("job chunk"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # The database, not the code, guarantees a sale is credited (and reversed) once.
            models.UniqueConstraint(fields=["source_type", "source_id", "rule_key", "kind"], name="loyalty_entry_once"),
            models.CheckConstraint(condition=~Q(points=0), name="loyalty_entry_nonzero"),
            models.CheckConstraint(
                condition=Q(remaining__isnull=True) | (Q(remaining__gte=0) & Q(remaining__lte=models.F("points"))),
                name="loyalty_lot_remaining_in_range",
            ),
            models.CheckConstraint(condition=Q(unsettled__gte=0), name="loyalty_unsettled_nonnegative"),
        ]
        indexes = [
            models.Index(fields=["partner", "-id"], name="loyalty_entry_partner"),
            models.Index(fields=["partner", "effective_on"], name="loyalty_entry_partner_date"),
            models.Index(
                fields=["partner", "expires_on", "id"], condition=Q(remaining__gt=0), name="loyalty_open_lots"
            ),
            models.Index(fields=["partner", "id"], condition=Q(unsettled__gt=0), name="loyalty_unsettled"),
        ]

    def __str__(self):
        return f"{self.partner_id} {self.kind} {self.points:+d}"

    @property
    def is_lot(self):
        return self.remaining is not None


class LotAllocation(models.Model):
    """Which lot a debit (redeem, expire, reverse, negative adjust) took how many points from."""

    debit = models.ForeignKey(LedgerEntry, models.PROTECT, related_name="allocations", db_index=False)
    lot = models.ForeignKey(LedgerEntry, models.PROTECT, related_name="consumed_by")
    points = models.PositiveIntegerField()
    chunk = models.ForeignKey(
        "AccrualChunk", models.SET_NULL, null=True, blank=True, related_name="+", db_index=False, db_constraint=False
    )

    class Meta:
        verbose_name = _("lot allocation")
        verbose_name_plural = _("lot allocations")
        constraints = [
            models.UniqueConstraint(fields=["debit", "lot"], name="loyalty_allocation_once"),
            models.CheckConstraint(condition=Q(points__gt=0), name="loyalty_allocation_positive"),
        ]


class PointsAdjustment(models.Model):
    """A manual adjustment by staff, with its reason (the source of an `adjust` entry)."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.PROTECT, related_name="+", verbose_name=_("partner"))
    points = models.IntegerField(_("points"))
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("points adjustment")
        verbose_name_plural = _("points adjustments")


class Reward(Bilingual):
    """A benefit in the catalogue, redeemable for points by partners of the allowed tiers."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=RewardCategory.choices)
    description = models.TextField(_("description (English)"), blank=True, max_length=2000)
    description_zh = models.TextField(_("description (Chinese)"), blank=True, max_length=2000)
    cost_points = models.PositiveIntegerField(_("cost in points"), validators=[MinValueValidator(1)])
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True, help_text=_("Empty: unlimited."))
    min_tier = models.CharField(
        _("lowest tier that may redeem"), max_length=20, choices=Tier.choices, default=Tier.REGISTERED
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "cost_points", "code"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")

    @property
    def description_label(self):
        zh = (get_language() or "").startswith("zh")
        return self.description_zh if zh and self.description_zh else self.description


class Redemption(models.Model):
    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.PROTECT, related_name="+", verbose_name=_("partner"))
    reward = models.ForeignKey(Reward, models.PROTECT, related_name="redemptions", verbose_name=_("reward"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    points = models.PositiveIntegerField(_("points"))
    status = models.CharField(
        _("status"), max_length=12, choices=RedemptionStatus.choices, default=RedemptionStatus.PENDING
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        indexes = [models.Index(fields=["status", "-requested_at"]), models.Index(fields=["partner", "-requested_at"])]

    def __str__(self):
        return f"{self.partner_id} {self.reward_id} {self.status}"


class TrainedPerson(models.Model):
    """Someone at the partner who completed the operator's training (a tier prerequisite)."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="+", verbose_name=_("partner"))
    name = models.CharField(_("name"), max_length=100)
    course = models.CharField(_("course"), max_length=200)
    trained_on = models.DateField(_("trained on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-trained_on", "-id"]
        verbose_name = _("trained person")
        verbose_name_plural = _("trained people")
        indexes = [models.Index(fields=["partner", "trained_on"])]


class ComplianceIssue(models.Model):
    """A regulation/compliance issue (规范) raised against a partner; open ones block tiers."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="+", verbose_name=_("partner"))
    summary = models.CharField(_("summary"), max_length=300)
    opened_on = models.DateField(_("opened on"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("raised by")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("compliance issue")
        verbose_name_plural = _("compliance issues")
        indexes = [models.Index(fields=["partner", "opened_on"])]


class TierReviewQuerySet(ScopedQuerySet):
    """Tier reviews are the operator's internal work: product managers (and administrators)
    decide them; channel managers and integrations read; partner users see none."""

    def visible_to(self, user, action=VIEW):
        role = _role(user)
        if role in (Role.ADMIN, Role.PRODUCT_MANAGER):
            return self
        if role in (Role.CHANNEL_MANAGER, Role.INTEGRATION) and action == VIEW:
            return self
        return self.none()


class TierReview(models.Model):
    """A difference between a partner's tier and the tier it qualifies for, awaiting a decision."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="+", verbose_name=_("partner"))
    from_tier = models.CharField(_("current tier"), max_length=20, choices=Tier.choices)
    to_tier = models.CharField(_("qualified tier"), max_length=20, choices=Tier.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=ReviewDirection.choices)
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    opened_on = models.DateField(_("opened on"))
    eligible_on = models.DateField(
        _("may be approved from"), help_text=_("Upgrades at once; downgrades after the grace period.")
    )
    last_evaluated_on = models.DateField(_("last evaluated on"))
    window_start = models.DateField(_("window start (exclusive)"))
    window_end = models.DateField(_("window end"))
    qualifying_points = models.IntegerField(_("qualifying points"))
    active_customers = models.PositiveIntegerField(_("active customers"))
    trained_people = models.PositiveIntegerField(_("trained people"))
    open_compliance_issues = models.PositiveIntegerField(_("open compliance issues"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TierReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("tier review")
        verbose_name_plural = _("tier reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=Q(status=ReviewStatus.PENDING), name="loyalty_one_pending_review"
            ),
        ]
        indexes = [models.Index(fields=["status", "eligible_on"]), models.Index(fields=["partner", "-opened_on"])]

    def __str__(self):
        return f"{self.partner_id}: {self.from_tier} → {self.to_tier} ({self.status})"


class AccrualRun(models.Model):
    """One run of the nightly loyalty job for a business date."""

    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    chunk_size = models.PositiveIntegerField(_("chunk size"))
    chunks_total = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    earned = models.PositiveIntegerField(_("sales credited"), default=0)
    bonuses = models.PositiveIntegerField(_("bonuses"), default=0)
    reversed = models.PositiveIntegerField(_("sales reversed"), default=0)
    expired = models.PositiveIntegerField(_("lots expired"), default=0)
    warned = models.PositiveIntegerField(_("expiry warnings"), default=0)
    reviews_opened = models.PositiveIntegerField(_("tier reviews opened"), default=0)
    reviews_lapsed = models.PositiveIntegerField(_("tier reviews lapsed"), default=0)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = StaffQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("loyalty job run")
        verbose_name_plural = _("loyalty job runs")


class AccrualChunk(models.Model):
    """One partner-id range of a run; its entries are tagged with it (balance deltas)."""

    run = models.ForeignKey(AccrualRun, models.CASCADE, related_name="chunks")
    partner_id_from = models.BigIntegerField()
    partner_id_to = models.BigIntegerField(help_text="exclusive")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "partner_id_from"]


class ExpiryWarning(models.Model):
    """Partners are warned once per expiry date (lots expire at month ends, so once a month)."""

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="+")
    expires_on = models.DateField()
    points = models.PositiveIntegerField()
    chunk = models.ForeignKey(AccrualChunk, models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "expires_on"], name="loyalty_warn_once")]
