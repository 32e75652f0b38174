"""Recruitment API: anonymous applications (throttled), staff review, transitions and scoping."""
import re

import pytest
from django.core import mail
from django.test import Client

from partners.choices import PartnerStatus, Role, Tier
from partners.models import Contact, Partner, PartnerChange, User
from partners.recruitment.choices import ProspectSource, ProspectStatus
from partners.recruitment.models import Prospect
from tests import factories as f

from .factories import ProspectFactory

pytestmark = pytest.mark.django_db

APPS = "/api/v1/recruitment/applications/"
PROSPECTS = "/api/v1/recruitment/prospects/"


def _application(**overrides):
    data = {
        "company_name": "绵阳智汇网络科技有限公司",
        "partner_type": "ISV",
        "cooperation_model": "capability_provision",
        "city": "MY",
        "products": [],
        "contact_name": "Zhang Wei",
        "contact_phone": "0816-2222333",
        "contact_email": "zhang.wei@example.com",
        "message": "",
    }
    data.update(overrides)
    return data


# ------------------------------------------------------------------ anonymous applications ----


def test_anonymous_application_via_api(api):
    f.partner_type("ISV"), f.city("MY")
    response = api.post(APPS, _application(), format="json")
    assert response.status_code == 201, response.data
    assert set(response.data) == {"status", "detail"}  # no ids or data handed to anonymous callers
    prospect = Prospect.objects.get()
    assert prospect.partner_type.code == "ISV" and prospect.city.code == "MY"


def test_api_application_field_errors(api):
    f.partner_type("ISV"), f.city("MY")
    response = api.post(APPS, _application(company_name="x" * 201, contact_email="nope", city="XX", products=["NOPE"] * 21), format="json")
    assert response.status_code == 400
    assert {"company_name", "contact_email", "city", "products"} <= set(response.data)
    assert not Prospect.objects.exists()


def test_api_duplicate_is_409_and_stores_nothing(api):
    f.partner_type("ISV"), f.city("MY")
    assert api.post(APPS, _application(), format="json").status_code == 201
    response = api.post(APPS, _application(company_name="Other"), format="json")
    assert response.status_code == 409
    assert Prospect.objects.count() == 1


def test_api_applications_are_throttled(api, settings):
    f.partner_type("ISV"), f.city("MY")
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **{"recruitment-apply": "2/hour"})
    settings.REST_FRAMEWORK = dict(settings.REST_FRAMEWORK, DEFAULT_THROTTLE_RATES=rates)
    from rest_framework.throttling import ScopedRateThrottle

    ScopedRateThrottle.THROTTLE_RATES = rates
    try:
        for i in range(2):
            assert api.post(APPS, _application(contact_email=f"t{i}@example.com", company_name=f"T{i}"), format="json").status_code == 201
        response = api.post(APPS, _application(contact_email="t9@example.com", company_name="T9"), format="json",
                            HTTP_X_FORWARDED_FOR="203.0.113.9")  # a forged header does not help
        assert response.status_code == 429
        assert Prospect.objects.count() == 2
    finally:
        from rest_framework.settings import api_settings

        ScopedRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_anonymous_cannot_list_or_read(api):
    prospect = ProspectFactory()
    assert api.get(APPS).status_code in (401, 403)
    assert api.get(f"{APPS}{prospect.pk}/").status_code in (401, 403)
    assert api.get(PROSPECTS).status_code in (401, 403)
    assert api.post(f"{PROSPECTS}{prospect.pk}/accept/", {}).status_code in (401, 403)


# ------------------------------------------------------------------ accept ---------------------


def test_accept_registers_partner_user_and_invitation_that_works(as_user, admin_user, channel_manager, django_capture_on_commit_callbacks):
    product = f.ProductFactory(code="QYYX")
    prospect = ProspectFactory(contact_email="new.partner@example.com", contact_name="Li Na", owner=channel_manager)
    prospect.products.set([product])
    client = as_user(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.data
    assert response.data["status"] == ProspectStatus.ACCEPTED
    partner = Partner.objects.get(pk=response.data["partner"])
    assert partner.tier == Tier.REGISTERED and partner.status == PartnerStatus.ACTIVE
    assert partner.channel_manager == channel_manager and partner.name == prospect.company_name
    assert PartnerChange.objects.filter(partner=partner, field="status", new_value="active").exists()
    assert Contact.objects.get(partner=partner).is_primary
    user = User.objects.get(pk=response.data["invited_user"])
    assert user.role == Role.PARTNER and user.partner == partner and not user.has_usable_password()
    assert [e["kind"] for e in response.data["events"]][-2:] == ["accepted", "invited"]

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.partner@example.com"]
    link = re.search(r"https?://[^\s]+/accounts/invite/[^\s]+/", message.body).group(0)
    path = "/" + link.split("/", 3)[3]

    browser = Client()
    response = browser.get(path)
    assert response.status_code == 302  # Django moves the token into the session
    form_url = response["Location"]
    assert browser.get(form_url).status_code == 200
    response = browser.post(form_url, {"new_password1": "Sichuan-partner-2026", "new_password2": "Sichuan-partner-2026"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    user.refresh_from_db()
    assert user.has_usable_password()
    assert browser.login(username=user.username, password="Sichuan-partner-2026")
    # The link works once.
    assert "This link no longer works" in Client().get(path, follow=True).content.decode()


def test_accept_by_channel_manager_makes_them_the_manager(as_user, channel_manager, city_cd, django_capture_on_commit_callbacks):
    prospect = ProspectFactory(city=city_cd)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(channel_manager).post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json")
    assert response.status_code == 200, response.data
    assert Partner.objects.get(pk=response.data["partner"]).channel_manager == channel_manager


def test_accept_twice_is_400(as_user, admin_user):
    prospect = ProspectFactory()
    client = as_user(admin_user)
    assert client.post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json").status_code == 200
    response = client.post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json")
    assert response.status_code == 400
    assert "status" in response.data
    assert Partner.objects.count() == 1


def test_accept_a_mere_prospect_is_400(as_user, admin_user):
    prospect = ProspectFactory(status=ProspectStatus.PROSPECT, source=ProspectSource.STAFF)
    response = as_user(admin_user).post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json")
    assert response.status_code == 400
    assert not Partner.objects.exists()


def test_accept_without_email_is_400_and_writes_nothing(as_user, admin_user):
    prospect = ProspectFactory(contact_email="", email_key="")
    response = as_user(admin_user).post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json")
    assert response.status_code == 400 and "contact_email" in response.data
    assert not Partner.objects.exists() and not User.objects.filter(role=Role.PARTNER).exists()


# ------------------------------------------------------------------ reject and others -------------


def test_reject_needs_a_reason_and_emails_it(as_user, admin_user, django_capture_on_commit_callbacks):
    prospect = ProspectFactory(contact_email="turned.down@example.com")
    client = as_user(admin_user)
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}):
        response = client.post(f"{PROSPECTS}{prospect.pk}/reject/", body, format="json")
        assert response.status_code == 400 and "reason" in response.data
    prospect.refresh_from_db()
    assert prospect.status == ProspectStatus.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PROSPECTS}{prospect.pk}/reject/", {"reason": "No licence yet."}, format="json")
    assert response.status_code == 200
    assert response.data["status"] == "rejected" and response.data["reject_reason"] == "No licence yet."
    assert len(mail.outbox) == 1 and "No licence yet." in mail.outbox[0].body
    assert client.post(f"{PROSPECTS}{prospect.pk}/reject/", {"reason": "again"}, format="json").status_code == 400
    assert client.post(f"{PROSPECTS}{prospect.pk}/accept/", {}, format="json").status_code == 400


def test_staff_prospect_then_application_with_same_email_completes_it(as_user, channel_manager, city_cd, api):
    response = as_user(channel_manager).post(PROSPECTS, {
        "company_name": "德阳锦程通信", "partner_type": "SA", "cooperation_model": "channel_sharing", "city": "CD",
        "contact_name": "陈杰", "contact_email": "chen@example.com", "notes": "Met at the Chengdu fair.",
    }, format="json")
    assert response.status_code == 201, response.data
    assert response.data["status"] == "prospect" and response.data["source"] == "staff"
    assert response.data["owner"] == channel_manager.pk
    assert api.post(APPS, _application(contact_email="CHEN@example.com", city="CD", partner_type="SA"), format="json").status_code == 201
    prospect = Prospect.objects.get()
    assert prospect.status == ProspectStatus.APPLIED and prospect.source == ProspectSource.STAFF
    assert prospect.owner == channel_manager and prospect.notes == "Met at the Chengdu fair."
    assert list(prospect.events.values_list("kind", flat=True)) == ["created", "applied"]


def test_mark_applied_and_withdraw(as_user, admin_user):
    prospect = ProspectFactory(status=ProspectStatus.PROSPECT, source=ProspectSource.STAFF)
    client = as_user(admin_user)
    response = client.post(f"{PROSPECTS}{prospect.pk}/mark-applied/", {}, format="json")
    assert response.status_code == 200 and response.data["status"] == "applied" and response.data["applied_on"]
    assert client.post(f"{PROSPECTS}{prospect.pk}/mark-applied/", {}, format="json").status_code == 400
    assert client.post(f"{PROSPECTS}{prospect.pk}/withdraw/", {}, format="json").data["status"] == "withdrawn"
    assert client.post(f"{PROSPECTS}{prospect.pk}/withdraw/", {}, format="json").status_code == 400
    assert client.patch(f"{PROSPECTS}{prospect.pk}/", {"notes": "late"}, format="json").status_code == 400


def test_prospect_fields_validated(as_user, admin_user):
    response = as_user(admin_user).post(PROSPECTS, {
        "company_name": "x" * 201, "partner_type": "NOPE", "cooperation_model": "x", "city": "CD",
        "contact_name": "", "contact_email": "bad", "contact_phone": "abc",
    }, format="json")
    assert response.status_code == 400
    assert {"company_name", "partner_type", "cooperation_model", "contact_name", "contact_email", "contact_phone"} <= set(response.data)


def test_list_filters_are_strict(as_user, admin_user):
    client = as_user(admin_user)
    assert client.get(PROSPECTS, {"status": "bogus"}).status_code == 400
    assert client.get(PROSPECTS, {"city": "XX"}).status_code == 400
    assert client.get(PROSPECTS, {"ordering": "password"}).status_code == 400
    assert client.get(PROSPECTS, {"is_open": "maybe"}).status_code == 400
    ProspectFactory(status=ProspectStatus.REJECTED, reject_reason="x")
    ProspectFactory()
    assert client.get(PROSPECTS, {"is_open": "true"}).data["count"] == 1
    assert client.get(PROSPECTS, {"status": "rejected"}).data["count"] == 1


# ------------------------------------------------------------------ scoping --------------------


def test_scoping_by_role(as_user, admin_user, channel_manager, other_channel_manager, product_manager,
                         partner_user_a, integration_ro, city_cd, city_my):
    cd = ProspectFactory(city=city_cd)
    my = ProspectFactory(city=city_my)
    mine_in_my = ProspectFactory(city=city_my, owner=channel_manager)

    def ids(user):
        response = as_user(user).get(PROSPECTS)
        assert response.status_code == 200
        return {row["id"] for row in response.data["results"]}

    assert ids(admin_user) == {cd.pk, my.pk, mine_in_my.pk}
    assert ids(channel_manager) == {cd.pk, mine_in_my.pk}
    assert ids(other_channel_manager) == set()
    assert ids(product_manager) == {cd.pk, my.pk, mine_in_my.pk}
    assert ids(integration_ro) == {cd.pk, my.pk, mine_in_my.pk}

    cm = as_user(channel_manager)
    assert cm.get(f"{PROSPECTS}{my.pk}/").status_code == 404
    assert cm.post(f"{PROSPECTS}{my.pk}/accept/", {}, format="json").status_code == 404
    assert cm.get(f"{APPS}{my.pk}/").status_code == 404
    pm = as_user(product_manager)
    assert pm.get(f"{PROSPECTS}{my.pk}/").status_code == 200
    assert pm.post(f"{PROSPECTS}{my.pk}/accept/", {}, format="json").status_code == 403
    assert as_user(integration_ro).post(f"{PROSPECTS}{my.pk}/reject/", {"reason": "x"}, format="json").status_code == 403
    partner = as_user(partner_user_a)
    assert partner.get(PROSPECTS).status_code == 403
    assert partner.get(APPS).status_code == 403
    assert partner.get(f"{PROSPECTS}{cd.pk}/").status_code == 403
    assert partner.get("/api/v1/recruitment/funnel/").status_code == 403
    assert Prospect.objects.filter(status=ProspectStatus.APPLIED).count() == 3


def test_channel_manager_cannot_hand_prospects_outside_their_cities(as_user, channel_manager, other_channel_manager, city_my):
    response = as_user(channel_manager).post(PROSPECTS, {
        "company_name": "X", "partner_type": "SA", "cooperation_model": "channel_sharing", "city": "MY",
        "contact_name": "Y", "owner": other_channel_manager.pk,
    }, format="json")
    assert response.status_code == 400 and "owner" in response.data


def test_only_admin_deletes(as_user, admin_user, channel_manager, city_cd):
    prospect = ProspectFactory(city=city_cd)
    assert as_user(channel_manager).delete(f"{PROSPECTS}{prospect.pk}/").status_code == 403
    assert as_user(admin_user).delete(f"{PROSPECTS}{prospect.pk}/").status_code == 204


def test_list_query_count_does_not_grow(as_user, admin_user, django_assert_max_num_queries):
    client = as_user(admin_user)
    for _ in range(3):
        ProspectFactory().products.set([f.ProductFactory()])
    with django_assert_max_num_queries(8):
        assert client.get(PROSPECTS, {"page_size": 1}).status_code == 200
    for _ in range(20):
        ProspectFactory().products.set([f.ProductFactory()])
    with django_assert_max_num_queries(8):
        assert len(client.get(PROSPECTS, {"page_size": 50}).data["results"]) == 23


def test_application_notifies_the_channel_managers_of_the_city(api, channel_manager, other_channel_manager,
                                                               admin_user, django_capture_on_commit_callbacks):
    from prm.models import Notification

    f.partner_type("SA")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(APPS, _application(city="CD", partner_type="SA"), format="json").status_code == 201
    prospect = Prospect.objects.get()
    notification = Notification.objects.get()
    assert notification.recipient == channel_manager  # covers Chengdu; the other manager does not
    assert notification.url == f"/recruitment/{prospect.pk}/" and prospect.company_name in notification.title
    assert [m.to for m in mail.outbox] == [[channel_manager.email]]
    # Nobody covers Mianyang: the administrators hear of it.
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(APPS, _application(contact_email="x@example.com", company_name="X"), format="json").status_code == 201
    assert Notification.objects.filter(recipient=admin_user).count() == 1
