"""/api/v1/notifications/: everyone reads and marks only their own notifications."""
import pytest

from prm.models import Notification
from prm.services import notification_send

pytestmark = pytest.mark.django_db
URL = "/api/v1/notifications/"
MARK = "/api/v1/notifications/mark-read/"


@pytest.fixture
def inbox(channel_manager, partner_user_a, partner_user_b):
    notification_send(recipients=[partner_user_a], kind="ticket", title="Ticket answered", body="See the reply.",
                      url="/tickets/1/", dedupe_key="t1", email=False)
    notification_send(recipients=[partner_user_a], kind="tier", title="Tier review", dedupe_key="t2", email=False)
    notification_send(recipients=[partner_user_b, channel_manager], kind="ticket", title="Other partner's ticket",
                      dedupe_key="t3", email=False)
    return {n.title: n for n in Notification.objects.filter(recipient=partner_user_a)}


def test_list_shows_only_your_own(as_user, partner_user_a, inbox):
    body = as_user(partner_user_a).get(URL).json()
    assert body["count"] == 2
    assert {n["title"] for n in body["results"]} == {"Ticket answered", "Tier review"}
    first = next(n for n in body["results"] if n["title"] == "Ticket answered")
    assert first["is_read"] is False and first["url"] == "/tickets/1/" and first["body"] == "See the reply."


def test_another_users_notification_is_404(as_user, partner_user_b, inbox):
    other = inbox["Ticket answered"]
    assert as_user(partner_user_b).get(f"{URL}{other.pk}/").status_code == 404


def test_unread_filter(as_user, partner_user_a, inbox):
    client = as_user(partner_user_a)
    client.post(MARK, {"ids": [inbox["Tier review"].pk]}, format="json")
    assert [n["title"] for n in client.get(URL, {"unread": "true"}).json()["results"]] == ["Ticket answered"]
    assert [n["title"] for n in client.get(URL, {"unread": "false"}).json()["results"]] == ["Tier review"]


def test_mark_read_by_id_ignores_other_peoples_ids(as_user, partner_user_a, partner_user_b, inbox):
    theirs = Notification.objects.get(recipient=partner_user_b)
    response = as_user(partner_user_a).post(MARK, {"ids": [inbox["Tier review"].pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(as_user, partner_user_a, inbox):
    client = as_user(partner_user_a)
    assert client.post(MARK, {}, format="json").json() == {"marked": 2, "unread": 0}
    assert client.post(MARK, {}, format="json").json() == {"marked": 0, "unread": 0}
    assert Notification.objects.filter(recipient=partner_user_a, read_at__isnull=True).count() == 0


def test_every_portal_role_may_mark_its_own(as_user, product_manager):
    notification_send(recipients=[product_manager], kind="tier", title="Review due", dedupe_key="r", email=False)
    response = as_user(product_manager).post(MARK, {}, format="json")
    assert response.status_code == 200 and response.json()["marked"] == 1


@pytest.mark.parametrize("payload", [{"ids": "all"}, {"ids": [0]}, {"ids": ["x"]}, {"ids": []}, {"ids": [1] * 1001}])
def test_bad_mark_read_input_is_400(as_user, partner_user_a, payload):
    response = as_user(partner_user_a).post(MARK, payload, format="json")
    assert response.status_code == 400
    assert "ids" in response.json()


def test_notifications_cannot_be_written_through_the_list(as_user, partner_user_a, inbox):
    client = as_user(partner_user_a)
    assert client.post(URL, {"title": "fake"}, format="json").status_code == 405
    assert client.delete(f"{URL}{inbox['Tier review'].pk}/").status_code == 405


def test_anonymous_is_refused(api):
    assert api.get(URL).status_code in (401, 403)
    assert api.post(MARK, {}, format="json").status_code in (401, 403)
