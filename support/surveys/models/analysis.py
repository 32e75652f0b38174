"""Analysis models: the prepared importance–performance cube and the per-partner satisfaction index.

AnswerAggregate   one cell per (campaign, factor, partner type, cooperation model, tier, city) of
                  the partners' snapshot at submission: answers, Σ importance, Σ satisfaction.
                  Kept up to date by `cube_add_response` (in the submission's transaction) and
                  rebuilt exactly each night (support/surveys/analysis/cube.py). Every IPA and
                  category figure is read from it: a few hundred rows per campaign instead of
                  millions of answers at 100,000 partners.
PartnerSatisfaction  the weighted satisfaction index (0–100) of one partner as of a day, with the
                  five category scores (support/surveys/analysis/satisfaction.py). Kept: the
                  latest day computed plus every month end (history), per partner.
"""
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from prm.scoping import ScopedQuerySet

__all__ = ["AnswerAggregate", "PartnerSatisfaction"]

CUBE_KEYS = ("campaign_id", "factor_id", "partner_type_id", "cooperation_model", "tier", "city_id")


class AnswerAggregate(models.Model):
    """A prepared aggregate of the answers of one campaign for one factor and one segment."""

    campaign = models.ForeignKey("surveys.Campaign", models.CASCADE, related_name="+", verbose_name=_("campaign"))
    factor = models.ForeignKey("surveys.SurveyFactor", models.CASCADE, related_name="+", verbose_name=_("factor"))
    partner_type = models.ForeignKey("partners.PartnerType", models.CASCADE, related_name="+",
                                     verbose_name=_("partner type"))
    cooperation_model = models.CharField(_("cooperation model"), max_length=30)
    tier = models.CharField(_("certification tier"), max_length=20)
    city = models.ForeignKey("partners.CityBranch", models.CASCADE, related_name="+", verbose_name=_("city branch"))
    answers = models.PositiveIntegerField(_("answers"), default=0)
    importance_sum = models.PositiveIntegerField(_("sum of importance"), default=0)
    satisfaction_sum = models.PositiveIntegerField(_("sum of satisfaction"), default=0)

    class Meta:
        verbose_name = _("survey answer aggregate")
        verbose_name_plural = _("survey answer aggregates")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "factor", "partner_type", "cooperation_model", "tier", "city"],
                name="survey_aggregate_one_cell",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}/{self.factor_id}: {self.answers}"


class PartnerSatisfaction(models.Model):
    """A partner's weighted satisfaction index as of a day (0–100) and its five category scores."""

    partner_lookup = "partner"

    partner = models.ForeignKey("partners.Partner", models.CASCADE, related_name="satisfaction_indexes",
                                verbose_name=_("partner"))
    as_of = models.DateField(_("as of"))
    index = models.DecimalField(_("satisfaction index"), max_digits=5, decimal_places=2,
                                validators=[MinValueValidator(0), MaxValueValidator(100)])
    responses = models.PositiveIntegerField(_("responses"), default=0)
    category_scores = models.JSONField(_("category scores"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "partner_id"]
        verbose_name = _("partner satisfaction index")
        verbose_name_plural = _("partner satisfaction indexes")
        constraints = [
            models.UniqueConstraint(fields=["partner", "as_of"], name="survey_satisfaction_once_per_day"),
        ]
        indexes = [models.Index(fields=["as_of", "index"])]

    def __str__(self):
        return f"{self.partner_id} {self.as_of}: {self.index}"
