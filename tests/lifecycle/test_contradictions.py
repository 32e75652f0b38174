"""The three-contradictions API and page: shape, trend and change, permissions, query count."""
import datetime
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lifecycle import indicators as registry
from lifecycle.indicators import Indicator, IndicatorValue, Lever, register_indicator
from lifecycle.models import IndicatorSnapshot

pytestmark = pytest.mark.django_db
BOARD = "/api/v1/lifecycle/contradictions/"


def history(key):
    return f"/api/v1/lifecycle/indicators/{key}/history/"


@pytest.fixture
def board(monkeypatch):
    """Two registered indicators (retain, regulate; attract left empty) with month-end snapshots."""
    monkeypatch.setattr(registry, "_REGISTRY", {})
    register_indicator(Indicator(key="retain.share", lever=Lever.RETAIN, label="Share", unit="percent", better="up",
                                 url_name="lifecycle:funnel", order=1, compute=lambda d: IndicatorValue(value=None)))
    register_indicator(Indicator(key="regulate.breaches", lever=Lever.REGULATE, label="Breaches", unit="count",
                                 better="down", url_name="no-such:page", compute=lambda d: IndicatorValue(value=None)))
    now = timezone.now()
    rows = [
        ("retain.share", datetime.date(2025, 3, 31), "50.00"),
        ("retain.share", datetime.date(2025, 4, 30), "55.00"),
        ("retain.share", datetime.date(2025, 5, 31), "60.00"),
        ("retain.share", datetime.date(2025, 5, 20), "99.00"),  # not a month end: not in the trend
        ("retain.share", datetime.date(2025, 6, 15), "58.50"),
        ("regulate.breaches", datetime.date(2025, 6, 15), "4"),
        ("retired.key", datetime.date(2025, 6, 15), "1"),  # no longer registered: not shown
    ]
    IndicatorSnapshot.objects.bulk_create(
        IndicatorSnapshot(key=k, as_of=d, value=Decimal(v), numerator=7, denominator=12,
                          breakdown={"SA": 58.5}, computed_at=now) for k, d, v in rows
    )


def test_board_shape_trend_and_change(board, as_user, channel_manager):
    response = as_user(channel_manager).get(BOARD)
    assert response.status_code == 200
    data = response.json()
    assert data["as_of"] == "2025-06-15" and data["months"] == 24
    assert [lever["key"] for lever in data["levers"]] == ["attract", "retain", "regulate"]
    attract, retain, regulate = data["levers"]
    assert attract["indicators"] == [] and attract["contradiction"]
    share = retain["indicators"][0]
    assert share["key"] == "retain.share" and share["url"] == reverse("lifecycle:funnel")
    assert share["value"] == 58.5 and share["numerator"] == 7 and share["breakdown"] == {"SA": 58.5}
    assert share["previous"] == {"as_of": "2025-05-31", "value": 60.0}
    assert share["change"] == -1.5
    assert [p["as_of"] for p in share["trend"]] == ["2025-03-31", "2025-04-30", "2025-05-31", "2025-06-15"]
    breaches = regulate["indicators"][0]
    assert breaches["url"] is None  # its page is not installed
    assert breaches["previous"] is None and breaches["change"] is None and len(breaches["trend"]) == 1


def test_board_as_of_an_earlier_day_and_bad_parameters(board, as_user, admin_user):
    client = as_user(admin_user)
    data = client.get(BOARD, {"as_of": "2025-05-31", "months": 1}).json()
    share = data["levers"][1]["indicators"][0]
    assert data["as_of"] == "2025-05-31"
    assert share["value"] == 60.0 and share["previous"]["as_of"] == "2025-04-30"
    for params in ({"as_of": "yesterday"}, {"months": 0}, {"months": 99}, {"months": "x"}):
        response = client.get(BOARD, params)
        assert response.status_code == 400, params


def test_board_before_anything_is_computed(as_user, product_manager):
    data = as_user(product_manager).get(BOARD).json()
    assert data["as_of"] is None
    retain = data["levers"][1]["indicators"]
    assert retain and all(i["value"] is None and i["trend"] == [] for i in retain)


def test_board_reads_a_fixed_number_of_queries(board, as_user, integration_ro, django_assert_max_num_queries):
    client = as_user(integration_ro)
    with django_assert_max_num_queries(6):  # auth token, user, latest day, the rows
        assert client.get(BOARD).status_code == 200


def test_history(board, as_user, channel_manager):
    client = as_user(channel_manager)
    data = client.get(history("retain.share"), {"date_from": "2025-05-01", "date_to": "2025-06-30"}).json()
    assert [row["as_of"] for row in data["rows"]] == ["2025-05-20", "2025-05-31", "2025-06-15"]
    assert data["unit"] == "percent" and data["rows"][0]["value"] == 99.0
    assert client.get(history("retired.key")).status_code == 404
    assert client.get(history("retain.share"), {"date_from": "2025-07-01", "date_to": "2025-06-01"}).status_code == 400
    assert client.get(history("retain.share"), {"date_from": "2015-07-01", "date_to": "2025-06-01"}).status_code == 400
    assert client.get(history("retain.share"), {"date_to": "soon"}).status_code == 400


@pytest.mark.parametrize("url", [BOARD, history("retain.share")])
def test_partner_users_and_anonymous_are_refused(board, url, as_user, partner_user_a, api):
    assert as_user(partner_user_a).get(url).status_code == 403
    assert api.get(url).status_code in (401, 403)


def test_page_renders_for_staff_only(channel_manager, partner_user_a):
    client = Client()
    client.force_login(channel_manager)
    response = client.get(reverse("lifecycle:contradictions"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("api:lifecycle-contradictions") in body
    for lever in ("attract", "retain", "regulate"):
        assert f'data-lever="{lever}"' in body
    assert "Many target partners, few willing partners." in body
    refused = Client()
    refused.force_login(partner_user_a)
    assert refused.get(reverse("lifecycle:contradictions")).status_code == 403
    assert Client().get(reverse("lifecycle:contradictions")).status_code == 302
