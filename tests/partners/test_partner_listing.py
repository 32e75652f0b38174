"""The partner list's fast path (partners/api/listing.py) says exactly what PartnerSerializer says."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from partners.api.serializers import PartnerSerializer
from partners.choices import CooperationModel, PartnerStatus, Role, Tier
from partners.models import Partner
from tests import factories as f


@pytest.fixture
def varied_partners(db, channel_manager, city_cd, city_my):
    nameless = f.UserFactory(username="cm_plain", first_name="", last_name="", role=Role.CHANNEL_MANAGER)
    chinese = f.UserFactory(username="cm_zh", first_name="磊", last_name="王", role=Role.CHANNEL_MANAGER)
    owners = [channel_manager, nameless, chinese, None]
    partners = []
    for index, (tier, status, model) in enumerate(zip(Tier.values * 4, PartnerStatus.values * 3, CooperationModel.values * 2)):
        partners.append(f.PartnerFactory(
            name=f"成都测试{index}有限公司",
            name_en="" if index % 2 else f"Chengdu Test {index} Co., Ltd.",
            partner_type=f.partner_type(["SA", "ISV", "SI"][index % 3]),
            city=city_cd if index % 2 else city_my,
            tier=tier, status=status, cooperation_model=model,
            channel_manager=owners[index % len(owners)],
            customer_classes=["", "C", "BC", "ABC", "AB"][index % 5],
            revenue_share=Decimal("0.1") + Decimal(index) / 100,
            joined_on=dt.date(2020, 1, 1) + dt.timedelta(days=97 * index),
            website="" if index % 3 else "https://www.example.com/",
            phone="028-86001234",
            address="四川省成都市武侯区人民南路四段1号",
        ))
    return partners


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_list_rows_equal_the_serializer(as_user, admin_user, varied_partners, language):
    body = as_user(admin_user).get("/api/v1/partners/?page_size=50", HTTP_ACCEPT_LANGUAGE=language).json()
    assert body["count"] == len(varied_partners) == len(body["results"])
    partners = {p.pk: p for p in Partner.objects.select_related("partner_type", "city", "channel_manager")}
    with translation.override(language):
        for row in body["results"]:
            assert row == dict(PartnerSerializer(partners[row["id"]]).data)


def test_filters_ordering_and_pages_still_apply(as_user, admin_user, varied_partners):
    client = as_user(admin_user)
    body = client.get("/api/v1/partners/?page_size=2&ordering=-joined_on&city=CD").json()
    expected = list(Partner.objects.filter(city__code="CD").order_by("-joined_on").values_list("code", flat=True))
    assert body["count"] == len(expected) and body["pages"] == (len(expected) + 1) // 2
    assert [row["code"] for row in body["results"]] == expected[:2]
    second = client.get(body["next"]).json()
    assert [row["code"] for row in second["results"]] == expected[2:4]


def test_list_query_count_does_not_grow_with_the_page(as_user, admin_user, varied_partners):
    client = as_user(admin_user)
    client.get("/api/v1/partners/?page_size=1")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/partners/?page_size=1&tier=gold&status=active&city=CD")
    with CaptureQueriesContext(connection) as fifty:
        client.get("/api/v1/partners/?page_size=50&tier=gold&status=active&city=CD")
    assert len(one) == len(fifty)
