"""The funnel's arithmetic, checked against a small world computed by hand."""
import datetime
from decimal import Decimal

import pytest

from partners.choices import SaleStatus
from partners.recruitment.choices import ProspectSource, ProspectStatus
from partners.recruitment.funnel import funnel_refresh
from partners.recruitment.models import FunnelCell
from partners.recruitment.selectors import funnel_report, rate, weighted_median
from partners.recruitment.tasks import funnel_nightly
from tests import factories as f

from .factories import ProspectFactory

pytestmark = pytest.mark.django_db

D = datetime.date
AS_OF = D(2026, 6, 30)


def _partner(joined, sales=(), type_code="SA", city_code="CD", refunded=()):
    partner = f.PartnerFactory(joined_on=joined, partner_type=f.partner_type(type_code), city=f.city(city_code))
    for day in sales:
        f.SaleRecordFactory(partner=partner, sold_on=day)
    for day in refunded:
        f.SaleRecordFactory(partner=partner, sold_on=day, status=SaleStatus.REFUNDED)
    return partner


def _staff(entered, applied=None, status=ProspectStatus.PROSPECT, decided=None, partner=None):
    return ProspectFactory(source=ProspectSource.STAFF, entered_on=entered, applied_on=applied, status=status,
                           decided_on=decided, partner=partner)


def _app(applied, status=ProspectStatus.APPLIED, decided=None, partner=None, type_code="SA", city_code="CD"):
    return ProspectFactory(source=ProspectSource.APPLICATION, entered_on=applied, applied_on=applied, status=status,
                           decided_on=decided, partner=partner, partner_type=f.partner_type(type_code), city=f.city(city_code))


@pytest.fixture
def world():
    """Cohort January 2026, SA, Chengdu — see the expected figures in test_cell_by_hand."""
    p1 = _partner(D(2026, 1, 25), sales=[D(2026, 2, 24), D(2026, 3, 1)])
    _staff(D(2026, 1, 5), D(2026, 1, 15), ProspectStatus.ACCEPTED, D(2026, 1, 25), p1)      # 10 d, 10 d, 30 d
    _staff(D(2026, 1, 10), D(2026, 1, 30), ProspectStatus.REJECTED, D(2026, 2, 5))         # 20 d, lost
    _staff(D(2026, 1, 20))                                                                  # still a prospect
    _staff(D(2026, 1, 31), None, ProspectStatus.WITHDRAWN, D(2026, 3, 1))                  # lost before applying
    a1 = _partner(D(2026, 1, 22), sales=[D(2026, 7, 5)])                                    # sale after as_of
    _app(D(2026, 1, 12), ProspectStatus.ACCEPTED, D(2026, 1, 22), a1)                       # 10 d, no sale yet
    a2 = _partner(D(2026, 1, 26), sales=[D(2026, 3, 7)])
    _app(D(2026, 1, 18), ProspectStatus.ACCEPTED, D(2026, 1, 26), a2)                       # 8 d, 40 d
    _app(D(2026, 1, 25))                                                                    # waiting
    _partner(D(2026, 1, 3), sales=[D(2026, 1, 13)])                                         # registry: 10 d
    _partner(D(2026, 1, 28), refunded=[D(2026, 2, 1)])                                      # registry, no booked sale
    # Elsewhere: an ISV application in Mianyang in February, and a prospect after as_of.
    _app(D(2026, 2, 10), type_code="ISV", city_code="MY")
    _staff(D(2026, 7, 2))


def test_cell_by_hand(world):
    assert funnel_refresh(as_of=AS_OF) == 2
    cell = FunnelCell.objects.get(as_of=AS_OF, cohort_month=D(2026, 1, 1))
    assert (cell.partner_type.code, cell.city.code) == ("SA", "CD")
    assert cell.prospects == 4
    assert cell.applied == 5 and cell.applied_from_prospect == 2
    assert cell.registered == 5 and cell.registered_from_applied == 3
    assert cell.first_sale == 3
    assert cell.recruited == 7 and cell.recruited_first_sale == 2
    assert cell.lost == 2
    assert (cell.days_to_apply_sum, cell.days_to_apply_median) == (30, 15.0)
    assert (cell.days_to_register_sum, cell.days_to_register_median) == (28, 10.0)
    assert (cell.days_to_sale_sum, cell.days_to_sale_median) == (80, 30.0)
    other = FunnelCell.objects.get(as_of=AS_OF, cohort_month=D(2026, 2, 1))
    assert (other.partner_type.code, other.city.code, other.applied, other.prospects, other.registered) == ("ISV", "MY", 1, 0, 0)


def test_report_rates_and_days(world):
    funnel_refresh(as_of=AS_OF)
    report = funnel_report(by="type")
    assert report["as_of"] == AS_OF
    total = report["total"]
    assert total["counts"]["applied"] == 6
    moves = total["moves"]
    assert moves["prospect_to_applied"] == {"entered": 4, "reached": 2, "rate": Decimal("0.5000"),
                                            "mean_days": Decimal("15.0"), "median_days": Decimal("15.0")}
    assert moves["applied_to_registered"]["rate"] == Decimal("0.5000")  # 3 of 6 (the ISV one waits)
    assert moves["applied_to_registered"]["mean_days"] == Decimal("9.3")
    assert moves["registered_to_first_sale"]["rate"] == Decimal("0.6000")
    assert moves["registered_to_first_sale"]["mean_days"] == Decimal("26.7")
    assert total["overall_rate"] == Decimal("0.2500")  # 2 of 8 recruited
    groups = {g["key"]: g for g in report["groups"]}
    assert groups["SA"]["moves"]["applied_to_registered"]["rate"] == Decimal("0.6000")
    assert groups["SA"]["overall_rate"] == Decimal("0.2857")
    isv = groups["ISV"]
    assert isv["moves"]["prospect_to_applied"]["rate"] is None  # nobody entered: null, not a crash
    assert isv["moves"]["registered_to_first_sale"]["rate"] is None
    assert isv["moves"]["applied_to_registered"] == {"entered": 1, "reached": 0, "rate": Decimal("0.0000"),
                                                     "mean_days": None, "median_days": None}


def test_report_filters_by_cohort_and_city(world):
    funnel_refresh(as_of=AS_OF)
    assert funnel_report(date_from=D(2026, 2, 15))["total"]["counts"]["applied"] == 1  # February's month counts
    assert funnel_report(date_to=D(2026, 1, 31))["total"]["counts"]["applied"] == 5
    by_city = funnel_report(by="city", city=["MY"])
    assert [g["key"] for g in by_city["groups"]] == ["MY"]


def test_only_facts_up_to_as_of_count(world):
    funnel_refresh(as_of=D(2026, 1, 20))
    cell = FunnelCell.objects.get(as_of=D(2026, 1, 20))
    assert cell.prospects == 3               # the one entered on the 31st is not there yet
    assert cell.applied == 3                 # P1 (15th), A1 (12th), A2 (18th)
    assert cell.registered == 1              # only the registry partner of the 3rd
    assert cell.first_sale == 1 and cell.lost == 0


def test_empty_world():
    assert funnel_refresh(as_of=AS_OF) == 0
    report = funnel_report(by="city")
    assert report["as_of"] is None and report["groups"] == []
    assert report["total"]["overall_rate"] is None
    assert all(m["rate"] is None for m in report["total"]["moves"].values())


def test_job_is_idempotent(world):
    first = funnel_nightly.apply(kwargs={"as_of": AS_OF.isoformat()}).get()
    rows = list(FunnelCell.objects.order_by("cohort_month").values())
    second = funnel_nightly.apply(kwargs={"as_of": AS_OF.isoformat()}).get()
    assert first == second == {"as_of": "2026-06-30", "cells": 2}
    again = list(FunnelCell.objects.order_by("cohort_month").values())
    strip = lambda rows: [{k: v for k, v in r.items() if k != "id"} for r in rows]  # noqa: E731
    assert strip(rows) == strip(again)
    assert FunnelCell.objects.count() == 2


def test_chunk_size_does_not_change_the_result(world):
    from partners.recruitment.models import FunnelSubject

    strip = lambda: [{k: v for k, v in r.items() if k != "id"} for r in FunnelCell.objects.order_by("cohort_month").values()]  # noqa: E731
    funnel_refresh(as_of=AS_OF)
    whole = strip()
    assert funnel_refresh(as_of=AS_OF, chunk_size=2) == 2  # five partners: three ranges
    assert strip() == whole
    assert not FunnelSubject.objects.exists()  # the working rows are gone


def test_old_days_are_pruned(world):
    funnel_refresh(as_of=D(2026, 6, 1))
    funnel_refresh(as_of=AS_OF)
    assert set(FunnelCell.objects.values_list("as_of", flat=True)) == {AS_OF}


def test_rate_and_median_helpers():
    assert rate(1, 3) == Decimal("0.3333") and rate(2, 3) == Decimal("0.6667")
    assert rate(0, 0) is None and rate(5, 0) is None
    assert weighted_median([]) is None
    assert weighted_median([(10.0, 1)]) == Decimal("10.0")
    assert weighted_median([(10.0, 1), (20.0, 3)]) == Decimal("20.0")
    assert weighted_median([(5.0, 2), (50.0, 1), (None, 4), (7.0, 0)]) == Decimal("5.0")


def test_funnel_endpoint(world, as_user, admin_user, product_manager):
    funnel_refresh(as_of=AS_OF)
    response = as_user(product_manager).get("/api/v1/recruitment/funnel/", {"by": "city"})
    assert response.status_code == 200
    assert response.data["total"]["moves"]["prospect_to_applied"]["rate"] == "0.5000"
    assert {g["key"] for g in response.data["groups"]} == {"CD", "MY"}
    client = as_user(admin_user)
    assert client.get("/api/v1/recruitment/funnel/", {"by": "tier"}).status_code == 400
    assert client.get("/api/v1/recruitment/funnel/", {"date_from": "2026-13-01"}).status_code == 400
    assert client.get("/api/v1/recruitment/funnel/", {"date_from": "2026-05-01", "date_to": "2026-01-01"}).status_code == 400
    assert client.get("/api/v1/recruitment/funnel/", {"city": "XX"}).status_code == 400


def test_indicators(world):
    from lifecycle.indicators import get_indicator

    applied = get_indicator("attract.applied_rate").compute(AS_OF)
    assert (applied.value, applied.numerator, applied.denominator) == (Decimal("50.0"), 2, 4)
    registered = get_indicator("attract.registered_rate").compute(AS_OF)
    assert (registered.value, registered.numerator, registered.denominator) == (Decimal("50.0"), 3, 6)
    assert registered.breakdown == {"SA": 60.0, "ISV": 0.0}
    day = D(2026, 8, 1)
    first = get_indicator("attract.first_sale_rate").compute(day)
    assert (first.value, first.numerator, first.denominator) == (Decimal("80.0"), 4, 5)
    days = get_indicator("attract.days_to_first_sale").compute(day)
    assert days.value == Decimal("35.0") and days.denominator == 4
    empty = get_indicator("attract.applied_rate").compute(D(2020, 1, 1))
    assert empty.value is None and empty.denominator == 0
    indicator = get_indicator("attract.days_to_first_sale")
    assert indicator.lever == "attract" and indicator.url_name == "recruitment:funnel" and indicator.better == "down"
