"""Helpers of the survey-analysis tests (test_ipa*.py, test_satisfaction*.py): campaigns and
responses written directly, as `response_submit` writes them (snapshot of the partner, answers,
then the cube's incremental update)."""
import datetime
import itertools

from django.utils import timezone

from support.surveys.analysis.cube import cube_add_response
from support.surveys.models import Answer, Campaign, Invitation, Response, SurveyFactor
from tests import factories as f

_seq = itertools.count(1)


def campaign(name="2026 Q1", opens_on=datetime.date(2026, 1, 1), codes=None, status="closed", kind="periodic"):
    c = Campaign.objects.create(name=name, name_zh=f"{name}调查", kind=kind, status=status, opens_on=opens_on)
    factors = SurveyFactor.objects.all() if codes is None else SurveyFactor.objects.filter(code__in=codes)
    c.factors.set(factors)
    return c


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def respond(c, partner, ratings: dict, *, submitted_at=None, cube=True):
    """ratings {factor code: (importance, satisfaction)} -> the Response."""
    invitation, _ = Invitation.objects.get_or_create(campaign=c, partner=partner, ticket=None,
                                                     defaults={"status": "answered"})
    response = Response.objects.create(
        invitation=invitation, campaign=c, partner=partner, respondent=None,
        submitted_at=submitted_at or at(c.opens_on + datetime.timedelta(days=3)),
        partner_type_id=partner.partner_type_id, cooperation_model=partner.cooperation_model,
        tier=partner.tier, city_id=partner.city_id,
    )
    factors = dict(SurveyFactor.objects.filter(code__in=ratings).values_list("code", "pk"))
    Answer.objects.bulk_create([
        Answer(response=response, factor_id=factors[code], importance=i, satisfaction=s)
        for code, (i, s) in ratings.items()
    ])
    if cube:
        cube_add_response(response)
    return response


def partner(**kwargs):
    kwargs.setdefault("name", f"调查伙伴{next(_seq)}有限公司")
    return f.PartnerFactory(**kwargs)
