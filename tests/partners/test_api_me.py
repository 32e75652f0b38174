"""/api/v1/me/: who the signed-in user is."""
import pytest

ME = "/api/v1/me/"


def test_anonymous_is_refused(api, db):
    assert api.get(ME).status_code in (401, 403)


def test_partner_user_sees_own_partner(as_user, partner_user_a, partner_a):
    body = as_user(partner_user_a).get(ME).json()
    assert (body["username"], body["role"], body["role_display"]) == ("pa", "partner", "Partner user")
    assert body["partner"]["code"] == partner_a.code
    assert body["partner"]["id"] == partner_a.pk
    assert "password" not in body


@pytest.mark.parametrize(
    "fixture, role, api_write",
    [
        ("admin_user", "admin", False),
        ("channel_manager", "channel_manager", False),
        ("product_manager", "product_manager", False),
        ("integration_ro", "integration", False),
        ("integration_rw", "integration", True),
    ],
)
def test_staff_and_integrations(request, as_user, fixture, role, api_write):
    user = request.getfixturevalue(fixture)
    body = as_user(user).get(ME).json()
    assert (body["id"], body["role"], body["partner"], body["api_write"]) == (user.pk, role, None, api_write)


def test_superuser_counts_as_admin(as_user, db):
    from tests import factories as f

    user = f.UserFactory(role="product_manager", is_superuser=True)
    assert as_user(user).get(ME).json()["role"] == "admin"


def test_me_is_read_only(as_user, partner_user_a):
    client = as_user(partner_user_a)
    assert client.patch(ME, {"username": "x"}, format="json").status_code in (403, 405)
    assert client.post(ME, {}, format="json").status_code in (403, 405)
    assert client.delete(ME).status_code in (403, 405)


def test_session_login_works_for_the_portal(client, partner_user_a):
    assert client.login(username="pa", password="pass-1234-word")
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["username"] == "pa"
