"""`manage.py seed_demo`: deterministic, realistic, idempotent, and every role can sign in."""
import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F, Max, Min
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from partners import demo_data, demo_seed, services
from partners.choices import PartnerStatus, Role, SaleStatus, TrackedField
from partners.models import (
    CityBranch,
    Contact,
    Partner,
    PartnerChange,
    PartnerCodeSequence,
    PartnerType,
    Product,
    SaleRecord,
    User,
)

TODAY = dt.date(2026, 6, 30)
CODE = re.compile(r"^(SA|ISV|SI)-([A-Z]+)-(\d{4})$")
pytestmark = pytest.mark.django_db


def seed(partners=60, sales=1500, **options):
    out = StringIO()
    call_command(
        "seed_demo", partners=partners, sales=sales, today=TODAY, no_progress=True, stdout=out, **options
    )
    return out.getvalue()


def snapshot():
    return (
        list(Partner.objects.order_by("id").values_list("code", "name", "tier", "status", "joined_on", "revenue_share")),
        list(SaleRecord.objects.order_by("external_id").values_list(
            "external_id", "partner__code", "product__code", "customer_name", "amount", "sold_on", "status"
        )),
        list(Contact.objects.order_by("partner__code", "-is_primary", "name").values_list("partner__code", "name", "email")),
    )


def test_every_role_has_a_login_that_works():
    output = seed()
    users = {u.username: u for u in User.objects.filter(username__in=demo_data.DEMO_USERNAMES)}
    assert set(users) == set(demo_data.DEMO_USERNAMES)
    assert users["admin"].effective_role == Role.ADMIN and users["admin"].is_superuser
    assert users["admin"].check_password(demo_data.ADMIN_PASSWORD)
    assert users["pm_zhao"].role == Role.PRODUCT_MANAGER
    assert users["pm_zhao"].check_password(demo_data.PRODUCT_MANAGER_PASSWORD)
    for username, _last, _first, cities in demo_data.CHANNEL_MANAGERS:
        user = users[username]
        assert user.role == Role.CHANNEL_MANAGER and user.check_password(demo_data.CHANNEL_MANAGER_PASSWORD)
        assert sorted(user.covered_cities.values_list("code", flat=True)) == sorted(cities)
    for username, type_code in demo_data.PARTNER_LOGINS:
        user = users[username]
        assert user.role == Role.PARTNER and user.check_password(demo_data.PARTNER_PASSWORD)
        assert user.partner.partner_type.code == type_code and user.partner.status == PartnerStatus.ACTIVE
        assert f"only {user.partner.code}" in output
    assert users["crm_rw"].api_write and not users["crm_ro"].api_write
    for username in ("crm_ro", "crm_rw"):
        assert users[username].role == Role.INTEGRATION and not users[username].has_usable_password()
        assert Token.objects.get(user=users[username]).key in output
    assert "admin-demo-2009" in output and "partner_sa" in output

    # The logins do what the table says: a token reads everything, a partner user its own partner.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=users['crm_ro']).key}")
    assert client.get("/api/v1/partners/").json()["count"] == 60
    client = APIClient()
    assert client.login(username="partner_sa", password=demo_data.PARTNER_PASSWORD)
    body = client.get("/api/v1/partners/").json()
    assert [row["code"] for row in body["results"]] == [users["partner_sa"].partner.code]


def test_partners_are_realistic_and_follow_the_registry_rules():
    seed(partners=120, sales=3000)
    partners = list(Partner.objects.select_related("partner_type", "city"))
    assert len(partners) == 120
    # Every city branch, Chengdu the largest; SA the most common type.
    cities = Counter(p.city.code for p in partners)
    assert set(cities) == set(CityBranch.objects.values_list("code", flat=True))
    assert cities.most_common(1)[0][0] == "CD"
    types = Counter(p.partner_type.code for p in partners)
    assert types.most_common(1)[0][0] == "SA" and set(types) == {"SA", "ISV", "SI"}
    tiers = Counter(p.tier for p in partners)
    assert tiers["registered"] > tiers["certified"] > tiers["gold"] > 0
    statuses = Counter(p.status for p in partners)
    assert statuses.most_common(1)[0][0] == PartnerStatus.ACTIVE and statuses[PartnerStatus.EXITED] > 0
    assert len({p.cooperation_model for p in partners}) == 6
    for p in partners:
        match = CODE.match(p.code)
        assert match and match.group(1) == p.partner_type.code and match.group(2) == p.city.code
        assert re.search(r"[\u4e00-\u9fff]", p.name) and p.name.endswith("公司")
        assert isinstance(p.revenue_share, Decimal) and Decimal("0") < p.revenue_share < Decimal("1")
        assert TODAY - dt.timedelta(days=8 * 365 + 1) <= p.joined_on <= TODAY
        assert re.fullmatch(r"A?B?C?", p.customer_classes) and p.customer_classes
    assert Contact.objects.filter(is_primary=True).count() == 120
    assert all(re.fullmatch(r"1\d{10}", phone) for phone in Contact.objects.values_list("phone", flat=True))
    assert Partner.objects.filter(channel_manager__isnull=False).count() > 100
    assert Product.objects.filter(code__in=["VPMN", "GCRBT", "ESMS", "EMAIL", "MSWITCH", "PUSHMAIL", "MAS", "XXT"]).count() == 8
    assert Partner.authorised_products.through.objects.count() >= 120

    # Every partner's initial tier and status are in the history, the owner when there is one.
    initial = PartnerChange.objects.filter(old_value="")
    assert initial.filter(field=TrackedField.TIER).count() == 120
    assert initial.filter(field=TrackedField.STATUS).count() == 120
    assert initial.filter(field=TrackedField.CHANNEL_MANAGER).count() == Partner.objects.filter(
        channel_manager__isnull=False).count()
    for p in Partner.objects.filter(status=PartnerStatus.EXITED):
        assert p.changes.filter(field=TrackedField.STATUS, new_value=PartnerStatus.EXITED).exists()

    # Later registrations continue each prefix's numbering.
    for seq in PartnerCodeSequence.objects.all():
        numbers = [int(c.rsplit("-", 1)[1]) for c in Partner.objects.filter(code__startswith=seq.prefix + "-")
                   .values_list("code", flat=True)]
        assert seq.last_value == max(numbers) == len(numbers)
    sequence = PartnerCodeSequence.objects.get(prefix="SA-CD")
    partner = services.partner_register(
        by=None, name="成都新伙伴有限公司", partner_type=PartnerType.objects.get(code="SA"),
        city=CityBranch.objects.get(code="CD"), cooperation_model="channel_sharing", status="prospect",
        joined_on=TODAY,
    )
    assert partner.code == f"SA-CD-{sequence.last_value + 1:04d}"
    assert partner.pk == max(p.pk for p in partners) + 1  # the id sequence was moved past the loaded ids


def test_sales_are_varied_and_unique_per_source_system():
    seed(partners=120, sales=3000)
    sales = SaleRecord.objects.all()
    assert sales.count() == 3000
    assert set(sales.values_list("source_system", flat=True).distinct()) == {"crm"}
    assert sales.values("external_id").distinct().count() == 3000
    bounds = sales.aggregate(first=Min("sold_on"), last=Max("sold_on"), low=Min("amount"), high=Max("amount"))
    assert TODAY - dt.timedelta(days=731) <= bounds["first"] and bounds["last"] <= TODAY
    assert Decimal("1") <= bounds["low"] and bounds["high"] > 20 * bounds["low"]
    assert sales.filter(status=SaleStatus.REFUNDED).exists()
    assert sales.filter(customer_class="C").count() > sales.filter(customer_class="A").count()
    sa_classes = Counter(sales.filter(partner__partner_type__code="SA").values_list("customer_class", flat=True))
    assert sa_classes.most_common(1)[0][0] == "C"
    # Sales only by partners that were trading then: none before joining, none by prospects.
    assert not sales.filter(sold_on__lt=F("partner__joined_on")).exists()
    assert not sales.filter(partner__status=PartnerStatus.PROSPECT).exists()
    # Variety for the lifecycle: partners selling lately, and partners that sold but stopped.
    recent = TODAY - dt.timedelta(days=90)
    selling = set(sales.values_list("partner_id", flat=True))
    recent_sellers = set(sales.filter(sold_on__gte=recent).values_list("partner_id", flat=True))
    assert recent_sellers and selling - recent_sellers
    assert Partner.objects.exclude(pk__in=selling).exists()  # prospects and long-exited partners


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    seed(seed=42)
    first = snapshot()
    seed(seed=42, reset=True)
    assert snapshot() == first
    seed(seed=43, reset=True)
    assert snapshot()[0] != first[0]


def test_a_second_run_without_reset_adds_nothing():
    seed()
    before = (Partner.objects.count(), SaleRecord.objects.count(), PartnerChange.objects.count(),
              Contact.objects.count(), User.objects.count(), Token.objects.count())
    output = seed()
    assert "already exist" in output
    after = (Partner.objects.count(), SaleRecord.objects.count(), PartnerChange.objects.count(),
             Contact.objects.count(), User.objects.count(), Token.objects.count())
    assert after == before


def test_reset_keeps_other_logins_and_rebuilds():
    seed(partners=30, sales=300)
    other = User.objects.create_user("someone", password="x-long-password-1", role=Role.PRODUCT_MANAGER)
    seed(partners=25, sales=200, reset=True)
    assert Partner.objects.count() == 25 and SaleRecord.objects.count() == 200
    assert User.objects.filter(pk=other.pk).exists()
    assert User.objects.filter(role=Role.PARTNER).count() == len(demo_data.PARTNER_LOGINS)


def test_bad_sizes_are_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        seed(partners=-1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY and index rebuilds are PostgreSQL's")
def test_large_load_mode_puts_every_index_and_constraint_back(monkeypatch):
    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid::regclass::text LIKE 'partners_%%' ORDER BY 1, 2"
            )
            constraints = cursor.fetchall()
            cursor.execute("SELECT tablename, indexdef FROM pg_indexes WHERE tablename LIKE 'partners_%%' ORDER BY 1, 2")
            return constraints, cursor.fetchall()

    before = schema()
    monkeypatch.setattr(demo_seed, "BULK_MODE_MIN_ROWS", 1)
    seed(partners=40, sales=800)
    assert schema() == before
    assert SaleRecord.objects.count() == 800 and Partner.objects.count() == 40
    assert SaleRecord.objects.values("external_id").distinct().count() == 800


def test_logins_option_only_prints_the_logins():
    seed(partners=10, sales=50)
    before = (Partner.objects.count(), SaleRecord.objects.count(), User.objects.count())
    out = StringIO()
    call_command("seed_demo", "--logins", stdout=out)
    assert (Partner.objects.count(), SaleRecord.objects.count(), User.objects.count()) == before
    text = out.getvalue()
    assert "Demo logins" in text
    for username in ("admin", "crm_rw"):
        assert username in text


def test_app_demo_steps_run_in_order_once_data_is_generated(monkeypatch):
    from prm import demo

    calls = []
    monkeypatch.setattr(demo, "_steps", {})
    demo.register_demo_step("second", lambda ctx: calls.append(("second", ctx.today, ctx.partners)) or "two", order=2)
    demo.register_demo_step("first", lambda ctx: calls.append(("first", ctx.rng("x").random())) or "one", order=1)

    output = seed(partners=10, sales=50)
    assert [c[0] for c in calls] == ["first", "second"]
    assert calls[1][1:] == (TODAY, 10)
    from partners.management.commands.seed_demo import DEFAULT_SEED
    assert calls[0][1] == demo.DemoContext(seed=DEFAULT_SEED, today=TODAY, partners=10).rng("x").random()
    assert "first: one" in output and "second: two" in output

    calls.clear()
    assert "already exist" in seed(partners=10, sales=50)
    assert calls == []  # existing data is left alone
