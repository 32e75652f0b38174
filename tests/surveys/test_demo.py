"""The demo step: two closed quarterly campaigns and an open one, ~40% of the active partners
answering, realistic answer patterns, no extra logins, and the demo login still free to answer
the open survey."""
import datetime

import pytest
from django.db.models import Avg

from partners.choices import PartnerStatus, Role
from partners.models import User
from prm.demo import DemoContext, demo_steps
from support.surveys.demo import seed_surveys
from support.surveys.models import Answer, Campaign, Invitation, Response
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_demo_step_is_registered():
    assert "surveys" in [step.key for step in demo_steps()]


def test_demo_surveys(partner_user_a):
    partners = [f.PartnerFactory() for _ in range(60)]
    f.PartnerFactory(status=PartnerStatus.EXITED)
    active = len(partners) + 1  # + partner_a
    ctx = DemoContext(seed=7, today=datetime.date(2026, 11, 20), partners=active)
    summary = seed_surveys(ctx)
    assert "3 quarterly campaigns" in summary
    demo = Campaign.objects.filter(code__startswith="demo-").order_by("opens_on")
    assert [c.status for c in demo] == ["closed", "closed", "open"]
    assert [c.code for c in demo] == ["demo-2026q2", "demo-2026q3", "demo-2026q4"]
    for c in demo:
        assert c.invitations.count() == active
        answered = c.invitations.filter(status="answered").count()
        assert 0.15 * active < answered < 0.6 * active
        assert Response.objects.filter(campaign=c).count() == answered
        assert Answer.objects.filter(response__campaign=c).count() == 12 * answered
    assert not Invitation.objects.filter(campaign__status="closed", status="pending").exists()
    # No extra logins are made; a closed campaign's response names the partner's user if any.
    assert User.objects.filter(role=Role.PARTNER).count() == 1
    assert set(Response.objects.filter(campaign__status="closed").values_list("respondent_id", flat=True)) <= {
        partner_user_a.pk, None}
    assert not Response.objects.filter(campaign=demo[2], respondent__isnull=False).exists()
    # Market heat matters a lot and satisfies little; brand influence the other way round.
    means = {row["factor__code"]: row for row in Answer.objects.values("factor__code").annotate(
        i=Avg("importance"), s=Avg("satisfaction"))}
    overall = Answer.objects.aggregate(s=Avg("satisfaction"))["s"]
    assert means["market_heat"]["i"] > 4 and means["market_heat"]["s"] < overall - 0.5
    assert means["brand_influence"]["s"] > means["market_heat"]["s"] + 1
    # The demo login has not answered the open survey itself: it waits for it.
    open_inv = Invitation.objects.get(campaign=demo[2], partner=partner_user_a.partner)
    assert open_inv.status in ("pending", "answered")
    assert not Response.objects.filter(invitation=open_inv, respondent=partner_user_a).exists()
    # The analysis cube is rebuilt from the demo answers.
    from support.surveys.models import AnswerAggregate

    assert AnswerAggregate.objects.filter(campaign=demo[0]).exists()
