"""Portal pages: who may open which loyalty page (data comes from the API, tested elsewhere)."""
import pytest
from django.test import Client

from prm.navigation import nav_for, partner_sections_for

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url, allowed",
    [
        ("/loyalty/", {"pa"}),
        ("/loyalty/rewards/", {"pa"}),
        ("/loyalty/redemptions/", {"pa", "admin", "cm", "pm"}),
        ("/loyalty/tier-reviews/", {"admin", "cm", "pm"}),
        ("/loyalty/programme/", {"admin", "cm", "pm"}),
    ],
)
def test_pages_open_for_their_roles_only(url, allowed, admin_user, channel_manager, product_manager, partner_user_a):
    for user in (admin_user, channel_manager, product_manager, partner_user_a):
        response = client_for(user).get(url)
        assert response.status_code == (200 if user.username in allowed else 403), (url, user.username)
    assert Client().get(url).status_code == 302


def test_partner_points_page_for_staff_is_scoped(admin_user, channel_manager, partner_user_a, partner_a, partner_b):
    url = f"/loyalty/partners/{partner_a.pk}/"
    page = client_for(channel_manager).get(url)
    assert page.status_code == 200 and b"data-adjust-form" in page.content  # owns partner_a
    page = client_for(channel_manager).get(f"/loyalty/partners/{partner_b.pk}/")
    assert page.status_code == 200 and b"data-adjust-form" not in page.content  # may only view
    assert client_for(admin_user).get("/loyalty/partners/999999/").status_code == 404
    assert client_for(partner_user_a).get(url).status_code == 403


def test_navigation_and_partner_section_are_registered(admin_user, product_manager, channel_manager, partner_user_a):
    keys = lambda user: {item.key for item in nav_for(user)}  # noqa: E731
    assert {"loyalty-points", "loyalty-rewards", "loyalty-my-redemptions"} <= keys(partner_user_a)
    assert "loyalty-tier-reviews" in keys(product_manager) and "loyalty-programme" in keys(product_manager)
    assert "loyalty-redemptions" in keys(channel_manager) and "loyalty-tier-reviews" not in keys(channel_manager)
    assert not {"loyalty-tier-reviews", "loyalty-programme"} & keys(partner_user_a)
    assert "loyalty" in {s.key for s in partner_sections_for(channel_manager)}
    assert "loyalty" not in {s.key for s in partner_sections_for(partner_user_a)}


def test_partner_detail_page_shows_the_loyalty_section(channel_manager, partner_a):
    page = client_for(channel_manager).get(f"/partners/{partner_a.pk}/")
    assert page.status_code == 200
    assert b"data-loyalty-section" in page.content and f"/loyalty/partners/{partner_a.pk}/".encode() in page.content
