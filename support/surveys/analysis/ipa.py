"""Importance–performance analysis (IPA), movement between campaigns and the five category
scores per segment — read from the prepared cube (surveys.AnswerAggregate), never the answers.

Placing a factor: x = its mean satisfaction, y = its mean importance (both 1–5) over the answers
that match the filters. The quadrant lines are either the grand means (the mean of the factor
means, over the factors with enough answers; the default, `lines="mean"`) or the scale's middle
3 (`lines="midpoint"`). A factor is "high" on an axis when its mean is AT OR ABOVE the line (a
tie on a line counts as high), so:

    importance ≥ line, satisfaction ≥ line  → keep_up       important strength: keep up the good work
    importance ≥ line, satisfaction < line  → fix_first     important weakness: fix first
    importance < line, satisfaction < line  → low_priority  unimportant weakness: low priority
    importance < line, satisfaction ≥ line  → overkill      unimportant strength: possible overkill

A factor with fewer than `min_answers` answers (default 5) is not placed: "too_few", and it
does not count towards the grand means. Comparisons use exact fractions; figures are shown
with two decimals. The "fix first" list holds the important weaknesses, largest gap
(importance − satisfaction) first (then higher importance, then the factor's order).

Category score of a segment: the weight-weighted mean satisfaction of the category's factors
(each factor's mean over the segment's answers, weighted by the factor's current weight; factors
without answers or with weight 0 left out), scaled to 0–100 as (mean − 1) / 4 × 100.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from partners.choices import CooperationModel, Tier
from partners.models import CityBranch, PartnerType

from ..choices import CampaignKind
from ..models import AnswerAggregate, Campaign, SurveyCategory, SurveyFactor

MIN_ANSWERS = 5
MIDPOINT = Fraction(3)
TWO_PLACES = Decimal("0.01")


class Quadrant(models.TextChoices):
    KEEP_UP = "keep_up", _("Important strength: keep up the good work")
    FIX_FIRST = "fix_first", _("Important weakness: fix first")
    LOW_PRIORITY = "low_priority", _("Unimportant weakness: low priority")
    OVERKILL = "overkill", _("Unimportant strength: possible overkill")
    TOO_FEW = "too_few", _("Too few answers")


class Lines(models.TextChoices):
    MEAN = "mean", _("Grand means")
    MIDPOINT = "midpoint", _("Scale midpoint (3)")


class Dimension(models.TextChoices):
    PARTNER_TYPE = "partner_type", _("Partner type")
    COOPERATION_MODEL = "cooperation_model", _("Cooperation model")
    TIER = "tier", _("Certification tier")
    CITY = "city", _("City branch")


def classify(importance: Fraction, satisfaction: Fraction, *, importance_line: Fraction,
             satisfaction_line: Fraction) -> Quadrant:
    """The quadrant of one factor; on a line counts as high."""
    important = importance >= importance_line
    satisfied = satisfaction >= satisfaction_line
    if important:
        return Quadrant.KEEP_UP if satisfied else Quadrant.FIX_FIRST
    return Quadrant.OVERKILL if satisfied else Quadrant.LOW_PRIORITY


def two_places(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Filters:
    """The segment filters (empty: all). Codes as the API takes them."""

    partner_type: tuple[str, ...] = ()
    cooperation_model: tuple[str, ...] = ()
    tier: tuple[str, ...] = ()
    city: tuple[str, ...] = ()

    def apply(self, queryset):
        if self.partner_type:
            queryset = queryset.filter(partner_type__code__in=self.partner_type)
        if self.cooperation_model:
            queryset = queryset.filter(cooperation_model__in=self.cooperation_model)
        if self.tier:
            queryset = queryset.filter(tier__in=self.tier)
        if self.city:
            queryset = queryset.filter(city__code__in=self.city)
        return queryset

    def as_dict(self) -> dict:
        return {name: list(getattr(self, name)) for name in ("partner_type", "cooperation_model", "tier", "city")}


def default_campaign() -> Campaign | None:
    """The latest periodic campaign with answers; else any campaign with answers; else None."""
    with_answers = Campaign.objects.filter(pk__in=AnswerAggregate.objects.values("campaign_id"))
    return (with_answers.filter(kind=CampaignKind.PERIODIC).order_by("-opens_on", "-id").first()
            or with_answers.order_by("-opens_on", "-id").first())


def _factor_dict(factor: SurveyFactor) -> dict:
    return {
        "id": factor.pk,
        "code": factor.code,
        "label": factor.label,
        "category": factor.category.code,
        "category_label": factor.category.label,
        "weight": factor.weight,
    }


@dataclass
class FactorPoint:
    factor: SurveyFactor
    answers: int = 0
    importance: Fraction | None = None
    satisfaction: Fraction | None = None
    quadrant: Quadrant = Quadrant.TOO_FEW

    @property
    def gap(self) -> Fraction | None:
        if self.importance is None or self.satisfaction is None:
            return None
        return self.importance - self.satisfaction

    def as_dict(self) -> dict:
        return {
            **_factor_dict(self.factor),
            "answers": self.answers,
            "importance": two_places(self.importance),
            "satisfaction": two_places(self.satisfaction),
            "gap": two_places(self.gap),
            "quadrant": self.quadrant.value,
            "quadrant_label": self.quadrant.label,
        }


@dataclass
class IpaResult:
    campaign: Campaign | None
    filters: Filters
    lines: str
    min_answers: int
    points: list[FactorPoint] = field(default_factory=list)
    importance_line: Fraction | None = None
    satisfaction_line: Fraction | None = None

    @property
    def fix_first(self) -> list[FactorPoint]:
        weak = [p for p in self.points if p.quadrant == Quadrant.FIX_FIRST]
        order = {p.factor.pk: index for index, p in enumerate(self.points)}
        return sorted(weak, key=lambda p: (-p.gap, -p.importance, order[p.factor.pk]))

    def by_factor(self) -> dict[int, FactorPoint]:
        return {p.factor.pk: p for p in self.points}

    def as_dict(self) -> dict:
        campaign = self.campaign
        return {
            "campaign": {"id": campaign.pk, "label": campaign.label, "opens_on": campaign.opens_on} if campaign else None,
            "filters": self.filters.as_dict(),
            "min_answers": self.min_answers,
            "lines": {
                "kind": self.lines,
                "importance": two_places(self.importance_line),
                "satisfaction": two_places(self.satisfaction_line),
            },
            "answers": sum(p.answers for p in self.points),
            "factors": [p.as_dict() for p in self.points],
            "fix_first": [p.as_dict() for p in self.fix_first],
        }


def ipa_analysis(*, campaign: Campaign | None, filters: Filters = Filters(), lines: str = Lines.MEAN,
                 min_answers: int = MIN_ANSWERS) -> IpaResult:
    """Mean importance and satisfaction per factor of one campaign (one aggregate query)."""
    result = IpaResult(campaign=campaign, filters=filters, lines=str(lines), min_answers=min_answers)
    if campaign is None:
        return result
    rows = (
        filters.apply(AnswerAggregate.objects.filter(campaign=campaign))
        .values("factor_id")
        .annotate(n=Sum("answers"), imp=Sum("importance_sum"), sat=Sum("satisfaction_sum"))
        .order_by()
    )
    sums = {row["factor_id"]: row for row in rows if row["n"]}
    asked = set(campaign.factors.values_list("pk", flat=True))
    factors = SurveyFactor.objects.filter(pk__in=asked | set(sums)).select_related("category")
    for factor in factors:
        point = FactorPoint(factor=factor)
        row = sums.get(factor.pk)
        if row:
            point.answers = row["n"]
            point.importance = Fraction(row["imp"], row["n"])
            point.satisfaction = Fraction(row["sat"], row["n"])
        result.points.append(point)
    placed = [p for p in result.points if p.answers >= min_answers]
    if lines == Lines.MIDPOINT:
        result.importance_line = result.satisfaction_line = MIDPOINT
    elif placed:
        result.importance_line = sum((p.importance for p in placed), Fraction(0)) / len(placed)
        result.satisfaction_line = sum((p.satisfaction for p in placed), Fraction(0)) / len(placed)
    for point in placed:
        point.quadrant = classify(point.importance, point.satisfaction,
                                  importance_line=result.importance_line, satisfaction_line=result.satisfaction_line)
    return result


def ipa_movement(*, old: Campaign, new: Campaign, filters: Filters = Filters(), lines: str = Lines.MEAN,
                 min_answers: int = MIN_ANSWERS) -> dict:
    """Each factor's move from one campaign to another: Δ importance, Δ satisfaction (new − old,
    when both have means) and its quadrant in each (each campaign with its own lines)."""
    before = ipa_analysis(campaign=old, filters=filters, lines=lines, min_answers=min_answers)
    after = ipa_analysis(campaign=new, filters=filters, lines=lines, min_answers=min_answers)
    old_points, new_points = before.by_factor(), after.by_factor()
    factors = {p.factor.pk: p.factor for p in [*before.points, *after.points]}
    rows = []
    for factor in sorted(factors.values(), key=lambda f: (f.category.sort_order, f.sort_order, f.pk)):
        a, b = old_points.get(factor.pk), new_points.get(factor.pk)
        a_quadrant = a.quadrant if a else Quadrant.TOO_FEW
        b_quadrant = b.quadrant if b else Quadrant.TOO_FEW
        both = a is not None and b is not None and a.answers and b.answers
        rows.append({
            **_factor_dict(factor),
            "old_answers": a.answers if a else 0,
            "new_answers": b.answers if b else 0,
            "old_importance": two_places(a.importance) if a else None,
            "new_importance": two_places(b.importance) if b else None,
            "old_satisfaction": two_places(a.satisfaction) if a else None,
            "new_satisfaction": two_places(b.satisfaction) if b else None,
            "delta_importance": two_places(b.importance - a.importance) if both else None,
            "delta_satisfaction": two_places(b.satisfaction - a.satisfaction) if both else None,
            "old_quadrant": a_quadrant.value,
            "old_quadrant_label": a_quadrant.label,
            "new_quadrant": b_quadrant.value,
            "new_quadrant_label": b_quadrant.label,
            "moved": a_quadrant != b_quadrant,
        })
    return {
        "old": before.as_dict()["campaign"],
        "new": after.as_dict()["campaign"],
        "filters": filters.as_dict(),
        "lines": str(lines),
        "min_answers": min_answers,
        "factors": rows,
    }


# --- five category scores per segment -------------------------------------------------------------

DIMENSION_COLUMN = {
    Dimension.PARTNER_TYPE: "partner_type_id",
    Dimension.COOPERATION_MODEL: "cooperation_model",
    Dimension.TIER: "tier",
    Dimension.CITY: "city_id",
}


def _segment_labels(dimension: str, keys) -> dict:
    if dimension == Dimension.PARTNER_TYPE:
        return {t.pk: (t.code, t.label) for t in PartnerType.objects.filter(pk__in=keys)}
    if dimension == Dimension.CITY:
        return {c.pk: (c.code, c.label) for c in CityBranch.objects.filter(pk__in=keys)}
    choices = CooperationModel if dimension == Dimension.COOPERATION_MODEL else Tier
    labels = dict(choices.choices)
    return {key: (key, str(labels.get(key, key))) for key in keys}


def _segment_order(dimension: str, keys) -> list:
    if dimension == Dimension.PARTNER_TYPE:
        return list(PartnerType.objects.filter(pk__in=keys).values_list("pk", flat=True))
    if dimension == Dimension.CITY:
        return list(CityBranch.objects.filter(pk__in=keys).values_list("pk", flat=True))
    values = list((CooperationModel if dimension == Dimension.COOPERATION_MODEL else Tier).values)
    return sorted(keys, key=lambda key: (values.index(key) if key in values else len(values), key))


def _score(parts: list[tuple[Decimal, Fraction]]) -> Decimal | None:
    """Weighted mean satisfaction (1–5) of (weight, mean) pairs, scaled 0–100."""
    total = sum((Fraction(w) for w, _mean in parts), Fraction(0))
    if not total:
        return None
    mean = sum((Fraction(w) * m for w, m in parts), Fraction(0)) / total
    return two_places((mean - 1) * 25)


def category_scores(*, campaign: Campaign | None, by: str, filters: Filters = Filters()) -> dict:
    """Per segment of the chosen dimension: the five category scores and the overall index."""
    categories = list(SurveyCategory.objects.order_by("sort_order", "pk"))
    result = {
        "campaign": {"id": campaign.pk, "label": campaign.label, "opens_on": campaign.opens_on} if campaign else None,
        "by": str(by),
        "filters": filters.as_dict(),
        "categories": [{"code": c.code, "label": c.label} for c in categories],
        "segments": [],
    }
    if campaign is None:
        return result
    column = DIMENSION_COLUMN[Dimension(by)]
    rows = (
        filters.apply(AnswerAggregate.objects.filter(campaign=campaign))
        .values(column, "factor_id")
        .annotate(n=Sum("answers"), sat=Sum("satisfaction_sum"))
        .order_by()
    )
    factors = {f.pk: f for f in SurveyFactor.objects.select_related("category")}
    per_segment: dict = {}
    for row in rows:
        if not row["n"]:
            continue
        per_segment.setdefault(row[column], []).append((factors[row["factor_id"]], row["n"], Fraction(row["sat"], row["n"])))
    labels = _segment_labels(by, list(per_segment))
    for key in _segment_order(by, list(per_segment)):
        items = per_segment[key]
        code, label = labels.get(key, (str(key), str(key)))
        scores = {}
        for category in categories:
            parts = [(f.weight, mean) for f, _n, mean in items if f.category_id == category.pk and f.weight > 0]
            scores[category.code] = _score(parts)
        result["segments"].append({
            "key": code,
            "label": label,
            "answers": sum(n for _f, n, _m in items),
            "scores": scores,
            "overall": _score([(f.weight, mean) for f, _n, mean in items if f.weight > 0]),
        })
    return result
