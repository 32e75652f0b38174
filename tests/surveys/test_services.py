"""Campaign services: targets at launch, drafts only, answering rules (validation, once per
respondent, closed campaigns refused), the partner snapshot and the audit trail."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django.core.exceptions import ValidationError
from rest_framework.exceptions import ValidationError as FieldErrors

from partners.choices import CooperationModel, PartnerStatus, Role, Tier
from prm.models import Notification
from support.surveys import services
from support.surveys.choices import FACTORS, TICKET_CAMPAIGN_CODE, TICKET_FACTORS
from support.surveys.models import (
    Answer,
    Campaign,
    Invitation,
    Response,
    SurveyCategory,
    SurveyEvent,
    SurveyFactor,
)
from tests import factories as f

from .factories import answers, campaign, invitation

pytestmark = pytest.mark.django_db


def test_reference_rows_are_loaded():
    assert list(SurveyCategory.objects.values_list("code", flat=True)) == [
        "posture", "fairness", "process", "experience", "technology"]
    assert SurveyFactor.objects.count() == 12
    assert sum(SurveyFactor.objects.values_list("weight", flat=True)) == Decimal("100")
    assert SurveyFactor.objects.get(code="market_heat").weight == Decimal("15")
    assert SurveyFactor.objects.get(code="regulated_competition").category.code == "fairness"
    assert SurveyFactor.objects.get(code="market_heat").name_zh == "市场热度"
    assert SurveyFactor.objects.get(code="market_heat").description_zh == "您所销售产品的市场热度与推广力度。"
    ticket = Campaign.objects.get(code=TICKET_CAMPAIGN_CODE)
    assert ticket.kind == "ticket" and ticket.status == "open"
    assert set(ticket.factors.values_list("code", flat=True)) == set(TICKET_FACTORS)
    assert len(FACTORS) == 12


def test_loader_is_idempotent_and_keeps_edited_weights():
    from importlib import import_module

    from django.apps import apps

    SurveyFactor.objects.filter(code="market_heat").update(weight=Decimal("20"))
    import_module("support.surveys.migrations.0001_initial").load(apps, None)
    assert SurveyFactor.objects.count() == 12
    assert Campaign.objects.filter(code=TICKET_CAMPAIGN_CODE).count() == 1
    assert SurveyFactor.objects.get(code="market_heat").weight == Decimal("20")


def test_factor_update_records_the_weight_change(admin_user):
    factor = SurveyFactor.objects.get(code="market_heat")
    services.factor_update(factor=factor, by=admin_user, weight=Decimal("12.5"))
    factor.refresh_from_db()
    assert factor.weight == Decimal("12.5")
    event = SurveyEvent.objects.get(factor=factor)
    assert event.kind == "weight" and event.details["changes"]["weight"] == ["15.00", "12.5"]
    with pytest.raises(ValidationError) as err:
        services.factor_update(factor=factor, by=admin_user, weight=Decimal("-1"))
    assert "weight" in err.value.message_dict


def test_launch_invites_only_matching_active_partners_and_notifies(admin_user, city_cd, city_my,
                                                                   django_capture_on_commit_callbacks):
    gold_cd = f.PartnerFactory(city=city_cd, tier=Tier.GOLD)
    gold_cd_isv = f.PartnerFactory(city=city_cd, tier=Tier.GOLD, partner_type=f.partner_type("ISV"))
    f.PartnerFactory(city=city_my, tier=Tier.GOLD)  # other city
    f.PartnerFactory(city=city_cd, tier=Tier.REGISTERED)  # other tier
    f.PartnerFactory(city=city_cd, tier=Tier.GOLD, status=PartnerStatus.SUSPENDED)  # not active
    f.PartnerFactory(city=city_cd, tier=Tier.GOLD, cooperation_model=CooperationModel.CO_EXPANSION)  # other model
    user = f.PartnerUserFactory(partner=gold_cd)
    f.PartnerUserFactory(partner=gold_cd_isv, is_active=False)
    draft = services.campaign_save(
        by=admin_user, name="Gold partners Q1", name_zh="金牌伙伴调查", opens_on=timezone.localdate(),
        closes_on=timezone.localdate() + datetime.timedelta(days=30), target_tiers=[Tier.GOLD],
        target_cities=[city_cd], target_cooperation_models=[CooperationModel.CHANNEL_SHARING],
    )
    assert draft.status == "draft" and draft.factors.count() == 12
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_launch(campaign=draft, by=admin_user) == 2
    draft.refresh_from_db()
    assert draft.status == "open" and draft.launched_at
    assert set(Invitation.objects.filter(campaign=draft).values_list("partner_id", flat=True)) == {
        gold_cd.pk, gold_cd_isv.pk}
    notes = Notification.objects.filter(kind="surveys.invitation")
    assert [n.recipient_id for n in notes] == [user.pk]  # the inactive user is not notified
    assert notes[0].url == f"/surveys/{Invitation.objects.get(partner=gold_cd).pk}/"
    assert list(SurveyEvent.objects.filter(campaign=draft).values_list("kind", flat=True).order_by("id")) == [
        "created", "launched"]
    with pytest.raises(ValidationError):
        services.campaign_launch(campaign=draft, by=admin_user)  # not a draft any more
    with pytest.raises(ValidationError):
        services.campaign_save(campaign=draft, by=admin_user, name="Changed")  # launched: no changes


def test_campaign_validation(admin_user):
    with pytest.raises(ValidationError) as err:
        services.campaign_save(by=admin_user, name="x", opens_on=datetime.date(2026, 5, 1),
                               closes_on=datetime.date(2026, 4, 1))
    assert "closes_on" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.campaign_save(by=admin_user, name="x", opens_on=datetime.date(2026, 5, 1), target_tiers=["platinum"])
    assert "target_tiers" in err.value.message_dict
    past = services.campaign_save(by=admin_user, name="x", opens_on=datetime.date(2020, 1, 1),
                                  closes_on=datetime.date(2020, 2, 1))
    with pytest.raises(ValidationError) as err:
        services.campaign_launch(campaign=past, by=admin_user)
    assert "closes_on" in err.value.message_dict


def test_close_expires_pending_invitations(admin_user, partner_a, partner_b):
    c = campaign()
    invitation(partner_a, c)
    done = invitation(partner_b, c, status="answered")
    assert services.campaign_close(campaign=c, by=admin_user) == 1
    assert set(Invitation.objects.filter(campaign=c).values_list("status", flat=True)) == {"expired", "answered"}
    done.refresh_from_db()
    assert done.status == "answered"


def test_submit_writes_response_answers_and_snapshot(partner_user_a, partner_a):
    c = campaign()
    inv = invitation(partner_a, c)
    response = services.response_submit(invitation=inv, by=partner_user_a, answers=answers(c, 5, 2), comment=" ok ")
    assert response.partner_id == partner_a.pk and response.campaign_id == c.pk
    assert (response.partner_type_id, response.cooperation_model, response.tier, response.city_id) == (
        partner_a.partner_type_id, partner_a.cooperation_model, partner_a.tier, partner_a.city_id)
    assert response.comment == "ok"
    assert Answer.objects.filter(response=response).count() == 12
    assert set(Answer.objects.values_list("importance", "satisfaction")) == {(5, 2)}
    inv.refresh_from_db()
    assert inv.status == "answered" and inv.answered_at == response.submitted_at


def test_submit_feeds_the_analysis_cube(partner_user_a, partner_a):
    from support.surveys.models import AnswerAggregate

    c = campaign()
    services.response_submit(invitation=invitation(partner_a, c), by=partner_user_a, answers=answers(c, 4, 3))
    assert AnswerAggregate.objects.filter(campaign=c).count() == 12


def test_each_partner_user_answers_once_colleagues_too(partner_user_a, partner_a):
    c = campaign()
    inv = invitation(partner_a, c)
    services.response_submit(invitation=inv, by=partner_user_a, answers=answers(c))
    with pytest.raises(ValidationError) as err:
        services.response_submit(invitation=inv, by=partner_user_a, answers=answers(c))
    assert "invitation" in err.value.message_dict
    colleague = f.PartnerUserFactory(partner=partner_a)
    services.response_submit(invitation=inv, by=colleague, answers=answers(c, 2, 2))
    assert Response.objects.filter(invitation=inv).count() == 2


def test_only_the_invited_partners_users_answer(partner_a, partner_user_b, admin_user):
    c = campaign()
    inv = invitation(partner_a, c)
    for user in (partner_user_b, admin_user):
        with pytest.raises(ValidationError) as err:
            services.response_submit(invitation=inv, by=user, answers=answers(c))
        assert "invitation" in err.value.message_dict
    assert not Response.objects.exists()


@pytest.mark.parametrize("state", ["closed", "draft", "future", "past", "expired"])
def test_closed_campaigns_refuse_answers(partner_user_a, partner_a, state):
    today = timezone.localdate()
    kwargs = {
        "closed": {"status": "closed"},
        "draft": {"status": "draft"},
        "future": {"opens_on": today + datetime.timedelta(days=2)},
        "past": {"opens_on": today - datetime.timedelta(days=30), "closes_on": today - datetime.timedelta(days=1)},
        "expired": {},
    }[state]
    c = campaign(**kwargs)
    inv = invitation(partner_a, c, status="expired" if state == "expired" else "pending")
    with pytest.raises(ValidationError) as err:
        services.response_submit(invitation=inv, by=partner_user_a, answers=answers(c))
    assert "invitation" in err.value.message_dict
    assert not Response.objects.exists()


def test_answers_are_validated_per_factor(partner_user_a, partner_a):
    c = campaign(codes=["market_heat", "response_time", "brand_influence"])
    inv = invitation(partner_a, c)
    ids = dict(c.factors.values_list("code", "pk"))
    other = SurveyFactor.objects.get(code="input_cost").pk
    bad = [
        {"factor": ids["market_heat"], "importance": 6, "satisfaction": 3},  # out of range
        {"factor": ids["response_time"], "importance": 3, "satisfaction": 3},
        {"factor": ids["response_time"], "importance": 3, "satisfaction": 3},  # twice
        {"factor": other, "importance": 3, "satisfaction": 3},  # not in this survey
        # brand_influence missing
    ]
    with pytest.raises(FieldErrors) as err:
        services.response_submit(invitation=inv, by=partner_user_a, answers=bad)
    detail = err.value.detail["answers"]
    assert set(detail) == {str(ids["market_heat"]), str(ids["response_time"]), str(other),
                           str(ids["brand_influence"]), "__all__"}
    with pytest.raises(FieldErrors) as err:
        services.response_submit(invitation=inv, by=partner_user_a, answers=[{"importance": 1}, "x"])
    assert "__all__" in err.value.detail["answers"]
    assert not Response.objects.exists()
    services.response_submit(invitation=inv, by=partner_user_a, answers=answers(c))
    assert Response.objects.count() == 1


def test_partner_user_role_required(partner_a):
    c = campaign()
    inv = invitation(partner_a, c)
    cm = f.UserFactory(role=Role.CHANNEL_MANAGER)
    with pytest.raises(ValidationError):
        services.response_submit(invitation=inv, by=cm, answers=answers(c))
