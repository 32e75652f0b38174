"""Portal pages through their URLs: sign-in, role-based navigation, scoping (404 outside scope,
403 for view-only), the error pages in the portal's look, the language switch."""
import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from partners.choices import Role
from prm.models import Notification
from prm.navigation import STAFF_ROLES, PartnerSection
from tests import factories as f

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def nav_keys(response):
    return re.findall(r'data-nav="([^"]+)"', response.content.decode())


@pytest.fixture
def contact_a(partner_a):
    return f.ContactFactory(partner=partner_a, name="张三")


@pytest.fixture
def contact_b(partner_b):
    return f.ContactFactory(partner=partner_b, name="李四")


def page_urls(partner, contact):
    return [
        "/",
        reverse("portal:dashboard"),
        reverse("portal:partner-list"),
        reverse("portal:partner-create"),
        reverse("portal:partner-detail", args=[partner.pk]),
        reverse("portal:partner-edit", args=[partner.pk]),
        reverse("portal:contact-create", args=[partner.pk]),
        reverse("portal:contact-edit", args=[contact.pk]),
        reverse("portal:my-organisation"),
        reverse("notifications"),
    ]


# --- sign-in ---------------------------------------------------------------------------------


def test_every_page_needs_sign_in(partner_a, contact_a):
    client = Client()
    for url in page_urls(partner_a, contact_a):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{reverse('login')}?next="), url


def test_login_page_renders_with_language_switch():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert 'name="language"' in body and "csrfmiddlewaretoken" in body


def test_sign_in_lands_staff_on_dashboard_and_partners_on_their_organisation(channel_manager, partner_user_a):
    client = Client()
    response = client.post(reverse("login"), {"username": "cm", "password": "pass-1234-word"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:dashboard")
    assert "Welcome" in response.content.decode()

    client = Client()
    response = client.post(reverse("login"), {"username": "pa", "password": "pass-1234-word"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:my-organisation")


def test_wrong_password_shows_the_error_on_the_login_page(channel_manager):
    response = Client().post(reverse("login"), {"username": "cm", "password": "wrong"})
    assert response.status_code == 200
    assert "alert-error" in response.content.decode()


def test_sign_out_is_a_post_and_says_so(channel_manager):
    client = client_for(channel_manager)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("login")
    assert "You have signed out." in response.content.decode()
    assert client.get(reverse("portal:dashboard")).status_code == 302


# --- navigation per role ---------------------------------------------------------------------


PARTNERS_APP_NAV = {"dashboard", "partners", "my-organisation", "admin", "api-docs"}


@pytest.mark.parametrize(
    "fixture, expected",
    [
        ("admin_user", ["dashboard", "partners", "admin", "api-docs"]),
        ("channel_manager", ["dashboard", "partners", "api-docs"]),
        ("product_manager", ["dashboard", "partners", "api-docs"]),
        ("partner_user_a", ["my-organisation"]),
    ],
)
def test_navigation_shows_each_role_its_entries(request, fixture, expected):
    """The partners app's entries per role (other apps add theirs; their tests check them)."""
    user = request.getfixturevalue(fixture)
    response = client_for(user).get(reverse("notifications"))
    assert response.status_code == 200
    assert [key for key in nav_keys(response) if key in PARTNERS_APP_NAV] == expected
    body = response.content.decode()
    for key in nav_keys(response):  # every entry shown links to a page this user may open
        href = re.search(rf'href="([^"]+)"[^>]*data-nav="{key}"', body).group(1)
        assert client_for(user).get(href).status_code in (200, 302), href


def test_current_page_is_marked_in_the_navigation(channel_manager, partner_a):
    response = client_for(channel_manager).get(reverse("portal:partner-detail", args=[partner_a.pk]))
    assert re.search(r'class="nav-link is-active" href="/partners/" aria-current="page" data-nav="partners"', response.content.decode())


def test_user_menu_shows_name_role_and_unread_count(partner_user_a):
    Notification.objects.create(recipient=partner_user_a, kind="test", title="Hello", dedupe_key="k1")
    Notification.objects.create(recipient=partner_user_a, kind="test", title="Read", dedupe_key="k2",
                                read_at="2025-01-01T00:00:00Z")
    body = client_for(partner_user_a).get(reverse("portal:my-organisation")).content.decode()
    assert "Partner user" in body
    assert re.search(r"data-bell-count>1</span>", body)
    assert 'action="/accounts/logout/"' in body


# --- pages per role --------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["admin_user", "channel_manager", "product_manager"])
def test_staff_pages_open_for_staff(request, fixture, partner_a):
    client = client_for(request.getfixturevalue(fixture))
    assert client.get("/").url == reverse("portal:dashboard")
    for name in ("portal:dashboard", "portal:partner-list"):
        assert client.get(reverse(name)).status_code == 200
    response = client.get(reverse("portal:partner-detail", args=[partner_a.pk]))
    assert response.status_code == 200
    assert partner_a.name in response.content.decode()
    assert client.get(reverse("portal:my-organisation")).status_code == 403


def test_partner_user_gets_403_on_staff_pages_in_the_portal_look(partner_user_a):
    client = client_for(partner_user_a)
    for name in ("portal:dashboard", "portal:partner-list", "portal:partner-create"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "errors/error.html" in [t.name for t in response.templates]
        assert "my-organisation" in nav_keys(response) and "partners" not in nav_keys(response)


def test_partner_user_sees_only_their_own_organisation(partner_user_a, partner_a, partner_b):
    client = client_for(partner_user_a)
    assert client.get("/").url == reverse("portal:my-organisation")
    response = client.get(reverse("portal:my-organisation"))
    body = response.content.decode()
    assert response.status_code == 200
    assert partner_a.name in body and partner_b.name not in body
    assert f'data-partner-url="/api/v1/partners/{partner_a.pk}/"' in body
    # Their own partner's staff URL leads to the same page.
    assert client.get(reverse("portal:partner-detail", args=[partner_a.pk])).url == reverse("portal:my-organisation")


def test_partner_user_gets_the_portal_404_for_another_partner(partner_user_a, partner_b, contact_b):
    client = client_for(partner_user_a)
    for url in (
        reverse("portal:partner-detail", args=[partner_b.pk]),
        reverse("portal:partner-edit", args=[partner_b.pk]),
        reverse("portal:contact-create", args=[partner_b.pk]),
        reverse("portal:contact-edit", args=[contact_b.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        body = response.content.decode()
        assert "Page not found" in body and "error-page" in body
        assert partner_b.name not in body and partner_b.code not in body
        assert "my-organisation" in nav_keys(response) and "partners" not in nav_keys(response)


def test_out_of_scope_answers_the_portal_404_even_with_debug_on(settings, partner_user_a, partner_b):
    settings.DEBUG = True
    response = client_for(partner_user_a).get(reverse("portal:partner-detail", args=[partner_b.pk]))
    assert response.status_code == 404
    assert "error-page" in response.content.decode()


def test_partner_user_edits_own_profile_and_contacts(partner_user_a, partner_a, contact_a):
    client = client_for(partner_user_a)
    response = client.get(reverse("portal:partner-edit", args=[partner_a.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    # Only the self-service fields are offered.
    assert 'name="website"' in body and 'name="tier"' not in body and 'name="channel_manager"' not in body
    assert client.get(reverse("portal:contact-edit", args=[contact_a.pk])).status_code == 200
    assert client.get(reverse("portal:contact-create", args=[partner_a.pk])).status_code == 200


def test_channel_manager_may_view_but_not_change_another_managers_partner(other_channel_manager, partner_a):
    client = client_for(other_channel_manager)
    response = client.get(reverse("portal:partner-detail", args=[partner_a.pk]))
    assert response.status_code == 200
    assert 'data-can-change="false"' in response.content.decode()
    assert reverse("portal:partner-edit", args=[partner_a.pk]) not in response.content.decode()
    assert client.get(reverse("portal:partner-edit", args=[partner_a.pk])).status_code == 403
    assert client.get(reverse("portal:contact-create", args=[partner_a.pk])).status_code == 403


def test_owner_sees_edit_actions(channel_manager, partner_a, contact_a):
    client = client_for(channel_manager)
    body = client.get(reverse("portal:partner-detail", args=[partner_a.pk])).content.decode()
    assert 'data-can-change="true"' in body
    assert reverse("portal:partner-edit", args=[partner_a.pk]) in body
    assert client.get(reverse("portal:partner-edit", args=[partner_a.pk])).status_code == 200
    assert client.get(reverse("portal:contact-edit", args=[contact_a.pk])).status_code == 200


def test_only_administrators_and_channel_managers_create_partners(admin_user, channel_manager, product_manager):
    assert client_for(admin_user).get(reverse("portal:partner-create")).status_code == 200
    response = client_for(channel_manager).get(reverse("portal:partner-create"))
    assert response.status_code == 200
    assert "New partner" in response.content.decode()
    assert client_for(product_manager).get(reverse("portal:partner-create")).status_code == 403
    assert 'href="/partners/new/"' not in client_for(product_manager).get(reverse("portal:partner-list")).content.decode()


def test_partner_list_offers_every_api_filter(channel_manager):
    body = client_for(channel_manager).get(reverse("portal:partner-list")).content.decode()
    from partners.filtersets import PartnerFilterSet

    for name in PartnerFilterSet.base_filters:
        assert f'data-filter="{name}"' in body, name
    assert 'data-filter="ordering"' in body and 'data-filter="page_size"' in body
    assert str(channel_manager) in body  # channel manager choices


def test_unknown_ids_are_404(channel_manager):
    client = client_for(channel_manager)
    assert client.get(reverse("portal:partner-detail", args=[999999])).status_code == 404
    assert client.get(reverse("portal:contact-edit", args=[999999])).status_code == 404


def test_integration_clients_have_no_portal(integration_ro):
    response = client_for(integration_ro).get("/")
    assert response.status_code == 403
    assert nav_keys(response) == []


def test_registered_partner_sections_appear_on_the_detail_page(monkeypatch, channel_manager, partner_user_a, partner_a):
    from prm import navigation

    section = PartnerSection(key="probe", label="Probe section", template="partials/icons.html", roles=STAFF_ROLES)
    monkeypatch.setitem(navigation._sections, "probe", section)
    body = client_for(channel_manager).get(reverse("portal:partner-detail", args=[partner_a.pk])).content.decode()
    assert 'id="section-probe"' in body and "Probe section" in body
    body = client_for(partner_user_a).get(reverse("portal:my-organisation")).content.decode()
    assert 'id="section-probe"' not in body


# --- error pages -----------------------------------------------------------------------------


def test_unknown_portal_url_renders_the_portal_404(channel_manager):
    response = client_for(channel_manager).get("/no-such-page/")
    assert response.status_code == 404
    assert "error-page" in response.content.decode()
    assert {"dashboard", "partners", "api-docs"} <= set(nav_keys(response))


def test_unknown_api_url_stays_json():
    response = Client().get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_server_error_page_needs_no_database(rf, django_assert_num_queries):
    from prm.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/dashboard/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "error-page" in body


# --- language --------------------------------------------------------------------------------


def test_language_switch_turns_pages_chinese_and_is_remembered(channel_manager):
    client = client_for(channel_manager)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/dashboard/"})
    assert response.status_code == 302 and response.url == "/dashboard/"
    cookie = response.cookies["django_language"]
    assert cookie.value == "zh-hans" and int(cookie["max-age"]) >= 365 * 24 * 3600
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "仪表板" in body and "合作伙伴" in body
    catalog = client.get(reverse("javascript-catalog")).content.decode()
    assert json.dumps("正在加载…")[1:-1] in catalog  # "Loading…" from the JS catalog (JSON-escaped)


def test_choices_and_api_labels_follow_the_language(channel_manager, partner_a):
    client = client_for(channel_manager)
    client.post(reverse("set_language"), {"language": "zh-hans"})
    body = client.get(reverse("portal:partner-list")).content.decode()
    assert "认证等级" in body  # the filter's label
    choices = json.loads(re.search(r'<script id="filter-choices" type="application/json">(.*?)</script>', body).group(1))
    assert ["gold", "金牌认证合作伙伴"] in choices["tier"]
    data = client.get(f"/api/v1/partners/{partner_a.pk}/").json()
    assert data["tier_display"] == "注册合作伙伴" and data["city_label"] == "成都"


def test_notifications_page_for_every_portal_role(admin_user, channel_manager, product_manager, partner_user_a):
    for user in (admin_user, channel_manager, product_manager, partner_user_a):
        response = client_for(user).get(reverse("notifications"))
        assert response.status_code == 200
        assert 'data-api-url="/api/v1/notifications/"' in response.content.decode()


def test_portal_roles_match_the_role_choices():
    from prm.portal import PORTAL_ROLES

    assert PORTAL_ROLES == frozenset(Role.values) - {Role.INTEGRATION}


def test_every_registered_navigation_entry_resolves():
    """An app's nav entry must name a URL that exists (the portal hides any that do not)."""
    from prm.navigation import _nav

    unresolved = []
    for item in _nav.values():
        try:
            reverse(item.url_name)
        except Exception:
            unresolved.append(f"{item.key} -> {item.url_name}")
    assert unresolved == []
