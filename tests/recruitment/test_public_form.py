"""The public application page against good, bad and abusive input."""
import pytest
from django.test import Client

from partners.recruitment.choices import ProspectSource, ProspectStatus
from partners.recruitment.models import Prospect
from tests import factories as f

pytestmark = pytest.mark.django_db

URL = "/apply/"


@pytest.fixture
def client():
    return Client(enforce_csrf_checks=True)


def _form(**overrides):
    data = {
        "company_name": "成都云联科技有限公司",
        "partner_type": f.partner_type("SA").pk,
        "cooperation_model": "channel_sharing",
        "city": f.city("CD").pk,
        "contact_name": "李娜",
        "contact_phone": "+86 138-0000-1234",
        "contact_email": "Li.Na@Example.com",
        "message": "We sell to SMEs.",
        "website": "",
    }
    data.update(overrides)
    return data


def _post(client, data, ip="10.0.0.1"):
    client.get(URL, REMOTE_ADDR=ip)  # the CSRF cookie
    data = dict(data, csrfmiddlewaretoken=client.cookies["csrftoken"].value)
    return client.post(URL, data, REMOTE_ADDR=ip)


def test_page_opens_without_sign_in_in_both_languages(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    assert 'name="company_name"' in response.content.decode() and 'maxlength="200"' in response.content.decode()
    client.cookies["django_language"] = "zh-hans"
    response = client.get(URL)
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.content.decode()


def test_valid_application_is_stored_and_thanked(client):
    product = f.ProductFactory(code="QYYX")
    response = _post(client, _form(products=[product.pk]))
    assert response.status_code == 302 and response["Location"] == "/apply/thanks/"
    prospect = Prospect.objects.get()
    assert prospect.source == ProspectSource.APPLICATION and prospect.status == ProspectStatus.APPLIED
    assert prospect.applied_on is not None and prospect.applied_at is not None
    assert prospect.email_key == "li.na@example.com"
    assert list(prospect.products.values_list("code", flat=True)) == ["QYYX"]
    assert prospect.events.get().kind == "applied"
    assert client.get("/apply/thanks/").status_code == 200


def test_without_csrf_token_nothing_is_stored(client):
    response = client.post(URL, _form())
    assert response.status_code == 403
    assert not Prospect.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("company_name", "x" * 201),
        ("contact_name", "x" * 101),
        ("contact_phone", "1" * 41),
        ("contact_email", "a" * 250 + "@example.com"),
        ("message", "x" * 2001),
        ("contact_email", "not-an-email"),
        ("contact_phone", "call me maybe"),
        ("company_name", "   "),
        ("cooperation_model", "bribery"),
        ("city", "999999"),
        ("partner_type", "1e9999"),
    ],
)
def test_bad_values_are_refused_and_nothing_stored(client, field, value):
    response = _post(client, _form(**{field: value}))
    assert response.status_code == 400
    assert not Prospect.objects.exists()
    assert "field-error" in response.content.decode()


def test_too_many_products_refused(client):
    products = [f.ProductFactory().pk for _ in range(21)]
    response = _post(client, _form(products=products))
    assert response.status_code == 400
    assert not Prospect.objects.exists()


def test_honeypot_pretends_success_but_stores_nothing(client):
    response = _post(client, _form(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == "/apply/thanks/"
    assert not Prospect.objects.exists()


def test_duplicate_email_says_we_have_it_and_stores_nothing_more(client):
    assert _post(client, _form()).status_code == 302
    response = _post(client, _form(company_name="Another name", contact_email="  LI.NA@example.COM "), ip="10.0.0.2")
    assert response.status_code == 200
    assert 'data-testid="apply-duplicate"' in response.content.decode()
    assert Prospect.objects.count() == 1


def test_duplicate_company_and_city_within_30_days(client):
    assert _post(client, _form()).status_code == 302
    response = _post(client, _form(company_name="成都 云联科技 有限公司", contact_email="other@example.com"), ip="10.0.0.3")
    assert 'data-testid="apply-duplicate"' in response.content.decode()
    assert Prospect.objects.count() == 1
    # The same name in another city is another company.
    assert _post(client, _form(city=f.city("MY").pk, contact_email="my@example.com"), ip="10.0.0.4").status_code == 302
    assert Prospect.objects.count() == 2


def test_after_a_decision_the_company_may_apply_again(client):
    assert _post(client, _form()).status_code == 302
    Prospect.objects.update(status=ProspectStatus.REJECTED, reject_reason="x")
    assert _post(client, _form(), ip="10.0.0.9").status_code == 302
    assert Prospect.objects.count() == 2


def test_rate_limit_per_ip_answers_429_and_stores_nothing(client, settings):
    settings.RECRUITMENT_APPLY_PER_IP_PER_HOUR = 2
    assert _post(client, _form(contact_email="a1@example.com", company_name="A1")).status_code == 302
    assert _post(client, _form(contact_email="a2@example.com", company_name="A2")).status_code == 302
    response = _post(client, _form(contact_email="a3@example.com", company_name="A3"))
    assert response.status_code == 429
    assert 'data-testid="apply-limited"' in response.content.decode()
    assert Prospect.objects.count() == 2
    # Another address still gets through.
    assert _post(client, _form(contact_email="b@example.com", company_name="B"), ip="10.0.0.77").status_code == 302


def test_global_cap(client, settings):
    settings.RECRUITMENT_APPLY_GLOBAL_PER_HOUR = 1
    assert _post(client, _form(), ip="10.1.0.1").status_code == 302
    assert _post(client, _form(contact_email="z@example.com", company_name="Z"), ip="10.1.0.2").status_code == 429
    assert Prospect.objects.count() == 1


def test_script_in_input_is_stored_as_text_and_rendered_escaped(client, admin_user):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert _post(client, _form(company_name=attack[:200], message=attack)).status_code == 302
    prospect = Prospect.objects.get()
    assert prospect.company_name == attack[:200]
    staff = Client()
    staff.force_login(admin_user)
    page = staff.get(f"/recruitment/{prospect.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


def test_bad_form_keeps_the_values_escaped(client):
    response = _post(client, _form(company_name='"><script>alert(1)</script>', contact_email="bad"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_null_character_refused_other_control_characters_removed(client):
    assert _post(client, _form(company_name="Acme\x00 Ltd")).status_code == 400
    assert not Prospect.objects.exists()
    assert _post(client, _form(company_name="Acme\x07 Ltd")).status_code == 302
    assert Prospect.objects.get().company_name == "Acme Ltd"
