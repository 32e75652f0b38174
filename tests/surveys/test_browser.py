"""The surveys in a real browser: a partner user answers a survey on a phone (errors shown per
factor first, then the thank-you state); an administrator creates and launches a campaign and
changes a factor's weight."""
import pytest
from playwright.sync_api import expect

from support.surveys.models import Answer, Campaign, Invitation, Response, SurveyFactor
from tests.browser.conftest import PHONE, browser, new_page, shot, sign_in  # noqa: F401 (fixtures)

from .factories import campaign, invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_answers_a_survey_on_a_phone(new_page, shot, partner_a, partner_user_a, partner_b):
    c = campaign(name="2026 Q4 partner survey")
    inv = invitation(partner_a, c)
    invitation(partner_b, c)
    page = new_page(PHONE)
    sign_in(page, "pa")
    page.goto("/surveys/")
    expect(page.get_by_role("heading", name="My surveys")).to_be_visible()
    page.get_by_role("link", name="Answer now").click()
    expect(page.get_by_role("heading", name="2026 Q4 partner survey")).to_be_visible()
    expect(page.get_by_role("heading", name="Operator posture")).to_be_visible()
    expect(page.locator(".survey-factor")).to_have_count(12)
    expect(page.locator("[data-progress]")).to_have_text("0 of 12 factors rated")
    shot(page, "surveys-01-answer-phone")

    # Only one factor rated: the API's errors land on the other factors' cards.
    market = page.locator('.survey-factor[data-code="market_heat"]')
    market.get_by_label("How important is this to you? 5 of 5").check()
    market.get_by_label("How satisfied are you? 2 of 5").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator(".survey-factor.has-error")).to_have_count(11)
    expect(page.locator('.survey-factor[data-code="response_time"] [data-factor-error]')).to_contain_text(
        "Rate both how important and how satisfied")
    expect(market.locator("[data-factor-error]")).to_be_hidden()
    expect(page.locator("[data-form-alert]")).to_contain_text("11 still need a rating")
    assert not Response.objects.exists()

    for card in page.locator(".survey-factor").all():
        card.locator('[data-scale="importance"] label').nth(3).click()
        card.locator('[data-scale="satisfaction"] label').nth(2).click()
    market.get_by_label("How satisfied are you? 2 of 5").check()
    expect(page.locator("[data-progress]")).to_have_text("12 of 12 factors rated")
    page.get_by_label("Anything else you want to tell us? (optional)").fill("Market support please.")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, "surveys-02-thanks-phone")

    response = Response.objects.get()
    assert response.respondent_id == partner_user_a.pk and response.comment == "Market support please."
    assert Answer.objects.filter(response=response).count() == 12
    market_answer = Answer.objects.get(response=response, factor__code="market_heat")
    assert (market_answer.importance, market_answer.satisfaction) == (4, 2)
    assert Invitation.objects.get(pk=inv.pk).status == "answered"

    # Back on the list: nothing waiting; the survey is among the earlier ones.
    page.goto("/surveys/")
    expect(page.get_by_text("No survey is waiting for you.")).to_be_visible()
    expect(page.locator("[data-done]")).to_contain_text("You answered")
    page.goto(f"/surveys/{inv.pk}/")
    expect(page.get_by_text("You have already answered this survey. Thank you!")).to_be_visible()


def test_admin_creates_launches_and_weights(new_page, shot, admin_user, partner_a, partner_user_a):
    page = new_page()
    sign_in(page, "admin")
    page.goto("/surveys/campaigns/")
    page.get_by_role("button", name="New campaign").click()
    page.get_by_label("Name (English)").fill("Chengdu gold partners")
    page.get_by_label("Name (Chinese)").fill("成都金牌伙伴调查")
    page.get_by_label("Opens on").fill("2026-01-01")
    page.get_by_label("Closes on").fill("2025-12-01")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator('[data-error-for="closes_on"]')).to_contain_text("cannot be before")
    page.get_by_label("Closes on").fill("2099-12-31")
    page.get_by_role("button", name="Save draft").click()
    row = page.locator("tr", has_text="Chengdu gold partners")
    expect(row).to_contain_text("Draft")
    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Launch").click()
    expect(row).to_contain_text("Open")
    expect(row).to_contain_text("0%")
    row.get_by_role("button", name="By city").click()
    expect(page.locator("[data-stats]")).to_contain_text("Chengdu")
    expect(page.locator("[data-comments]")).to_contain_text("No comments yet.")
    shot(page, "surveys-03-campaigns")
    launched = Campaign.objects.get(name="Chengdu gold partners")
    assert launched.status == "open" and launched.invitations.filter(partner=partner_a).exists()

    page.goto("/surveys/factors/")
    weight = page.get_by_label("Weight of Market heat (%)")
    expect(weight).to_have_value("15.00")
    weight.fill("-3")
    weight.press("Tab")
    expect(page.locator("#weight-error-" + str(SurveyFactor.objects.get(code="market_heat").pk))).to_be_visible()
    weight.fill("20")
    weight.press("Tab")
    expect(page.locator("[data-total]")).to_contain_text("105")
    assert SurveyFactor.objects.get(code="market_heat").weight == 20
    shot(page, "surveys-04-weights")
