"""The allocation API: isolation, permissions, filters, edits that re-place partners, bad input
(400 with field messages), the budget split and the CSV exports."""
import csv
import datetime
import io
from decimal import Decimal

import pytest

from lifecycle.allocation import engine
from lifecycle.allocation.models import AllocationChange, AllocationWeight, CityMarketPotential, PartnerAllocation
from partners.choices import Tier
from tests import factories as f
from tests.api_suite import ADMIN, CHANNEL_MANAGER, INTEGRATION_RO, INTEGRATION_RW, OWN, PRODUCT_MANAGER, APIIsolationSuite

from .factories import PartnerAllocationFactory
from .helpers import fixed_measure

READERS = frozenset({ADMIN, CHANNEL_MANAGER, PRODUCT_MANAGER, INTEGRATION_RO, INTEGRATION_RW})
AS_OF = datetime.date(2026, 11, 28)


class TestPartnerAllocationAPI(APIIsolationSuite):
    url = "/api/v1/allocation/partners/"
    model = PartnerAllocation
    read_roles = READERS
    create_roles = None
    update_roles = None
    delete_roles = None

    def make_object(self, world, partner):
        PartnerAllocation.objects.filter(partner=partner).delete()
        return PartnerAllocationFactory(partner=partner)

    def make_many(self, world, count):
        own = world.partners[OWN]
        return [self.make_object(world, f.PartnerFactory(city=own.city, channel_manager=own.channel_manager))
                for _ in range(count)]


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def placed(db, measures_only):
    """Nine partners with known scores, placed by the job; weights: one measure per axis."""
    partners = [f.PartnerFactory(city=f.city("CD" if i % 2 else "MY"), tier=Tier.GOLD if i < 3 else Tier.REGISTERED)
                for i in range(9)]
    attractiveness = [90, 80, 70, 60, 50, 49, 30, 20, 10]
    fit = [90, 50, 10, 90, 34, 67, 33, 50, 90]
    measures_only(fixed_measure("a", {p.pk: s for p, s in zip(partners, attractiveness)}),
                  fixed_measure("f", {p.pk: s for p, s in zip(partners, fit)}))
    AllocationWeight.objects.all().delete()
    AllocationWeight.objects.create(axis="attractiveness", measure="a", weight=1)
    AllocationWeight.objects.create(axis="fit", measure="f", weight=1)
    engine.allocation_run(as_of=AS_OF)
    return partners


def segments(partners):
    got = dict(PartnerAllocation.objects.values_list("partner_id", "segment"))
    return [got[p.pk] for p in partners]


def test_grid_counts_and_filters(as_user, admin_user, placed):
    body = as_user(admin_user).get("/api/v1/allocation/grid/").json()
    assert body["as_of"] == AS_OF.isoformat() and body["total"] == 9
    counts = {c["segment"]: c["partners"] for c in body["cells"]}
    # 90/90→1 80/50→2 70/10→3 60/90→1 50/34→2 49/67→4 30/33→6 20/50→5 10/90→4
    assert counts == {1: 2, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1}
    priorities = {c["segment"]: (c["priority"], c["share"]) for c in body["cells"]}
    assert priorities[2] == (1, 50) and priorities[1] == (2, 30) and priorities[4] == (3, 20) and priorities[6][1] == 0
    gold = as_user(admin_user).get("/api/v1/allocation/grid/", {"tier": "gold"}).json()
    assert gold["total"] == 3
    cd = as_user(admin_user).get("/api/v1/allocation/grid/", {"city": "CD"}).json()
    assert cd["total"] == 4
    assert body["history"][-1]["as_of"] == AS_OF.isoformat()


@pytest.mark.parametrize("params,field", [({"city": "XX"}, "city"), ({"tier": "platinum"}, "tier"), ({"type": "NOPE"}, "type")])
def test_grid_bad_filters_are_400(as_user, admin_user, params, field):
    response = as_user(admin_user).get("/api/v1/allocation/grid/", params)
    assert response.status_code == 400 and field in response.json()


def test_partner_users_and_anonymous_are_refused(api, as_user, partner_user_a):
    client = as_user(partner_user_a)
    for url in ("/api/v1/allocation/grid/", "/api/v1/allocation/weights/", "/api/v1/allocation/grid-config/",
                "/api/v1/allocation/market-potential/", "/api/v1/allocation/partners/", "/api/v1/allocation/partners/export/",
                "/api/v1/allocation/budget/export/?market_funds=1&training_seats=1"):
        assert client.get(url).status_code == 403, url
        assert api.get(url).status_code in (401, 403), url
    assert client.post("/api/v1/allocation/budget/", {"market_funds": "1", "training_seats": 1}, format="json").status_code == 403
    assert client.put("/api/v1/allocation/weights/", {"weights": []}, format="json").status_code == 403


def test_partner_list_by_segment_and_unknown_segment(as_user, channel_manager, placed):
    client = as_user(channel_manager)
    body = client.get("/api/v1/allocation/partners/", {"segment": 2}).json()
    assert body["count"] == 2 and {r["segment"] for r in body["results"]} == {2}
    assert body["results"][0]["attractiveness"] >= body["results"][1]["attractiveness"]
    response = client.get("/api/v1/allocation/partners/", {"segment": 7})
    assert response.status_code == 400 and "segment" in response.json()
    assert client.get("/api/v1/allocation/partners/", {"segment": "two"}).status_code == 400
    detail = client.get(f"/api/v1/allocation/partners/{placed[0].pk}/").json()
    assert {m["measure"]: m["score"] for m in detail["measures"]} == {"a": 90, "f": 90}


def test_partner_export_is_streamed_csv(as_user, product_manager, placed):
    placed[0].name = "=HYPERLINK(1)"
    placed[0].save()
    response = as_user(product_manager).get("/api/v1/allocation/partners/export/", {"segment": 1})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = csv_rows(response)
    assert len(rows) == 3 and rows[0][0] == "Partner code"
    assert rows[1][1] == "'=HYPERLINK(1)"  # not a formula in a spreadsheet
    assert {int(r[-1]) for r in rows[1:]} == {1}


def test_weights_edit_replaces_and_replaces_partners(as_user, admin_user, product_manager, channel_manager, placed):
    assert segments(placed)[:3] == [1, 2, 3]
    assert as_user(channel_manager).put("/api/v1/allocation/weights/", {"weights": []}, format="json").status_code == 403
    swapped = {"weights": [{"axis": "attractiveness", "measure": "f", "weight": 1}, {"axis": "fit", "measure": "a", "weight": 2}]}
    response = as_user(product_manager).put("/api/v1/allocation/weights/", swapped, format="json")
    assert response.status_code == 200, response.json()
    # partner 3 (a 70, f 10) now has attractiveness 10, fit 70 → low attractiveness, high fit: segment 4
    assert segments(placed)[2] == 4
    rows = {r["measure"]: r for r in response.json()}
    assert rows["f"]["attractiveness"] == 1 and rows["a"]["fit"] == 2
    assert AllocationChange.objects.filter(what="weights").count() == 1
    grid = as_user(admin_user).get("/api/v1/allocation/grid/").json()
    assert sum(c["partners"] for c in grid["cells"]) == 9


@pytest.mark.parametrize("weights,expect", [
    ([{"axis": "attractiveness", "measure": "a", "weight": -1}, {"axis": "fit", "measure": "f", "weight": 1}], "weights"),
    ([{"axis": "attractiveness", "measure": "nope", "weight": 1}, {"axis": "fit", "measure": "f", "weight": 1}], "weights"),
    ([{"axis": "attractiveness", "measure": "a", "weight": 1}], "weights"),  # nothing on fit
    ([{"axis": "height", "measure": "a", "weight": 1}], "weights"),
    ([{"axis": "attractiveness", "measure": "a", "weight": 1.5}, {"axis": "fit", "measure": "f", "weight": 1}], "weights"),
    ([], "weights"),
])
def test_bad_weights_are_400(as_user, admin_user, placed, weights, expect):
    before = list(AllocationWeight.objects.values_list("axis", "measure", "weight"))
    response = as_user(admin_user).put("/api/v1/allocation/weights/", {"weights": weights}, format="json")
    assert response.status_code == 400 and expect in response.json()
    assert list(AllocationWeight.objects.values_list("axis", "measure", "weight")) == before


def test_grid_config_edit_replaces_partners(as_user, admin_user, channel_manager, placed):
    assert as_user(channel_manager).patch("/api/v1/allocation/grid-config/", {"attractiveness_bounds": [40]}, format="json").status_code == 403
    response = as_user(admin_user).patch("/api/v1/allocation/grid-config/", {"attractiveness_bounds": [40]}, format="json")
    assert response.status_code == 200, response.json()
    assert segments(placed)[6] == 6  # a 30 still low
    assert segments(placed)[5] == 1  # a 49 is now high; fit 67 high → 1
    response = as_user(admin_user).patch(
        "/api/v1/allocation/grid-config/",
        {"attractiveness_bounds": [40, 70], "fit_bounds": [50], "segments": [[5, 6], [3, 4], [1, 2]]}, format="json")
    assert response.status_code == 200, response.json()
    assert segments(placed)[:3] == [2, 2, 1]  # 90/90 · 80/50 · 70/10
    grid = as_user(admin_user).get("/api/v1/allocation/grid/").json()
    assert (grid["rows"], grid["columns"]) == (3, 2)


@pytest.mark.parametrize("payload,field", [
    ({"fit_bounds": [67, 34]}, "fit_bounds"),
    ({"fit_bounds": [50, 50]}, "fit_bounds"),
    ({"fit_bounds": [0, 50]}, "fit_bounds"),
    ({"segments": [[6, 5, 4], [3, 2, 9]]}, "segments"),
    ({"segments": [[6, 5, 4], [3, 2, 2]]}, "segments"),
    ({"priority": [2, 1, 4, 3, 5, 7]}, "priority"),
    ({"rank_shares": [60, 30, 20, 0, 0, 0]}, "rank_shares"),
    ({"attractiveness_bounds": "50"}, "attractiveness_bounds"),
    ({"trained_people_target": 0}, "trained_people_target"),
])
def test_bad_grid_config_is_400(as_user, admin_user, payload, field):
    response = as_user(admin_user).patch("/api/v1/allocation/grid-config/", payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()


def test_market_potential_edit(as_user, admin_user, channel_manager):
    client = as_user(admin_user)
    rows = client.get("/api/v1/allocation/market-potential/").json()
    assert len(rows) == 21 and max(rows, key=lambda r: r["score"])["city"] == "CD"
    assert client.patch("/api/v1/allocation/market-potential/", {"scores": {"AB": 33}}, format="json").status_code == 200
    assert CityMarketPotential.objects.get(city__code="AB").score == 33
    for bad in ({"scores": {"XX": 10}}, {"scores": {"AB": 101}}, {"scores": {"AB": -1}}, {"scores": {}}):
        response = client.patch("/api/v1/allocation/market-potential/", bad, format="json")
        assert response.status_code == 400 and "scores" in response.json()
    assert as_user(channel_manager).patch("/api/v1/allocation/market-potential/", {"scores": {"AB": 1}}, format="json").status_code == 403


def test_budget_split_and_exports(as_user, channel_manager, integration_ro, placed):
    client = as_user(channel_manager)
    response = client.post("/api/v1/allocation/budget/", {"market_funds": "1000.00", "training_seats": 7}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    by_segment = {r["segment"]: r for r in body["segments"]}
    assert Decimal(by_segment[2]["market_funds"]) == Decimal("500.00") and by_segment[2]["partners"] == 2
    assert sum(r["training_seats"] for r in body["segments"]) == 7
    assert sum(Decimal(r["market_funds"]) for r in body["segments"]) == Decimal("1000.00")
    # filtered: only Mianyang partners
    my = client.post("/api/v1/allocation/budget/?city=MY", {"market_funds": "10", "training_seats": 1}, format="json").json()
    assert sum(r["partners"] for r in my["segments"]) == 5
    assert as_user(integration_ro).post("/api/v1/allocation/budget/", {"market_funds": "1", "training_seats": 1}, format="json").status_code == 403

    seg_csv = csv_rows(client.get("/api/v1/allocation/budget/export/", {"market_funds": "1000.00", "training_seats": 7}))
    assert seg_csv[1][0] == "2" and Decimal(seg_csv[1][4]) == Decimal("500.00")
    partner_csv = csv_rows(client.get("/api/v1/allocation/budget/export/",
                                      {"market_funds": "1000.01", "training_seats": 7, "detail": "partners"}))
    assert sum(Decimal(r[6]) for r in partner_csv[1:]) == Decimal("1000.01")
    assert sum(int(r[7]) for r in partner_csv[1:]) == 7


@pytest.mark.parametrize("payload,field", [
    ({"market_funds": "-1", "training_seats": 1}, "market_funds"),
    ({"market_funds": "1.001", "training_seats": 1}, "market_funds"),
    ({"market_funds": "abc", "training_seats": 1}, "market_funds"),
    ({"market_funds": "1", "training_seats": -1}, "training_seats"),
    ({"market_funds": "1", "training_seats": 1.5}, "training_seats"),
    ({"market_funds": "1"}, "training_seats"),
])
def test_bad_budget_is_400(as_user, admin_user, payload, field):
    response = as_user(admin_user).post("/api/v1/allocation/budget/", payload, format="json")
    assert response.status_code == 400 and field in response.json()


def test_bad_budget_export_is_400(as_user, admin_user):
    client = as_user(admin_user)
    assert client.get("/api/v1/allocation/budget/export/", {"market_funds": "x", "training_seats": 1}).status_code == 400
    response = client.get("/api/v1/allocation/budget/export/", {"market_funds": "1", "training_seats": 1, "detail": "cells"})
    assert response.status_code == 400
