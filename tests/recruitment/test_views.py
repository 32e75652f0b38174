"""Portal pages of recruitment: who may open which, and the demo step."""
import datetime

import pytest
from django.test import Client

from partners.recruitment.demo import seed_recruitment
from partners.recruitment.models import Prospect
from prm.demo import DemoContext
from tests import factories as f

from .factories import ProspectFactory

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("url", ["/recruitment/", "/recruitment/funnel/", "/recruitment/new/"])
def test_staff_pages_need_sign_in(url):
    response = _client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_pages_by_role(admin_user, channel_manager, product_manager, partner_user_a, city_cd, city_my):
    inside = ProspectFactory(city=city_cd)
    outside = ProspectFactory(city=city_my)
    for user in (admin_user, channel_manager, product_manager):
        assert _client(user).get("/recruitment/").status_code == 200
        assert _client(user).get("/recruitment/funnel/").status_code == 200
    assert _client(admin_user).get("/recruitment/new/").status_code == 200
    assert _client(channel_manager).get("/recruitment/new/").status_code == 200
    assert _client(product_manager).get("/recruitment/new/").status_code == 403
    assert _client(channel_manager).get(f"/recruitment/{inside.pk}/").status_code == 200
    assert _client(channel_manager).get(f"/recruitment/{outside.pk}/").status_code == 404
    page = _client(product_manager).get(f"/recruitment/{outside.pk}/").content.decode()
    assert 'data-testid="accept"' not in page  # may read, not decide
    assert 'data-testid="accept"' in _client(admin_user).get(f"/recruitment/{outside.pk}/").content.decode()
    for url in ("/recruitment/", "/recruitment/funnel/", f"/recruitment/{inside.pk}/"):
        assert _client(partner_user_a).get(url).status_code == 403


def test_navigation_shows_recruitment_to_staff_only(admin_user, partner_user_a):
    assert 'data-nav="recruitment"' in _client(admin_user).get("/recruitment/").content.decode()
    assert 'data-nav="recruitment-funnel"' in _client(admin_user).get("/recruitment/").content.decode()
    assert 'data-nav="recruitment"' not in _client(partner_user_a).get("/my-organisation/").content.decode()


def test_demo_step_is_deterministic_and_leaves_partners_alone():
    for i in range(30):
        f.PartnerFactory(joined_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i * 7))
    f.UserFactory(username="cm-demo")
    partners = list(f.PartnerFactory._meta.model.objects.values_list("id", "name").order_by("id"))
    ctx = DemoContext(seed=7, today=datetime.date(2026, 11, 28), partners=30)
    summary = seed_recruitment(ctx)
    assert "prospects" in summary
    rows = list(Prospect.objects.order_by("id").values_list("company_name", "status", "entered_on", "partner_id"))
    assert len(rows) > 200
    statuses = {status for _n, status, _d, _p in rows}
    assert statuses == {"prospect", "applied", "accepted", "rejected", "withdrawn"}
    assert list(f.PartnerFactory._meta.model.objects.values_list("id", "name").order_by("id")) == partners
    accepted = Prospect.objects.filter(status="accepted")
    assert accepted.exists() and not accepted.filter(partner__isnull=True).exists()
    assert all(p.decided_on == p.partner.joined_on for p in accepted.select_related("partner"))
    seed_recruitment(ctx)  # a second run (seed_demo --reset) replaces the demo prospects with the same ones
    again = list(Prospect.objects.order_by("id").values_list("company_name", "status", "entered_on", "partner_id"))
    assert again == rows
    ProspectFactory(contact_email="real@example.com")
    assert seed_recruitment(ctx).endswith("left alone")
    assert list(Prospect.objects.values_list("contact_email", flat=True)) == ["real@example.com"]
