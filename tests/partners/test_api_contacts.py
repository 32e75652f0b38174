"""/api/v1/contacts/: the isolation suite, filters, ordering and the one primary contact."""
import pytest

from partners.models import Contact
from tests import factories as f
from tests.api_suite import APIIsolationSuite, ids_of

URL = "/api/v1/contacts/"


class TestContactAPI(APIIsolationSuite):
    url = URL
    model = Contact

    def make_object(self, world, partner):
        return f.ContactFactory(partner=partner)

    def create_payload(self, world, partner):
        return {"partner": partner.pk, "name": f"王经理{world.unique()}", "email": "wang@example.com"}

    def update_payload(self, world, obj):
        return {"title": "Sales director", "phone": "028-12345678"}


@pytest.fixture
def contacts(partner_a, partner_b):
    return {
        "wang": f.ContactFactory(partner=partner_a, name="王伟", title="CEO", email="wang@a.example", is_primary=True),
        "li": f.ContactFactory(partner=partner_a, name="李娜", title="Engineer", email="li@a.example", phone="139"),
        "zhang": f.ContactFactory(partner=partner_b, name="张强", title="CEO", email="zhang@b.example"),
    }


def listed(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return set(ids_of(response.json()))


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "王"}, {"wang"}),
        ({"q": "ceo"}, {"wang", "zhang"}),
        ({"q": "b.example"}, {"zhang"}),
        ({"q": "139"}, {"li"}),
        ({"is_primary": "true"}, {"wang"}),
        ({"is_primary": "false"}, {"li", "zhang"}),
        ({"is_primary": "0"}, {"li", "zhang"}),
        ({}, {"wang", "li", "zhang"}),
    ],
)
def test_filters(as_user, admin_user, contacts, params, expected):
    assert listed(as_user(admin_user), **params) == {contacts[name].pk for name in expected}


def test_filter_by_partner(as_user, admin_user, contacts, partner_a, partner_b):
    client = as_user(admin_user)
    assert listed(client, partner=partner_a.pk) == {contacts["wang"].pk, contacts["li"].pk}
    assert listed(client, partner=partner_b.pk) == {contacts["zhang"].pk}


def test_filters_stay_inside_scope(as_user, partner_user_a, contacts, partner_b):
    assert listed(as_user(partner_user_a), partner=partner_b.pk) == set()
    assert listed(as_user(partner_user_a), q="张") == set()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"partner": "abc"}, "partner"),
        ({"partner": "1.5"}, "partner"),
        ({"partner": "99999999999999999999"}, "partner"),
        ({"is_primary": "maybe"}, "is_primary"),
        ({"q": "x" * 101}, "q"),
        ({"ordering": "email"}, "ordering"),
    ],
)
def test_bad_filters_are_400(as_user, admin_user, contacts, params, field):
    response = as_user(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("ordering", ["name", "-name", "created_at", "-updated_at"])
def test_ordering(as_user, admin_user, contacts, ordering):
    for contact, name in zip(contacts.values(), ["Wang Wei", "Li Na", "Zhang Qiang"]):  # any collation agrees
        Contact.objects.filter(pk=contact.pk).update(name=name)
    rows = as_user(admin_user).get(URL, {"ordering": ordering}).json()["results"]
    key = ordering.lstrip("-")
    values = [row[key] for row in rows]
    assert len(values) == 3
    assert values == sorted(values, reverse=ordering.startswith("-"))


def test_new_primary_contact_replaces_the_old_one(as_user, partner_user_a, contacts, partner_a):
    response = as_user(partner_user_a).post(
        URL, {"partner": partner_a.pk, "name": "赵敏", "is_primary": True}, format="json"
    )
    assert response.status_code == 201, response.content
    primaries = Contact.objects.filter(partner=partner_a, is_primary=True)
    assert list(primaries.values_list("name", flat=True)) == ["赵敏"]


def test_promoting_a_contact_demotes_the_primary(as_user, channel_manager, contacts, partner_a, partner_b):
    response = as_user(channel_manager).patch(f"{URL}{contacts['li'].pk}/", {"is_primary": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["is_primary"] is True
    assert list(Contact.objects.filter(partner=partner_a, is_primary=True)) == [contacts["li"]]
    # another partner's primary contact is untouched
    f.ContactFactory(partner=partner_b, is_primary=True)
    assert Contact.objects.filter(partner=partner_b, is_primary=True).count() == 1


def test_default_ordering_puts_primary_first(as_user, admin_user, contacts, partner_a):
    rows = as_user(admin_user).get(URL, {"partner": partner_a.pk}).json()["results"]
    assert [row["name"] for row in rows] == ["王伟", "李娜"]


def test_a_contact_cannot_move_to_another_partner(as_user, admin_user, contacts, partner_b):
    response = as_user(admin_user).patch(f"{URL}{contacts['wang'].pk}/", {"partner": partner_b.pk}, format="json")
    assert response.status_code == 400
    assert "partner" in response.json()
    contacts["wang"].refresh_from_db()
    assert contacts["wang"].partner_id != partner_b.pk


def test_partner_user_cannot_move_a_contact_to_another_partner(as_user, partner_user_a, contacts, partner_b):
    response = as_user(partner_user_a).patch(f"{URL}{contacts['li'].pk}/", {"partner": partner_b.pk}, format="json")
    assert response.status_code == 400
    assert "partner" in response.json()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"is_primary": "perhaps"}, "is_primary"),
        ({"notes": "n" * 2001}, "notes"),
        ({"partner": None}, "partner"),
        ({"partner": "abc"}, "partner"),
    ],
)
def test_create_validation(as_user, admin_user, partner_a, payload, field):
    body = {"partner": partner_a.pk, "name": "王伟", **payload}
    response = as_user(admin_user).post(URL, body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Contact.objects.exists()


def test_create_requires_partner_and_name(as_user, admin_user):
    response = as_user(admin_user).post(URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"partner", "name"}


def test_full_round_trip(as_user, partner_user_a, partner_a):
    client = as_user(partner_user_a)
    created = client.post(URL, {"partner": partner_a.pk, "name": "钱程", "title": "CTO"}, format="json").json()
    assert created["partner_code"] == partner_a.code
    url = f"{URL}{created['id']}/"
    assert client.put(url, {"partner": partner_a.pk, "name": "钱程", "title": "COO"}, format="json").json()["title"] == "COO"
    assert client.get(url).json()["title"] == "COO"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
