"""/api/v1/partner-changes/: the change history of every partner in scope, read-only."""
import datetime

import pytest

from partners.models import PartnerChange
from tests.api_suite import APIIsolationSuite, ids_of

URL = "/api/v1/partner-changes/"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


class TestPartnerChangeAPI(APIIsolationSuite):
    url = URL
    model = PartnerChange
    create_roles = update_roles = delete_roles = None

    def make_object(self, world, partner):
        return PartnerChange.objects.create(
            partner=partner, field="tier", old_value="registered", new_value="certified",
            changed_by=world.users["admin"], reason="review",
        )


def change(partner, field, at, by=None, old="", new="x"):
    row = PartnerChange.objects.create(partner=partner, field=field, old_value=old, new_value=new, changed_by=by)
    PartnerChange.objects.filter(pk=row.pk).update(changed_at=at)
    return row


@pytest.fixture
def history(partner_a, partner_b, admin_user, channel_manager):
    return {
        # 2025-01-01 17:30 UTC is already 2 January in Shanghai, the business calendar
        "c1": change(partner_a, "tier", datetime.datetime(2025, 1, 1, 17, 30, tzinfo=datetime.timezone.utc),
                     by=admin_user),
        "c2": change(partner_a, "status", datetime.datetime(2025, 3, 5, 9, 0, tzinfo=SHANGHAI), by=channel_manager),
        "c3": change(partner_b, "channel_manager", datetime.datetime(2025, 6, 1, 12, 0, tzinfo=SHANGHAI),
                     by=admin_user),
    }


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"field": "tier"}, {"c1"}),
        ({"field": ["status", "channel_manager"]}, {"c2", "c3"}),
        ({"changed_from": "2025-01-02"}, {"c1", "c2", "c3"}),
        ({"changed_from": "2025-01-03"}, {"c2", "c3"}),
        ({"changed_to": "2025-01-01"}, set()),
        ({"changed_to": "2025-03-05"}, {"c1", "c2"}),
        ({"changed_from": "2025-03-05", "changed_to": "2025-03-05"}, {"c2"}),
        ({}, {"c1", "c2", "c3"}),
    ],
)
def test_filters(as_user, admin_user, history, params, expected):
    body = as_user(admin_user).get(URL, params).json()
    assert set(ids_of(body)) == {history[name].pk for name in expected}


def test_filter_by_partner_and_author(as_user, admin_user, channel_manager, history, partner_a, partner_b):
    client = as_user(admin_user)
    assert set(ids_of(client.get(URL, {"partner": partner_a.pk}).json())) == {history["c1"].pk, history["c2"].pk}
    assert set(ids_of(client.get(URL, {"changed_by": channel_manager.pk}).json())) == {history["c2"].pk}
    assert set(ids_of(client.get(URL, {"changed_by": admin_user.pk, "partner": partner_b.pk}).json())) == {
        history["c3"].pk}


def test_partner_user_reads_only_own_history(as_user, partner_user_a, history, partner_b):
    client = as_user(partner_user_a)
    assert set(ids_of(client.get(URL).json())) == {history["c1"].pk, history["c2"].pk}
    assert ids_of(client.get(URL, {"partner": partner_b.pk}).json()) == []


def test_newest_first_and_ordering(as_user, admin_user, history):
    client = as_user(admin_user)
    assert ids_of(client.get(URL).json()) == [history[k].pk for k in ("c3", "c2", "c1")]
    assert ids_of(client.get(URL, {"ordering": "changed_at"}).json()) == [history[k].pk for k in ("c1", "c2", "c3")]


def test_rows_say_who_when_from_to_why(as_user, admin_user, partner_a):
    response = as_user(admin_user).patch(
        f"/api/v1/partners/{partner_a.pk}/", {"tier": "gold", "change_reason": "金牌评审通过"}, format="json"
    )
    assert response.status_code == 200
    row = as_user(admin_user).get(URL, {"partner": partner_a.pk}).json()["results"][0]
    assert row["changed_by"] == {"id": admin_user.pk, "username": "admin", "display_name": str(admin_user)}
    assert (row["field"], row["old_value"], row["new_value"], row["reason"]) == (
        "tier", "registered", "gold", "金牌评审通过")
    assert row["changed_at"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"partner": "x"}, "partner"),
        ({"changed_by": "99999999999999999999"}, "changed_by"),
        ({"field": "name"}, "field"),
        ({"changed_from": "2025-02-30"}, "changed_from"),
        ({"changed_to": "0000-00-00"}, "changed_to"),
        ({"ordering": "field"}, "ordering"),
    ],
)
def test_bad_filters_are_400(as_user, admin_user, history, params, field):
    response = as_user(admin_user).get(URL, params)
    assert response.status_code == 400
    assert field in response.json()
