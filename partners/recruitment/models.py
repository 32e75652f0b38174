"""Recruitment (招募), stage A of the partner lifecycle: prospects that staff target, applications
companies send from the public page, the decision on each, and the funnel the nightly job
prepares from them (prospect → applied → registered → first sale)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.choices import CooperationModel, Role
from prm.scoping import VIEW, _role

from .choices import EventKind, ProspectSource, ProspectStatus

# Length limits, shared by the model, the public form and the API.
COMPANY_MAX = 200
CONTACT_NAME_MAX = 100
PHONE_MAX = 40
EMAIL_MAX = 254
MESSAGE_MAX = 2000
NOTES_MAX = 2000
REASON_MAX = 500
PRODUCTS_MAX = 20


class ProspectQuerySet(models.QuerySet):
    """Prospects belong to no partner yet, so they are scoped by city branch instead.

    Administrators: everything. Channel managers: the prospects of the cities they cover and the
    ones they own (view and change). Product managers and integration clients: view everything;
    read-write tokens also change. Partner users and anonymous visitors: nothing.
    """

    def visible_to(self, user, action=VIEW):
        role = _role(user)
        if role == Role.ADMIN:
            return self
        if role == Role.CHANNEL_MANAGER:
            covered = user.covered_cities.through.objects.filter(user_id=user.pk).values("citybranch_id")
            return self.filter(Q(owner_id=user.pk) | Q(city_id__in=covered))
        if role == Role.PRODUCT_MANAGER:
            return self if action == VIEW else self.none()
        if role == Role.INTEGRATION:
            return self if action == VIEW or user.api_write else self.none()
        return self.none()

    def open_applications(self):
        return self.filter(status=ProspectStatus.APPLIED)


class Prospect(models.Model):
    """A company the operator wants as a partner, or one that asked to become one."""

    company_name = models.CharField(_("company name"), max_length=COMPANY_MAX)
    company_key = models.CharField(
        _("company name (normalised)"), max_length=COMPANY_MAX, editable=False, db_index=True,
        help_text=_("Lower case, spaces removed: finds duplicate applications."),
    )
    partner_type = models.ForeignKey(
        "partners.PartnerType", models.PROTECT, related_name="+", verbose_name=_("partner type")
    )
    cooperation_model = models.CharField(_("cooperation model"), max_length=30, choices=CooperationModel.choices)
    city = models.ForeignKey("partners.CityBranch", models.PROTECT, related_name="+", verbose_name=_("city branch"))
    products = models.ManyToManyField(
        "partners.Product", blank=True, related_name="+", verbose_name=_("products of interest")
    )
    contact_name = models.CharField(_("contact person"), max_length=CONTACT_NAME_MAX)
    contact_phone = models.CharField(_("phone"), max_length=PHONE_MAX, blank=True)
    contact_email = models.EmailField(_("e-mail"), max_length=EMAIL_MAX, blank=True)
    email_key = models.CharField(_("e-mail (normalised)"), max_length=EMAIL_MAX, blank=True, editable=False, db_index=True)
    message = models.TextField(_("about the company"), max_length=MESSAGE_MAX, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=ProspectSource.choices)
    status = models.CharField(_("status"), max_length=12, choices=ProspectStatus.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("owner (staff)"),
    )
    notes = models.TextField(_("internal notes"), max_length=NOTES_MAX, blank=True)
    # Business dates (Asia/Shanghai) of each step: the funnel is computed from them.
    entered_on = models.DateField(_("entered the funnel on"))
    applied_on = models.DateField(_("applied on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("decided by")
    )
    reject_reason = models.CharField(_("reason for rejection"), max_length=REASON_MAX, blank=True)
    partner = models.ForeignKey(
        "partners.Partner", models.SET_NULL, null=True, blank=True, related_name="recruitment_prospects",
        verbose_name=_("registered partner"),
    )
    invited_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("invited partner user"),
    )
    submitted_ip = models.GenericIPAddressField(_("submitted from"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProspectQuerySet.as_manager()

    class Meta:
        ordering = ["-entered_on", "-id"]
        verbose_name = _("prospect")
        verbose_name_plural = _("prospects")
        constraints = [
            # The last line of defence against duplicate applications: one open one per e-mail.
            models.UniqueConstraint(
                fields=["email_key"],
                condition=Q(status=ProspectStatus.APPLIED) & ~Q(email_key=""),
                name="recruitment_one_open_application_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status=ProspectStatus.ACCEPTED) | Q(decided_on__isnull=False),
                name="recruitment_accepted_has_decision_day",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-entered_on"], name="recruitment_status_day"),
            models.Index(fields=["city", "status"], name="recruitment_city_status"),
            models.Index(fields=["partner"], name="recruitment_partner"),
        ]

    def __str__(self):
        return self.company_name


class ProspectEvent(models.Model):
    """One step in a prospect's history: who did what, when, from which status to which."""

    prospect = models.ForeignKey(Prospect, models.CASCADE, related_name="events", verbose_name=_("prospect"))
    kind = models.CharField(_("event"), max_length=20, choices=EventKind.choices)
    from_status = models.CharField(_("from"), max_length=12, blank=True, choices=ProspectStatus.choices)
    to_status = models.CharField(_("to"), max_length=12, blank=True, choices=ProspectStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=REASON_MAX, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("prospect event")
        verbose_name_plural = _("prospect events")
        indexes = [models.Index(fields=["prospect", "at"], name="recruitment_event_prospect")]

    def __str__(self):
        return f"{self.prospect_id} {self.kind}"


class FunnelCell(models.Model):
    """The recruitment funnel prepared by the nightly job, per (day, cohort month, type, city).

    A cohort is the month a subject entered the funnel: a staff-entered prospect at the
    "prospect" step, a public application at "applied", a partner registered without a prospect
    (the existing registry) at "registered". Counts are of subjects that reached each step by
    `as_of`; day sums and medians are of the subjects that made each move.
    """

    as_of = models.DateField(_("as of"))
    cohort_month = models.DateField(_("cohort month"))
    partner_type = models.ForeignKey(
        "partners.PartnerType", models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name=_("partner type")
    )
    city = models.ForeignKey(
        "partners.CityBranch", models.DO_NOTHING, related_name="+", db_constraint=False, verbose_name=_("city branch")
    )
    prospects = models.IntegerField(_("prospects (targeted)"))
    applied = models.IntegerField(_("applied"))
    applied_from_prospect = models.IntegerField(_("prospects that applied"))
    registered = models.IntegerField(_("registered"))
    registered_from_applied = models.IntegerField(_("applicants registered"))
    first_sale = models.IntegerField(_("registered with a first sale"))
    recruited = models.IntegerField(_("recruited (prospect or application)"))
    recruited_first_sale = models.IntegerField(_("recruited with a first sale"))
    lost = models.IntegerField(_("rejected or withdrawn"))
    days_to_apply_sum = models.BigIntegerField(_("days prospect → applied, sum"))
    days_to_apply_median = models.FloatField(_("days prospect → applied, median"), null=True)
    days_to_register_sum = models.BigIntegerField(_("days applied → registered, sum"))
    days_to_register_median = models.FloatField(_("days applied → registered, median"), null=True)
    days_to_sale_sum = models.BigIntegerField(_("days registered → first sale, sum"))
    days_to_sale_median = models.FloatField(_("days registered → first sale, median"), null=True)

    class Meta:
        ordering = ["-as_of", "cohort_month"]
        verbose_name = _("funnel cell")
        verbose_name_plural = _("funnel cells")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "cohort_month", "partner_type", "city"], name="recruitment_funnel_cell_once"
            ),
        ]

    def __str__(self):
        return f"{self.as_of} {self.cohort_month:%Y-%m} {self.partner_type_id}/{self.city_id}"


class FunnelSubject(models.Model):
    """Working rows of the nightly funnel job: one per subject (prospect, or partner registered
    without one) for the day being computed, written chunk by chunk of partner ids, then grouped
    into FunnelCell rows and deleted."""

    as_of = models.DateField()
    partner_type_id = models.BigIntegerField()
    city_id = models.BigIntegerField()
    from_prospect = models.SmallIntegerField()
    recruited = models.SmallIntegerField()
    entered_on = models.DateField()
    applied_on = models.DateField(null=True)
    registered_on = models.DateField(null=True)
    first_sale_on = models.DateField(null=True)
    lost = models.SmallIntegerField()

    class Meta:
        indexes = [models.Index(fields=["as_of"], name="recruitment_subject_day")]
