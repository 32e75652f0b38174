"""The survey pages render for their roles (others: the portal's 403), a partner user's answer
page is 404 for another partner's invitation, the nav shows the entries per role, and a partner
sees the survey link on its resolved support request."""
import pytest
from django.test import Client
from django.utils import timezone

from support.models import Ticket
from support.surveys.choices import TICKET_CAMPAIGN_CODE
from support.surveys.models import Campaign

from .factories import campaign, invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.mark.parametrize("user,url,status", [
    ("partner_user_a", "/surveys/", 200),
    ("admin_user", "/surveys/", 403),
    ("admin_user", "/surveys/campaigns/", 200),
    ("channel_manager", "/surveys/campaigns/", 200),
    ("product_manager", "/surveys/campaigns/", 200),
    ("partner_user_a", "/surveys/campaigns/", 403),
    ("admin_user", "/surveys/factors/", 200),
    ("product_manager", "/surveys/factors/", 200),
    ("channel_manager", "/surveys/factors/", 403),
    ("partner_user_a", "/surveys/factors/", 403),
])
def test_pages_by_role(request, client_for, user, url, status):
    assert client_for(request.getfixturevalue(user)).get(url).status_code == status


def test_anonymous_is_sent_to_sign_in():
    response = Client().get("/surveys/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_answer_page_is_scoped(client_for, partner_a, partner_b, partner_user_a):
    c = campaign(name="Quarterly survey")
    mine, theirs = invitation(partner_a, c), invitation(partner_b, c)
    client = client_for(partner_user_a)
    page = client.get(f"/surveys/{mine.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Quarterly survey" in text and f'/api/v1/survey-invitations/{mine.pk}/' in text
    assert client.get(f"/surveys/{theirs.pk}/").status_code == 404
    assert client.get("/surveys/999999999/").status_code == 404


def test_nav_entries_per_role(client_for, partner_user_a, admin_user, channel_manager):
    assert 'href="/surveys/"' in client_for(partner_user_a).get("/surveys/").content.decode()
    admin_page = client_for(admin_user).get("/surveys/campaigns/").content.decode()
    assert 'href="/surveys/campaigns/"' in admin_page and 'href="/surveys/factors/"' in admin_page
    cm_page = client_for(channel_manager).get("/surveys/campaigns/").content.decode()
    assert 'href="/surveys/factors/"' not in cm_page
    assert "data-new-campaign" not in cm_page  # channel managers read, do not manage


def test_resolved_ticket_page_links_to_its_survey(client_for, partner_a, partner_user_a, admin_user):
    ticket = Ticket.objects.create(partner=partner_a, category="sales", subject="Line down", description="…",
                                   status="resolved", resolved_at=timezone.now())
    standing = Campaign.objects.get(code=TICKET_CAMPAIGN_CODE)
    inv = invitation(partner_a, standing, ticket=ticket)
    page = client_for(partner_user_a).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert f'href="/surveys/{inv.pk}/"' in page
    staff_page = client_for(admin_user).get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert f'href="/surveys/{inv.pk}/"' not in staff_page
