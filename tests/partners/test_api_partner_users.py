"""/api/v1/partner-users/: staff manage partner logins; deactivation instead of delete."""
import pytest

from partners.choices import Role
from partners.models import User
from tests import factories as f
from tests.api_suite import ADMIN, CHANNEL_MANAGER, INTEGRATION_RO, INTEGRATION_RW, STAFF, APIIsolationSuite, ids_of

URL = "/api/v1/partner-users/"
STRONG = "Tianfu-Sichuan-2025!"


class TestPartnerUserAPI(APIIsolationSuite):
    url = URL
    model = User
    read_roles = STAFF | {INTEGRATION_RO, INTEGRATION_RW}
    create_roles = update_roles = delete_roles = frozenset({ADMIN, CHANNEL_MANAGER})

    def make_object(self, world, partner):
        return f.PartnerUserFactory(partner=partner)

    def create_payload(self, world, partner):
        return {"username": f"login{world.unique()}", "partner": partner.pk, "password": STRONG}

    def update_payload(self, world, obj):
        return {"first_name": "Mei", "phone": "13800000000"}

    def assert_deleted(self, world, obj):
        obj.refresh_from_db()
        assert obj.is_active is False  # deactivated, still there for the records that name it


def test_partner_users_cannot_list_logins(as_user, partner_user_a):
    assert as_user(partner_user_a).get(URL).status_code == 403
    assert as_user(partner_user_a).get(f"{URL}{partner_user_a.pk}/").status_code == 403


def test_staff_accounts_are_not_listed(as_user, admin_user, channel_manager, product_manager, partner_user_a):
    body = as_user(admin_user).get(URL).json()
    assert ids_of(body) == [partner_user_a.pk]
    assert as_user(admin_user).get(f"{URL}{channel_manager.pk}/").status_code == 404


def test_create_sets_a_usable_password(as_user, channel_manager, partner_a):
    response = as_user(channel_manager).post(
        URL, {"username": "chengdu-a", "partner": partner_a.pk, "password": STRONG, "email": "a@a.example"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert "password" not in response.json()
    assert response.json()["partner_code"] == partner_a.code
    user = User.objects.get(username="chengdu-a")
    assert user.role == Role.PARTNER and user.partner == partner_a and user.is_active
    assert user.check_password(STRONG)


def test_create_without_password_makes_an_unusable_one(as_user, admin_user, partner_a):
    response = as_user(admin_user).post(URL, {"username": "nopass", "partner": partner_a.pk}, format="json")
    assert response.status_code == 201
    assert not User.objects.get(username="nopass").has_usable_password()


def test_role_cannot_be_chosen(as_user, admin_user, partner_a):
    response = as_user(admin_user).post(
        URL, {"username": "sneaky", "partner": partner_a.pk, "role": "admin", "is_superuser": True}, format="json"
    )
    assert response.status_code == 201
    user = User.objects.get(username="sneaky")
    assert user.role == Role.PARTNER and not user.is_superuser and not user.is_staff


@pytest.mark.parametrize(
    "password",
    ["short1!", "password123", "12345678901", "chengdu-a-login", "", "x" * 129],
    ids=["too-short", "common", "numeric", "like-username", "blank", "too-long"],
)
def test_weak_passwords_are_refused(as_user, admin_user, partner_a, password):
    response = as_user(admin_user).post(
        URL, {"username": "chengdu-a-login", "partner": partner_a.pk, "password": password}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()
    assert not User.objects.filter(username="chengdu-a-login").exists()


def test_password_change_is_validated_against_the_stored_user(as_user, admin_user, partner_a):
    user = f.PartnerUserFactory(username="wangwei2025", first_name="Wang", partner=partner_a)
    client = as_user(admin_user)
    response = client.patch(f"{URL}{user.pk}/", {"password": "wangwei2025"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()
    assert client.patch(f"{URL}{user.pk}/", {"password": STRONG}, format="json").status_code == 200
    user.refresh_from_db()
    assert user.check_password(STRONG)


def test_username_must_be_unique_and_valid(as_user, admin_user, partner_a, partner_user_a):
    client = as_user(admin_user)
    for username in (partner_user_a.username, "with space", "", "u" * 151):
        response = client.post(URL, {"username": username, "partner": partner_a.pk}, format="json")
        assert response.status_code == 400, username
        assert "username" in response.json()


def test_a_login_cannot_move_to_another_partner(as_user, admin_user, partner_user_a, partner_b):
    response = as_user(admin_user).patch(f"{URL}{partner_user_a.pk}/", {"partner": partner_b.pk}, format="json")
    assert response.status_code == 400
    assert "partner" in response.json()


def test_delete_deactivates(as_user, channel_manager, partner_user_a):
    client = as_user(channel_manager)
    assert client.delete(f"{URL}{partner_user_a.pk}/").status_code == 204
    partner_user_a.refresh_from_db()
    assert not partner_user_a.is_active
    body = client.get(f"{URL}{partner_user_a.pk}/").json()
    assert body["is_active"] is False
    assert client.patch(f"{URL}{partner_user_a.pk}/", {"is_active": True}, format="json").json()["is_active"] is True


def test_deactivated_login_is_refused_by_the_api(as_user, admin_user, partner_user_a):
    client = as_user(partner_user_a)
    assert client.get("/api/v1/me/").status_code == 200
    as_user(admin_user).delete(f"{URL}{partner_user_a.pk}/")
    partner_user_a.refresh_from_db()
    assert as_user(partner_user_a).get("/api/v1/partners/").status_code in (401, 403)


@pytest.fixture
def logins(partner_a, partner_b):
    return {
        "wang": f.PartnerUserFactory(username="wang", first_name="Wei", email="wang@a.example", partner=partner_a),
        "li": f.PartnerUserFactory(username="li", first_name="Na", partner=partner_a, is_active=False),
        "zhang": f.PartnerUserFactory(username="zhang", last_name="Qiang", partner=partner_b),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "wang"}, {"wang"}),
        ({"q": "qiang"}, {"zhang"}),
        ({"q": "a.example"}, {"wang"}),
        ({"is_active": "false"}, {"li"}),
        ({"is_active": "true"}, {"wang", "zhang"}),
        ({"partner": "A"}, {"wang", "li"}),
        ({"partner": "B"}, {"zhang"}),
    ],
)
def test_filters(as_user, admin_user, logins, partner_a, partner_b, params, expected):
    if "partner" in params:
        params = {"partner": {"A": partner_a, "B": partner_b}[params["partner"]].pk}
    body = as_user(admin_user).get(URL, {**params, "page_size": 200}).json()
    assert set(ids_of(body)) == {logins[name].pk for name in expected}


@pytest.mark.parametrize("ordering", ["username", "-username", "date_joined", "-last_login"])
def test_ordering(as_user, admin_user, logins, ordering):
    rows = as_user(admin_user).get(URL, {"ordering": ordering}).json()["results"]
    key = ordering.lstrip("-")
    values = [row[key] for row in rows if row[key] is not None]
    assert values == sorted(values, reverse=ordering.startswith("-"))
    assert [row["username"] for row in as_user(admin_user).get(URL).json()["results"]] == ["li", "wang", "zhang"]


@pytest.mark.parametrize(
    "params, field",
    [({"partner": "x"}, "partner"), ({"is_active": "perhaps"}, "is_active"), ({"ordering": "password"}, "ordering")],
)
def test_bad_filters_are_400(as_user, admin_user, logins, params, field):
    response = as_user(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()
