"""The prepared cube: the incremental update at submission equals the nightly rebuild."""
import datetime

import pytest
from django.utils import timezone

from partners.choices import CooperationModel, Tier
from support.surveys.analysis.cube import cube_add_response, cube_rebuild
from support.surveys.models import AnswerAggregate, Invitation, SurveyFactor
from support.surveys.services import response_submit
from tests import factories as f

from .ipa_world import campaign, partner, respond

pytestmark = pytest.mark.django_db


def cube():
    return sorted(AnswerAggregate.objects.values_list(
        "campaign_id", "factor_id", "partner_type_id", "cooperation_model", "tier", "city_id",
        "answers", "importance_sum", "satisfaction_sum",
    ))


def test_incremental_equals_rebuild():
    first = campaign()
    second = campaign(name="2026 Q2", opens_on=datetime.date(2026, 4, 1), codes=["market_heat", "response_time"])
    partners = [
        partner(),
        partner(tier=Tier.GOLD, city=f.city("MY")),
        partner(partner_type=f.partner_type("ISV"), cooperation_model=CooperationModel.CO_OPERATION),
        partner(tier=Tier.GOLD, city=f.city("MY")),  # the same cell as the second
    ]
    codes = list(SurveyFactor.objects.values_list("code", flat=True))
    for n, p in enumerate(partners):
        respond(first, p, {code: (1 + (n + i) % 5, 1 + (n * 2 + i) % 5) for i, code in enumerate(codes)})
        respond(first, p, {code: (5, 1 + n) for code in codes[:3]})  # a colleague answers too
        respond(second, p, {"market_heat": (4, 1 + n), "response_time": (2, 5)})
    incremental = cube()
    assert len(incremental) == 12 * 3 + 2 * 3  # 12 and 2 factors × 3 distinct segments
    gold_my = [row for row in incremental if row[4] == "gold" and row[0] == second.pk]
    assert {row[6] for row in gold_my} == {2}  # two partners in one cell
    assert cube_rebuild(campaign_id=first.pk) == 36
    assert cube_rebuild() == 42
    assert cube() == incremental
    AnswerAggregate.objects.all().delete()
    cube_rebuild()
    assert cube() == incremental


def test_rebuild_repairs_a_double_count():
    c = campaign(codes=["market_heat"])
    response = respond(c, partner(), {"market_heat": (4, 2)})
    cube_add_response(response.pk)
    assert AnswerAggregate.objects.get().answers == 2
    cube_rebuild(campaign_id=c.pk)
    row = AnswerAggregate.objects.get()
    assert (row.answers, row.importance_sum, row.satisfaction_sum) == (1, 4, 2)


def test_submitting_a_survey_updates_the_cube():
    p = partner(tier=Tier.CERTIFIED)
    user = f.PartnerUserFactory(partner=p)
    c = campaign(codes=["market_heat", "response_time"], status="open",
                 opens_on=timezone.localdate() - datetime.timedelta(days=1))
    invitation = Invitation.objects.create(campaign=c, partner=p)
    factors = dict(SurveyFactor.objects.values_list("code", "pk"))
    response_submit(invitation=invitation, by=user, answers=[
        {"factor": factors["market_heat"], "importance": 5, "satisfaction": 2},
        {"factor": factors["response_time"], "importance": 3, "satisfaction": 4},
    ])
    rows = {row[1]: row for row in cube()}
    assert rows[factors["market_heat"]][3:] == ("channel_sharing", "certified", p.city_id, 1, 5, 2)
    assert rows[factors["response_time"]][6:] == (1, 3, 4)
    before = cube()
    cube_rebuild(campaign_id=c.pk)
    assert cube() == before
