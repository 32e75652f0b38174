"""Support requests (tickets), the service centres behind the single point of contact, SLA
policies on business calendars, per-ticket SLA records and satisfaction ratings.

Scoping: tickets hang off a partner (`partner_lookup = "partner"`), everything about a ticket
off its ticket (`"ticket__partner"`). On top of the usual rules (prm/scoping.py), the staff of
a service centre (its head and members) and a ticket's assignee may *change* the tickets of
their centre: that is how a product manager or a channel manager working in a centre answers
other partners' requests. Partner users never see internal notes, internal attachments or
internal history entries: those querysets drop them for the partner role, in `visible_to`.
"""
import datetime as dt
import uuid
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _

from partners.choices import CooperationModel, ProductType, Role, Tier
from partners.models import BilingualName
from prm.scoping import CHANGE, VIEW, ReferenceQuerySet, ScopedQuerySet

from .choices import (
    CalendarDayKind,
    Category,
    DurationUnit,
    EventKind,
    Priority,
    SlaStatus,
    TargetKind,
    TicketStatus,
    Weekday,
)

SLUG_VALIDATOR = RegexValidator(r"^[a-z0-9_]+$", _("Use lower-case letters, digits and underscores only."))


def _role(user):
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.effective_role


class Bilingual(BilingualName):
    """partners.BilingualName (label in the active language) with this app's column sizes."""

    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)

    class Meta:
        abstract = True


# --- Business calendars ------------------------------------------------------------------------
def validate_timezone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("%(value)s is not an IANA time zone name."), params={"value": value})


class BusinessCalendar(models.Model):
    """Working windows per weekday, public holidays and make-up working days, in one time zone."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai", validators=[validate_timezone])
    is_default = models.BooleanField(_("default calendar"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-is_default", "name"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"),
        ]

    def __str__(self):
        return self.name


class CalendarWindow(models.Model):
    """A working window on a weekday; a day with a lunch break has two."""

    calendar = models.ForeignKey(BusinessCalendar, models.CASCADE, related_name="windows", verbose_name=_("calendar"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        verbose_name = _("working window")
        verbose_name_plural = _("working windows")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")) | Q(end=dt.time(0, 0)), name="calendar_window_start_before_end"
            ),
        ]

    def clean(self):
        if self.start is not None and self.end is not None and not (self.end > self.start or self.end == dt.time(0)):
            raise ValidationError({"end": _("A window must end after it starts.")})

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class CalendarDay(models.Model):
    """A dated exception: a public holiday, or a make-up working day (调休) on a weekend."""

    calendar = models.ForeignKey(BusinessCalendar, models.CASCADE, related_name="days", verbose_name=_("calendar"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    works_as = models.PositiveSmallIntegerField(
        _("works like"),
        choices=Weekday.choices,
        default=Weekday.MONDAY,
        help_text=_("A make-up working day has the working windows of this weekday."),
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_once")]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


# --- Service centres and routing ---------------------------------------------------------------
class ServiceCentre(Bilingual):
    """One of the three service centres (服务中心) that answer behind the single point of contact."""

    code = models.CharField(
        _("code"), max_length=10, unique=True, validators=[RegexValidator(r"^[A-Z0-9]+$", _("Use capital letters and digits only."))]
    )
    description = models.TextField(_("description"), blank=True, max_length=2000)
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_centres",
        limit_choices_to=~Q(role=Role.PARTNER),
        verbose_name=_("head"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="service_centres",
        limit_choices_to=~Q(role=Role.PARTNER),
        verbose_name=_("members"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")


class RoutingRule(models.Model):
    """Category, product type, cooperation model and partner type → a service centre.

    Rules are tried in `order`; a blank condition matches anything; the first match wins.
    """

    order = models.PositiveIntegerField(_("order"), default=100)
    name = models.CharField(_("name"), max_length=100, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    product_type = models.CharField(_("product type"), max_length=20, choices=ProductType.choices, blank=True)
    cooperation_model = models.CharField(
        _("cooperation model"), max_length=30, choices=CooperationModel.choices, blank=True
    )
    partner_type = models.ForeignKey(
        "partners.PartnerType", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("partner type")
    )
    centre = models.ForeignKey(ServiceCentre, models.PROTECT, related_name="routing_rules", verbose_name=_("service centre"))
    active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return self.name or f"#{self.pk}"


# --- SLA policies --------------------------------------------------------------------------------
class SlaPolicy(Bilingual):
    """Committed times for the requests that match its conditions (blank: any).

    Policies are tried in `order`, the first active match wins, and the default policy applies
    when none matches. A gold partner can be promised faster times by a policy with tier=gold
    placed before the general one.
    """

    order = models.PositiveIntegerField(_("order"), default=100)
    is_default = models.BooleanField(_("default policy"), default=False)
    active = models.BooleanField(_("active"), default=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    tier = models.CharField(_("partner tier"), max_length=20, choices=Tier.choices, blank=True)
    partner_type = models.ForeignKey(
        "partners.PartnerType", models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("partner type")
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="policies",
        verbose_name=_("calendar"),
        help_text=_("Blank: the default calendar."),
    )
    warn_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("warn at (% of the target)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text=_("A warning goes out when this share of a target's working time has passed."),
    )
    escalate_after_minutes = models.PositiveIntegerField(
        _("escalate to the centre head after (minutes)"),
        default=0,
        help_text=_("After a breach the assignee is told at once; the centre head and the channel manager this long after."),
    )
    escalate_further_after_minutes = models.PositiveIntegerField(
        _("escalate further after (minutes)"),
        default=24 * 60,
        help_text=_("Then administrators, this long after the breach."),
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="one_default_sla_policy"),
            models.CheckConstraint(
                condition=Q(escalate_further_after_minutes__gte=models.F("escalate_after_minutes")),
                name="sla_policy_escalation_order",
            ),
        ]

    def clean(self):
        if (
            self.escalate_further_after_minutes is not None
            and self.escalate_after_minutes is not None
            and self.escalate_further_after_minutes < self.escalate_after_minutes
        ):
            raise ValidationError(
                {"escalate_further_after_minutes": _("The further escalation cannot come before the first.")}
            )


class SlaTarget(Bilingual):
    """One committed time of a policy: first response, resolution or a named milestone."""

    policy = models.ForeignKey(SlaPolicy, models.CASCADE, related_name="targets", verbose_name=_("policy"))
    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices)
    code = models.CharField(_("code"), max_length=40, validators=[SLUG_VALIDATOR])
    amount = models.PositiveIntegerField(_("within"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=10, choices=DurationUnit.choices, default=DurationUnit.HOURS)
    pauses = models.BooleanField(
        _("pauses while waiting on the partner"),
        default=True,
        help_text=_("The clock stops while the ticket waits on the partner."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["policy", "order", "id"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.UniqueConstraint(fields=["policy", "code"], name="sla_target_code_once"),
            models.UniqueConstraint(
                fields=["policy", "kind"], condition=~Q(kind=TargetKind.MILESTONE), name="sla_target_one_per_kind"
            ),
            models.CheckConstraint(condition=Q(amount__gte=1), name="sla_target_positive"),
        ]

    def clean(self):
        if self.kind == TargetKind.FIRST_RESPONSE:
            self.code = TargetKind.FIRST_RESPONSE
        elif self.kind == TargetKind.RESOLUTION:
            self.code = TargetKind.RESOLUTION
        elif self.code in (TargetKind.FIRST_RESPONSE, TargetKind.RESOLUTION):
            raise ValidationError({"code": _("This code is reserved for its own kind of target.")})


# --- Tickets -------------------------------------------------------------------------------------
class SupportScopedQuerySet(ScopedQuerySet):
    """The one scoping mechanism, plus: a centre's staff and the assignee may change its tickets."""

    ticket_prefix = "ticket__"

    def _centre_q(self, user):
        centres = ServiceCentre.objects.filter(Q(members=user.pk) | Q(head=user.pk)).values("pk")
        prefix = self.ticket_prefix
        return Q(**{f"{prefix}centre_id__in": centres}) | Q(**{f"{prefix}assignee_id": user.pk})

    def visible_to(self, user, action=VIEW):
        role = _role(user)
        if action == CHANGE and role in (Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER):
            condition = self._centre_q(user)
            if role == Role.CHANNEL_MANAGER:
                condition |= self._managed_q(user)
            return self.filter(condition)
        return super().visible_to(user, action)


class TicketQuerySet(SupportScopedQuerySet):
    ticket_prefix = ""

    def open(self):
        from .choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class InternalAwareQuerySet(SupportScopedQuerySet):
    """Rows with an `internal` flag: a partner user never reaches an internal one."""

    def visible_to(self, user, action=VIEW):
        scoped = super().visible_to(user, action)
        if _role(user) == Role.PARTNER:
            scoped = scoped.filter(internal=False)
        return scoped


class Ticket(models.Model):
    """A partner's support request (支持请求)."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.PROTECT, related_name="tickets", verbose_name=_("partner"))
    contact = models.ForeignKey(
        "partners.Contact", models.SET_NULL, null=True, blank=True, related_name="tickets", verbose_name=_("contact")
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="opened_tickets",
        verbose_name=_("opened by"),
    )
    category = models.CharField(_("support point"), max_length=20, choices=Category.choices)
    product = models.ForeignKey(
        "partners.Product", models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("product")
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=10000)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.NEW)
    centre = models.ForeignKey(
        ServiceCentre, models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("service centre")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="assigned_tickets",
        verbose_name=_("assignee"),
    )
    policy = models.ForeignKey(
        SlaPolicy, models.PROTECT, null=True, blank=True, related_name="tickets", verbose_name=_("SLA policy")
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            models.Index(fields=["partner", "status"]),
            models.Index(fields=["centre", "status", "-opened_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["status", "-opened_at"]),
            models.Index(fields=["-opened_at", "-id"]),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    @property
    def reference(self):
        return f"T{self.pk:06d}" if self.pk else ""


class TicketMessage(models.Model):
    """A public reply (the partner sees it) or an internal note (the partner never does)."""

    partner_lookup = "ticket__partner"

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="messages", verbose_name=_("ticket"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"), max_length=10000)
    internal = models.BooleanField(_("internal note"), default=False)
    by_partner = models.BooleanField(
        _("written by the partner"), default=False, help_text=_("Replies from the operator's side count as responses.")
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    objects = InternalAwareQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        indexes = [models.Index(fields=["ticket", "created_at"])]

    def __str__(self):
        return f"{self.ticket_id}: {self.body[:40]}"


def attachment_path(instance, filename):
    return f"support/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class TicketAttachment(models.Model):
    """A file on a ticket, stored in default storage and served only through a scoped view."""

    partner_lookup = "ticket__partner"

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="attachments", verbose_name=_("ticket"))
    message = models.ForeignKey(
        TicketMessage, models.SET_NULL, null=True, blank=True, related_name="attachments", verbose_name=_("message")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = InternalAwareQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class TicketEvent(models.Model):
    """The full history of a ticket: every change, who made it and when."""

    partner_lookup = "ticket__partner"

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="events", verbose_name=_("ticket"))
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    old_value = models.CharField(_("from"), max_length=200, blank=True)
    new_value = models.CharField(_("to"), max_length=200, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    internal = models.BooleanField(_("internal"), default=False)
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = InternalAwareQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "kind", "at"])]

    def __str__(self):
        return f"{self.ticket_id} {self.kind} {self.old_value} → {self.new_value}"


class SlaRecordQuerySet(SupportScopedQuerySet):
    pass


class SlaRecord(models.Model):
    """One committed time of one ticket, with its clock."""

    partner_lookup = "ticket__partner"

    ticket = models.ForeignKey(Ticket, models.CASCADE, related_name="sla_records", verbose_name=_("ticket"))
    target = models.ForeignKey(
        SlaTarget, models.SET_NULL, null=True, blank=True, related_name="records", verbose_name=_("target")
    )
    code = models.CharField(_("code"), max_length=40)
    kind = models.CharField(_("kind"), max_length=20, choices=TargetKind.choices)
    name = models.CharField(_("name (English)"), max_length=100)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    target_seconds = models.PositiveIntegerField(_("target (working seconds)"))
    pauses = models.BooleanField(_("pauses while waiting"), default=True)
    started_at = models.DateTimeField(_("started"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warn at"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("paused working seconds"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    consumed_seconds = models.PositiveIntegerField(_("working seconds used"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=SlaStatus.choices, default=SlaStatus.RUNNING)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    next_escalation_at = models.DateTimeField(_("next escalation"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = SlaRecordQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "due_at", "id"]
        verbose_name = _("SLA record")
        verbose_name_plural = _("SLA records")
        constraints = [models.UniqueConstraint(fields=["ticket", "code"], name="sla_record_once_per_target")]
        indexes = [
            # The sweep's three questions, each answered from one index range.
            models.Index(fields=["due_at"], condition=Q(status="running"), name="sla_running_due"),
            models.Index(fields=["warn_at"], condition=Q(status="running", warned_at__isnull=True), name="sla_running_warn"),
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(status="breached", next_escalation_at__isnull=False),
                name="sla_breached_escalate",
            ),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["ticket", "status"]),
        ]

    @property
    def label(self):
        return self.name_zh if (get_language() or "").startswith("zh") and self.name_zh else self.name

    def __str__(self):
        return f"{self.ticket_id} {self.code} {self.status}"


class SatisfactionRating(models.Model):
    """A partner's rating (1–5) of a resolved request, kept for the survey and risk models."""

    partner_lookup = "partner"

    ticket = models.OneToOneField(Ticket, models.CASCADE, related_name="rating", verbose_name=_("ticket"))
    partner = models.ForeignKey(
        "partners.Partner", models.CASCADE, related_name="support_ratings", verbose_name=_("partner")
    )
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("rated by")
    )
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_5"),
        ]
        indexes = [models.Index(fields=["partner", "created_at"])]

    def __str__(self):
        return f"{self.ticket_id}: {self.score}"
