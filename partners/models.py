import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _

from prm.scoping import ReferenceQuerySet, ScopedQuerySet

from .choices import (
    CooperationModel,
    CustomerClass,
    PartnerStatus,
    ProductType,
    Role,
    SaleStatus,
    Tier,
    TrackedField,
)

CODE_VALIDATOR = RegexValidator(r"^[A-Z0-9]+$", _("Use capital letters and digits only."))
MAX_SALE_AMOUNT = Decimal("100000000.00")  # 100 million CNY: anything larger is a typo
EARLIEST_SALE_DATE = datetime.date(2000, 1, 1)  # the operator's partner programme is younger than this


def validate_sale_date(value: datetime.date) -> None:
    """A sale date is plausible: not before the programme's records begin and not in the future
    (one day of grace, for source systems whose clocks run ahead of Asia/Shanghai's midnight)."""
    if value < EARLIEST_SALE_DATE:
        raise ValidationError(
            _("A sale date before %(earliest)s is not plausible."), code="too_early",
            params={"earliest": EARLIEST_SALE_DATE.isoformat()},
        )
    latest = timezone.localdate() + datetime.timedelta(days=1)
    if value > latest:
        raise ValidationError(_("A sale cannot be dated in the future."), code="future")


def full_name(first: str, last: str) -> str:
    """Chinese names read family name first, with no space (王磊); others given name first."""
    first, last = (first or "").strip(), (last or "").strip()
    if any("\u4e00" <= ch <= "\u9fff" for ch in first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def user_label(first: str, last: str, username: str) -> str:
    """How a user is named across the portal and the API: "王磊 (wanglei)"."""
    full = full_name(first, last)
    return f"{full} ({username})" if full else username


class BilingualName(models.Model):
    """Reference rows carry an English and a Chinese name; `label` follows the active language."""

    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)

    class Meta:
        abstract = True

    @property
    def label(self):
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name

    def __str__(self):
        return self.label


class CityBranch(BilingualName):
    """A prefecture/city branch of the operator (地、市公司)."""

    code = models.CharField(_("code"), max_length=4, unique=True, validators=[CODE_VALIDATOR])
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("city branch")
        verbose_name_plural = _("city branches")


class PartnerType(BilingualName):
    """SA, ISV, SI are the core types; administrators may add others (OEM, distributor, …)."""

    code = models.CharField(_("code"), max_length=4, unique=True, validators=[CODE_VALIDATOR])
    is_core = models.BooleanField(_("core type"), default=False)
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-is_core", "code"]
        verbose_name = _("partner type")
        verbose_name_plural = _("partner types")


class Product(BilingualName):
    code = models.CharField(_("code"), max_length=20, unique=True, validators=[CODE_VALIDATOR])
    product_type = models.CharField(_("product type"), max_length=20, choices=ProductType.choices)
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")


class Partner(models.Model):
    """A partner organisation (合作伙伴)."""

    partner_lookup = ""

    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    partner_type = models.ForeignKey(
        PartnerType, models.PROTECT, related_name="partners", verbose_name=_("partner type")
    )
    cooperation_model = models.CharField(_("cooperation model"), max_length=30, choices=CooperationModel.choices)
    tier = models.CharField(_("certification tier"), max_length=20, choices=Tier.choices, default=Tier.REGISTERED)
    city = models.ForeignKey(CityBranch, models.PROTECT, related_name="partners", verbose_name=_("city branch"))
    status = models.CharField(_("status"), max_length=20, choices=PartnerStatus.choices, default=PartnerStatus.PROSPECT)
    joined_on = models.DateField(_("join date"))
    channel_manager = models.ForeignKey(
        "User",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_partners",
        limit_choices_to={"role": Role.CHANNEL_MANAGER},
        verbose_name=_("channel manager"),
    )
    customer_classes = models.CharField(
        _("customer classes served"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^A?B?C?$", _("Customer classes are A, B and C, each at most once."))],
        help_text=_("Letters of the classes served, in order: e.g. 'BC'."),
    )
    authorised_products = models.ManyToManyField(
        Product, blank=True, related_name="authorised_partners", verbose_name=_("authorised products")
    )
    revenue_share = models.DecimalField(
        _("revenue-share ratio"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of revenue paid to the partner, from 0 to 1 (0.15 = 15%)."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True, max_length=4000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        indexes = [
            models.Index(fields=["partner_type", "tier", "status"]),
            # The list's usual filters (city, status, tier) in the list's order (code): the page is
            # read in order from the index and the count is an index-only scan (bench/README.md).
            models.Index(fields=["city", "status", "tier", "code"]),
            models.Index(fields=["channel_manager"]),
            models.Index(fields=["joined_on"]),
            models.Index(fields=["name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(revenue_share__gte=0) & Q(revenue_share__lte=1), name="partner_revenue_share_0_1"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class PartnerCodeSequence(models.Model):
    """Last number handed out per code prefix (e.g. SA-CD), so codes never repeat."""

    prefix = models.CharField(max_length=12, unique=True)
    last_value = models.PositiveIntegerField(default=0)


class UserQuerySet(ScopedQuerySet):
    """Users are scoped by the partner they belong to; staff accounts are admin business."""

    def visible_to(self, user, action="view"):
        scoped = ScopedQuerySet.visible_to(self, user, action)
        if user is not None and getattr(user, "is_authenticated", False) and user.effective_role == Role.ADMIN:
            return scoped
        return scoped.filter(role=Role.PARTNER)


class PRMUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A login. Partner users belong to exactly one partner; staff have a role."""

    partner_lookup = "partner"

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTNER)
    partner = models.ForeignKey(
        Partner, models.CASCADE, null=True, blank=True, related_name="users", verbose_name=_("partner")
    )
    covered_cities = models.ManyToManyField(
        CityBranch,
        blank=True,
        related_name="channel_managers",
        verbose_name=_("covered city branches"),
        help_text=_("Channel managers change the partners of these cities as well as their own."),
    )
    api_write = models.BooleanField(
        _("read-write API access"), default=False, help_text=_("Integration clients: may create and change data.")
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = PRMUserManager()

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.CheckConstraint(
                condition=(Q(role=Role.PARTNER) & Q(partner__isnull=False))
                | (~Q(role=Role.PARTNER) & Q(partner__isnull=True)),
                name="user_partner_iff_partner_role",
            ),
        ]

    @property
    def effective_role(self):
        return Role.ADMIN if self.is_superuser else self.role

    @property
    def is_staff_role(self):
        return self.effective_role in (Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER)

    def get_full_name(self):
        return full_name(self.first_name, self.last_name)

    def __str__(self):
        return user_label(self.first_name, self.last_name, self.username)


class Contact(models.Model):
    """A person at a partner organisation."""

    partner_lookup = "partner"

    partner = models.ForeignKey(Partner, models.CASCADE, related_name="contacts", verbose_name=_("partner"))
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["partner", "-is_primary", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["partner"], condition=Q(is_primary=True), name="contact_one_primary_per_partner"
            ),
        ]

    def __str__(self):
        return self.name


class SaleRecord(models.Model):
    """One sale booked by a partner; lifecycle and loyalty compute from these."""

    partner_lookup = "partner"

    partner = models.ForeignKey(Partner, models.PROTECT, related_name="sales", verbose_name=_("partner"))
    product = models.ForeignKey(Product, models.PROTECT, related_name="sales", verbose_name=_("product"))
    customer_name = models.CharField(_("customer name"), max_length=200)
    customer_class = models.CharField(_("customer class"), max_length=1, choices=CustomerClass.choices)
    amount = models.DecimalField(
        _("amount (CNY)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_SALE_AMOUNT)],
    )
    sold_on = models.DateField(_("sale date"), validators=[validate_sale_date])
    status = models.CharField(_("status"), max_length=12, choices=SaleStatus.choices, default=SaleStatus.BOOKED)
    source_system = models.CharField(_("source system"), max_length=32, default="manual")
    external_id = models.CharField(_("external id"), max_length=64)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-sold_on", "-id"]
        verbose_name = _("sales record")
        verbose_name_plural = _("sales records")
        constraints = [
            models.UniqueConstraint(fields=["source_system", "external_id"], name="sale_unique_external_id"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="sale_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["partner", "sold_on"]),
            models.Index(fields=["sold_on"]),
        ]

    def __str__(self):
        return f"{self.source_system}:{self.external_id}"


class PartnerChange(models.Model):
    """One recorded change of a tracked partner field: who, when, from, to, why."""

    partner_lookup = "partner"

    partner = models.ForeignKey(Partner, models.CASCADE, related_name="changes", verbose_name=_("partner"))
    field = models.CharField(_("field"), max_length=30, choices=TrackedField.choices)
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("changed by")
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True, db_index=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("partner change")
        verbose_name_plural = _("partner changes")
        indexes = [models.Index(fields=["partner", "-changed_at"])]

    def __str__(self):
        return f"{self.partner_id} {self.field}: {self.old_value} → {self.new_value}"
