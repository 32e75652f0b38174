"""Survey reference rows (categories, factors and their weights), campaigns, invitations and answers."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy as _

from partners.models import BilingualName
from prm.scoping import VIEW, ReferenceQuerySet, ScopedQuerySet, _role

from ..choices import SCALE_MAX, SCALE_MIN, CampaignKind, CampaignStatus, InvitationStatus

__all__ = ["Answer", "Campaign", "Invitation", "Response", "SurveyCategory", "SurveyEvent", "SurveyFactor"]

WEIGHT_MAX = Decimal("1000")


class SurveyCategory(BilingualName):
    """One of the five categories of the "why partners choose an operator" model (五类模型)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("survey category")
        verbose_name_plural = _("survey categories")


class FactorQuerySet(ReferenceQuerySet):
    """Every signed-in user reads the factors; administrators and product managers edit the weights."""

    def visible_to(self, user, action=VIEW):
        from partners.choices import Role

        if action != VIEW and _role(user) == Role.PRODUCT_MANAGER:
            return self
        return super().visible_to(user, action)


class SurveyFactor(BilingualName):
    """A factor partners rate for importance and satisfaction, with its weight in the index.

    The weight is a share in percent (the report's defaults add up to 100); the satisfaction
    index divides by the sum of the active factors' weights, so edited weights need not add up to 100.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    category = models.ForeignKey(SurveyCategory, models.PROTECT, related_name="factors", verbose_name=_("category"))
    description = models.CharField(_("description (English)"), max_length=300, blank=True)
    description_zh = models.CharField(_("description (Chinese)"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("weight (%)"), max_digits=6, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(WEIGHT_MAX)],
        help_text=_("Share of this factor in the satisfaction index. Need not add up to 100: the index "
                    "divides by the sum of the weights."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)

    objects = FactorQuerySet.as_manager()

    class Meta:
        ordering = ["category__sort_order", "sort_order", "id"]
        verbose_name = _("survey factor")
        verbose_name_plural = _("survey factors")
        constraints = [models.CheckConstraint(condition=Q(weight__gte=0), name="survey_factor_weight_non_negative")]

    @property
    def description_label(self):
        zh = (get_language() or "").startswith("zh")
        return self.description_zh if zh and self.description_zh else self.description


class CampaignQuerySet(models.QuerySet):
    """Staff see every campaign (administrators and product managers change them); a partner
    user sees the campaigns its partner is invited to; nobody else sees any."""

    def visible_to(self, user, action=VIEW):
        from partners.choices import Role

        role = _role(user)
        if role == Role.ADMIN:
            return self
        if role in (Role.PRODUCT_MANAGER,):
            return self
        if role in (Role.CHANNEL_MANAGER, Role.INTEGRATION):
            return self if action == VIEW else self.none()
        if role == Role.PARTNER and user.partner_id and action == VIEW:
            invited = Invitation.objects.filter(campaign=OuterRef("pk"), partner_id=user.partner_id)
            return self.filter(Exists(invited))
        return self.none()


class Campaign(BilingualName):
    """A survey round. Periodic campaigns (e.g. quarterly) invite the partners that match their
    targets when launched; the standing "after a resolved ticket" campaign invites a partner for
    each resolved support request."""

    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    code = models.SlugField(_("code"), max_length=40, unique=True, null=True, blank=True,
                            help_text=_("Set on built-in campaigns only."))
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices, default=CampaignKind.PERIODIC)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True,
                                 help_text=_("Last day for answers. Empty: open until closed."))
    remind_every_days = models.PositiveSmallIntegerField(
        _("remind every (days)"), default=7, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    max_reminders = models.PositiveSmallIntegerField(_("reminders at most"), default=2,
                                                     validators=[MaxValueValidator(10)])
    target_partner_types = models.ManyToManyField(
        "partners.PartnerType", blank=True, related_name="+", verbose_name=_("partner types"),
        help_text=_("Empty: all partner types."),
    )
    target_cooperation_models = models.JSONField(_("cooperation models"), default=list, blank=True,
                                                 help_text=_("Empty: all cooperation models."))
    target_tiers = models.JSONField(_("certification tiers"), default=list, blank=True,
                                    help_text=_("Empty: all tiers."))
    target_cities = models.ManyToManyField(
        "partners.CityBranch", blank=True, related_name="+", verbose_name=_("city branches"),
        help_text=_("Empty: all city branches."),
    )
    factors = models.ManyToManyField(SurveyFactor, related_name="campaigns", verbose_name=_("factors"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("survey campaign")
        verbose_name_plural = _("survey campaigns")
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_campaign_closes_after_opens",
            ),
        ]

    def accepts_answers_on(self, day) -> bool:
        return (
            self.status == CampaignStatus.OPEN
            and self.opens_on <= day
            and (self.closes_on is None or day <= self.closes_on)
        )


class Invitation(models.Model):
    """A partner asked to answer a campaign (for the ticket survey: about one resolved request)."""

    partner_lookup = "partner"

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="invitations", verbose_name=_("campaign"))
    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="survey_invitations",
                                verbose_name=_("partner"))
    ticket = models.ForeignKey("support.Ticket", models.CASCADE, null=True, blank=True,
                               related_name="survey_invitations", verbose_name=_("support request"))
    status = models.CharField(_("status"), max_length=10, choices=InvitationStatus.choices,
                              default=InvitationStatus.PENDING)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    last_reminded_at = models.DateTimeField(_("last reminded"), null=True, blank=True)
    last_reminded_on = models.DateField(_("last reminder run"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-invited_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "partner"], condition=Q(ticket__isnull=True),
                                    name="survey_invitation_once_per_campaign"),
            models.UniqueConstraint(fields=["ticket"], condition=Q(ticket__isnull=False),
                                    name="survey_invitation_once_per_ticket"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"]),
            models.Index(fields=["partner", "status"]),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.partner_id}"


class Response(models.Model):
    """One partner user's answers to one invitation. The partner's attributes are copied at
    submission so that the analysis can slice by what the partner was when it answered."""

    partner_lookup = "partner"

    invitation = models.ForeignKey(Invitation, models.CASCADE, related_name="responses", verbose_name=_("invitation"))
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="responses", verbose_name=_("campaign"))
    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="survey_responses",
                                verbose_name=_("partner"))
    respondent = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="survey_responses", verbose_name=_("respondent"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    # Snapshot of the partner at submission (the analysis filters by these).
    partner_type = models.ForeignKey("partners.PartnerType", models.PROTECT, related_name="+",
                                     verbose_name=_("partner type"))
    cooperation_model = models.CharField(_("cooperation model"), max_length=30)
    tier = models.CharField(_("certification tier"), max_length=20)
    city = models.ForeignKey("partners.CityBranch", models.PROTECT, related_name="+", verbose_name=_("city branch"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "respondent"], name="survey_response_once_per_respondent"),
        ]
        indexes = [
            models.Index(fields=["campaign", "submitted_at"]),
            models.Index(fields=["partner", "submitted_at"]),
        ]

    def __str__(self):
        return f"{self.invitation_id}: {self.respondent_id}"


class Answer(models.Model):
    """A factor's two ratings in one response: how important (1–5) and how satisfied (1–5)."""

    partner_lookup = "response__partner"

    response = models.ForeignKey(Response, models.CASCADE, related_name="answers", verbose_name=_("response"))
    factor = models.ForeignKey(SurveyFactor, models.PROTECT, related_name="answers", verbose_name=_("factor"))
    importance = models.PositiveSmallIntegerField(
        _("importance"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["response", "factor"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "factor"], name="survey_answer_once_per_factor"),
            models.CheckConstraint(condition=Q(importance__gte=1) & Q(importance__lte=5),
                                   name="survey_answer_importance_1_5"),
            models.CheckConstraint(condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                                   name="survey_answer_satisfaction_1_5"),
        ]
        indexes = [models.Index(fields=["factor", "response"])]


class SurveyEvent(models.Model):
    """The audit trail: a campaign created, changed, launched or closed; a factor's weight changed."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, null=True, blank=True, related_name="events",
                                 verbose_name=_("campaign"))
    factor = models.ForeignKey(SurveyFactor, models.CASCADE, null=True, blank=True, related_name="events",
                               verbose_name=_("factor"))
    kind = models.CharField(_("kind"), max_length=20)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("survey event")
        verbose_name_plural = _("survey events")
