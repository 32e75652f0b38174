"""The resource allocation page: who may open it, the staff navigation, the settings panel."""
import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_partner_users_are_refused_and_anonymous_sent_to_sign_in(partner_user_a):
    url = reverse("allocation:grid")
    assert client_for(partner_user_a).get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_staff_open_the_page(admin_user, channel_manager, product_manager):
    for user, editable in ((admin_user, True), (product_manager, True), (channel_manager, False)):
        response = client_for(user).get(reverse("allocation:grid"))
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="allocation-page"' in html and "js/allocation.js" in html
        assert f'data-can-edit="{"true" if editable else "false"}"' in html
        assert ("Save weights" in html) is editable
        assert reverse("allocation:grid") in html  # the staff navigation links the page


def test_page_in_chinese(channel_manager):
    client = client_for(channel_manager)
    response = client.get(reverse("allocation:grid"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_nav_hidden_from_partner_users(partner_user_a):
    html = client_for(partner_user_a).get(reverse("portal:home")).content.decode()
    assert reverse("allocation:grid") not in html


def test_partner_page_has_the_allocation_section(channel_manager, partner_a, partner_user_a):
    url = reverse("portal:partner-detail", args=[partner_a.pk])
    html = client_for(channel_manager).get(url).content.decode()
    assert "data-allocation-section" in html and f"/api/v1/allocation/partners/{partner_a.pk}/" in html
    assert "data-allocation-section" not in client_for(partner_user_a).get(url).content.decode()
