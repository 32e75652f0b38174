"""prm.scoping: `visible_to(user, action)` per role, for partners, partner-owned rows and users."""
import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings, strategies as st

from partners.choices import Role
from partners.models import CityBranch, Contact, Partner, PartnerChange, Product, SaleRecord, User
from prm.scoping import CHANGE, VIEW, can
from tests import factories as f


@pytest.fixture
def world(admin_user, channel_manager, other_channel_manager, product_manager, integration_ro, integration_rw,
          partner_a, partner_b, partner_user_a, partner_user_b):
    covered = f.PartnerFactory(city=partner_a.city, channel_manager=other_channel_manager)  # Chengdu, not owned
    owned_elsewhere = f.PartnerFactory(city=f.city("YB"), channel_manager=channel_manager)  # owned, not covered
    return {"a": partner_a, "b": partner_b, "covered": covered, "owned": owned_elsewhere}


EXPECTED = {
    # role fixture: (partners viewed, partners changed)
    "admin_user": ({"a", "b", "covered", "owned"}, {"a", "b", "covered", "owned"}),
    "channel_manager": ({"a", "b", "covered", "owned"}, {"a", "covered", "owned"}),
    "other_channel_manager": ({"a", "b", "covered", "owned"}, {"b", "covered"}),
    "product_manager": ({"a", "b", "covered", "owned"}, set()),
    "integration_ro": ({"a", "b", "covered", "owned"}, set()),
    "integration_rw": ({"a", "b", "covered", "owned"}, {"a", "b", "covered", "owned"}),
    "partner_user_a": ({"a"}, {"a"}),
    "partner_user_b": ({"b"}, {"b"}),
}


def names(world, partner_ids):
    by_pk = {p.pk: name for name, p in world.items()}
    return {by_pk[pk] for pk in partner_ids if pk in by_pk}


@pytest.mark.parametrize("fixture", EXPECTED)
def test_partners_by_role(request, world, fixture):
    user = request.getfixturevalue(fixture)
    viewed, changed = EXPECTED[fixture]
    assert names(world, Partner.objects.visible_to(user, VIEW).values_list("pk", flat=True)) == viewed
    assert names(world, Partner.objects.visible_to(user, CHANGE).values_list("pk", flat=True)) == changed
    for name, partner in world.items():
        assert can(user, VIEW, partner) == (name in viewed)
        assert can(user, CHANGE, partner) == (name in changed)


@pytest.mark.parametrize("fixture", EXPECTED)
@pytest.mark.parametrize("model_factory", ["contact", "sale", "change"])
def test_partner_owned_rows_follow_their_partner(request, world, fixture, model_factory):
    user = request.getfixturevalue(fixture)
    make = {
        "contact": lambda p: f.ContactFactory(partner=p),
        "sale": lambda p: f.SaleRecordFactory(partner=p),
        "change": lambda p: PartnerChange.objects.create(partner=p, field="tier", new_value="gold"),
    }[model_factory]
    rows = {name: make(partner) for name, partner in world.items()}
    model = type(rows["a"])
    viewed, changed = EXPECTED[fixture]
    for action, expected in ((VIEW, viewed), (CHANGE, changed)):
        visible = set(model.objects.visible_to(user, action).values_list("pk", flat=True))
        assert {name for name, row in rows.items() if row.pk in visible} == expected, action


@pytest.mark.parametrize("fixture", EXPECTED)
def test_users_are_scoped_by_their_partner_and_staff_hidden(request, world, fixture):
    user = request.getfixturevalue(fixture)
    logins = {name: f.PartnerUserFactory(partner=partner) for name, partner in world.items()}
    viewed, changed = EXPECTED[fixture]
    for action, expected in ((VIEW, viewed), (CHANGE, changed)):
        visible = User.objects.visible_to(user, action)
        assert {name for name, login in logins.items() if visible.filter(pk=login.pk).exists()} == expected
        staff = visible.exclude(role=Role.PARTNER)
        if user.effective_role == Role.ADMIN:
            assert staff.exists()  # administrators manage staff accounts
        else:
            assert not staff.exists()


def test_nobody_sees_anything(world, db):
    inactive = f.UserFactory(role=Role.ADMIN, is_active=False)
    no_role = f.UserFactory(role="")
    for user in (None, AnonymousUser(), inactive, no_role):
        for model in (Partner, Contact, SaleRecord, PartnerChange):
            assert not model.objects.visible_to(user, VIEW).exists()
        assert not CityBranch.objects.visible_to(user, VIEW).exists()


def test_partner_user_without_partner_sees_nothing(world):
    orphan = User(username="orphan", role=Role.PARTNER, partner=None)
    assert not Partner.objects.visible_to(orphan, VIEW).exists()


def test_superuser_is_admin_whatever_the_role(world):
    boss = f.UserFactory(role=Role.PRODUCT_MANAGER, is_superuser=True)
    assert Partner.objects.visible_to(boss, CHANGE).count() == Partner.objects.count()


def test_reference_data_is_read_by_all_and_changed_by_admins(world, admin_user, channel_manager, partner_user_a,
                                                              integration_rw):
    f.ProductFactory()
    for user in (admin_user, channel_manager, partner_user_a, integration_rw):
        assert Product.objects.visible_to(user, VIEW).exists()
        assert CityBranch.objects.visible_to(user, VIEW).count() == 21
    assert Product.objects.visible_to(admin_user, CHANGE).exists()
    for user in (channel_manager, partner_user_a, integration_rw):
        assert not Product.objects.visible_to(user, CHANGE).exists()


def test_unknown_action_is_a_programming_error(world, admin_user):
    with pytest.raises(ValueError):
        Partner.objects.visible_to(admin_user, "delete")


def test_scoping_composes_with_other_filters(world, partner_user_a):
    scoped = Partner.objects.filter(city__code="MY").visible_to(partner_user_a)
    assert not scoped.exists()
    assert Partner.objects.visible_to(partner_user_a).filter(city__code="CD").count() == 1


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    layout=st.lists(st.tuples(st.sampled_from(["CD", "MY", "YB", "LS"]), st.sampled_from(["cm", "cm2", None])),
                    min_size=1, max_size=6),
    covered=st.sets(st.sampled_from(["CD", "MY", "YB", "LS"])),
)
def test_channel_manager_changes_exactly_owned_or_covered(channel_manager, other_channel_manager, layout, covered):
    """For any partners and covered cities: CHANGE scope = owned by me OR in a city I cover."""
    managers = {"cm": channel_manager, "cm2": other_channel_manager, None: None}
    channel_manager.covered_cities.set(CityBranch.objects.filter(code__in=covered))
    made = [f.PartnerFactory(city=f.city(city), channel_manager=managers[owner]) for city, owner in layout]
    writable = set(Partner.objects.visible_to(channel_manager, CHANGE).values_list("pk", flat=True))
    for partner, (city, owner) in zip(made, layout):
        assert (partner.pk in writable) == (owner == "cm" or city in covered)
    everything = set(Partner.objects.values_list("pk", flat=True))
    assert set(Partner.objects.visible_to(channel_manager, VIEW).values_list("pk", flat=True)) == everything
