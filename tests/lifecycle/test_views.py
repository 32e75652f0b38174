"""Lifecycle portal pages: who may open them, and the partner page's lifecycle section."""
import pytest
from django.test import Client
from django.urls import reverse

from .factories import RetentionPlanFactory

pytestmark = pytest.mark.django_db

PAGES = ["lifecycle:funnel", "lifecycle:early-warning", "lifecycle:win-back", "lifecycle:plan-list"]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", [*PAGES, "lifecycle:runs"])
def test_partner_users_are_refused_and_anonymous_sent_to_sign_in(name, partner_user_a):
    url = reverse(name)
    response = client_for(partner_user_a).get(url)
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("name", PAGES)
def test_staff_open_the_pages(name, channel_manager, product_manager):
    for user in (channel_manager, product_manager):
        response = client_for(user).get(reverse(name))
        assert response.status_code == 200
        assert 'id="lifecycle-choices"' in response.content.decode()


def test_runs_page_is_for_administrators(admin_user, channel_manager):
    assert client_for(admin_user).get(reverse("lifecycle:runs")).status_code == 200
    assert client_for(channel_manager).get(reverse("lifecycle:runs")).status_code == 403


def test_plan_pages_are_scoped(channel_manager, product_manager, partner_a, partner_b, partner_user_a):
    url = reverse("lifecycle:plan-create")
    assert client_for(channel_manager).get(url, {"partner": partner_a.pk}).status_code == 200
    assert client_for(channel_manager).get(url, {"partner": partner_b.pk}).status_code == 403  # view, not change
    assert client_for(channel_manager).get(url, {"partner": 999999}).status_code == 404
    assert client_for(channel_manager).get(url, {"partner": "x"}).status_code == 404
    assert client_for(product_manager).get(url, {"partner": partner_a.pk}).status_code == 403
    plan = RetentionPlanFactory(partner=partner_b)
    detail = reverse("lifecycle:plan-detail", args=[plan.pk])
    page = client_for(channel_manager).get(detail)
    assert page.status_code == 200 and 'data-can-change="false"' in page.content.decode()
    assert client_for(partner_user_a).get(detail).status_code == 403
    assert client_for(channel_manager).get(reverse("lifecycle:plan-detail", args=[plan.pk + 100])).status_code == 404


def test_navigation_and_partner_section(channel_manager, admin_user, partner_a, partner_user_a):
    page = client_for(channel_manager).get(reverse("portal:partner-detail", args=[partner_a.pk])).content.decode()
    assert 'id="lifecycle-section"' in page
    for name in PAGES:
        assert f'href="{reverse(name)}"' in page
    assert f'href="{reverse("lifecycle:runs")}"' not in page
    admin_page = client_for(admin_user).get(reverse("lifecycle:funnel")).content.decode()
    assert f'href="{reverse("lifecycle:runs")}"' in admin_page
    own = client_for(partner_user_a).get(reverse("portal:my-organisation")).content.decode()
    assert "lifecycle-section" not in own
    for name in PAGES:
        assert f'href="{reverse(name)}"' not in own


def test_pages_render_in_chinese(channel_manager):
    client = client_for(channel_manager)
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("lifecycle:early-warning"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "预警看板" in page  # "Early-warning board" in the operator's words
