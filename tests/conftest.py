"""Shared fixtures: one user per role and two partners, so every test can check isolation."""
import os
from importlib import import_module

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from partners.choices import Role
from tests import factories as f


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may skip: {report.longrepr}"


REFERENCE_LOADERS = (
    "partners.migrations.0002_reference_data",
    "lifecycle.migrations.0002_defaults",
    "lifecycle.allocation.migrations.0002_defaults",
    "support.migrations.0002_reference_data",
    "support.surveys.migrations.0001_initial",
    "loyalty.migrations.0002_programme_defaults",
)


def load_reference_data():
    """Run the data migrations' loaders again (each is idempotent): cities, partner types,
    lifecycle thresholds and playbooks, service centres, the calendar, SLA policies, loyalty
    tiers, rules and rewards."""
    from django.apps import apps

    for module in REFERENCE_LOADERS:
        import_module(module).load(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests (threads, live server, a real worker) run after the others and flush
    the database between them, migrations' rows included: put the reference rows back first.
    (A serialized rollback instead would clash with the content types that a flush re-creates.)"""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        load_reference_data()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def city_cd(db):
    return f.city("CD")


@pytest.fixture
def city_my(db):
    return f.city("MY")


@pytest.fixture
def admin_user(db):
    return f.UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def channel_manager(db, city_cd):
    """Owns `partner_a`; covers Chengdu."""
    return f.UserFactory(username="cm", role=Role.CHANNEL_MANAGER, cities=[city_cd])


@pytest.fixture
def other_channel_manager(db):
    return f.UserFactory(username="cm2", role=Role.CHANNEL_MANAGER)


@pytest.fixture
def product_manager(db):
    return f.UserFactory(username="pm", role=Role.PRODUCT_MANAGER)


@pytest.fixture
def integration_ro(db):
    return f.UserFactory(username="crm-ro", role=Role.INTEGRATION, api_write=False)


@pytest.fixture
def integration_rw(db):
    return f.UserFactory(username="crm-rw", role=Role.INTEGRATION, api_write=True)


@pytest.fixture
def partner_a(db, channel_manager, city_cd):
    return f.PartnerFactory(name="成都甲公司", city=city_cd, channel_manager=channel_manager)


@pytest.fixture
def partner_b(db, other_channel_manager, city_my):
    return f.PartnerFactory(name="绵阳乙公司", city=city_my, channel_manager=other_channel_manager)


@pytest.fixture
def partner_user_a(db, partner_a):
    return f.PartnerUserFactory(username="pa", partner=partner_a)


@pytest.fixture
def partner_user_b(db, partner_b):
    return f.PartnerUserFactory(username="pb", partner=partner_b)


@pytest.fixture
def as_user(api):
    """as_user(user) -> an APIClient signed in as that user (token auth for integrations)."""

    def login(user):
        client = APIClient()
        if user.effective_role == Role.INTEGRATION:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        else:
            client.force_authenticate(user)
        return client

    return login
