"""Portal pages of support: who may open which page; the subject comes through the scoping."""
import pytest
from django.test import Client

from support.models import Ticket


@pytest.fixture
def browser_client():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def ticket(open_ticket, partner_a, partner_user_a):
    return open_ticket(partner_a, by=partner_user_a)


@pytest.mark.parametrize("user", ["admin_user", "channel_manager", "product_manager", "partner_user_a"])
def test_lists_and_ticket_page_open_for_portal_roles(request, browser_client, ticket, user):
    client = browser_client(request.getfixturevalue(user))
    assert client.get("/support/tickets/").status_code == 200
    page = client.get(f"/support/tickets/{ticket.pk}/")
    assert page.status_code == 200
    assert ticket.subject in page.content.decode()


def test_partner_user_gets_the_portal_404_on_another_partners_ticket(browser_client, open_ticket, partner_b, partner_user_a):
    other = open_ticket(partner_b)
    response = browser_client(partner_user_a).get(f"/support/tickets/{other.pk}/")
    assert response.status_code == 404
    assert other.subject not in response.content.decode()


@pytest.mark.parametrize("url", ["/support/report/", "/support/settings/"])
def test_staff_pages_refuse_partner_users(browser_client, partner_user_a, channel_manager, url):
    assert browser_client(partner_user_a).get(url).status_code == 403
    assert browser_client(channel_manager).get(url).status_code == 200


def test_open_form_for_partners_and_channel_managers_only(browser_client, partner_user_a, channel_manager, product_manager):
    assert browser_client(partner_user_a).get("/support/tickets/new/").status_code == 200
    assert browser_client(channel_manager).get("/support/tickets/new/").status_code == 200
    assert browser_client(product_manager).get("/support/tickets/new/").status_code == 403


def test_anonymous_is_sent_to_sign_in(ticket):
    response = Client().get(f"/support/tickets/{ticket.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_navigation_shows_support_entries_per_role(browser_client, partner_user_a, channel_manager):
    staff_page = browser_client(channel_manager).get("/support/tickets/").content.decode()
    assert 'data-nav="support-queue"' in staff_page and 'data-nav="support-report"' in staff_page
    partner_page = browser_client(partner_user_a).get("/support/tickets/").content.decode()
    assert 'data-nav="support-my-tickets"' in partner_page and 'data-nav="support-report"' not in partner_page


def test_partner_page_section_is_registered_for_staff_and_partner_users(channel_manager, partner_user_a, partner_a):
    from django.template.loader import render_to_string

    from prm.navigation import partner_sections_for

    assert "support" in {section.key for section in partner_sections_for(channel_manager)}
    assert "support" in {section.key for section in partner_sections_for(partner_user_a)}
    html = render_to_string("support/_partner_section.html", {"partner": partner_a})
    assert 'id="support-section"' in html and f'data-partner-id="{partner_a.pk}"' in html
