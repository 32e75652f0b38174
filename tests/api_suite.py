"""The API isolation suite: written once, reused by the tests of every viewset.

Each API endpoint is checked against the same matrix of roles and places, so no viewset can
forget its scoping (the idea of NetBox's ``utilities/testing/api.py``; our own code).

The world
---------
Every test builds a small world (the fixtures of ``tests/conftest.py`` plus one partner):

========  ===========================================================================
place     partner
========  ===========================================================================
OWN       ``partner_a`` (Chengdu): the partner user's partner, owned by the channel manager
COVERED   ``partner_c`` (Chengdu): another manager's partner in a city the channel manager covers
FOREIGN   ``partner_b`` (Mianyang): another manager's partner, outside the channel manager's scope
========  ===========================================================================

and one user per role: ADMIN, CHANNEL_MANAGER, PRODUCT_MANAGER, PARTNER (``partner_user_a``),
INTEGRATION_RO and INTEGRATION_RW (token auth), plus ANONYMOUS. The expectations follow
``prm.scoping``: a partner user sees and changes OWN only; a channel manager sees everything and
changes OWN and COVERED; product managers and read-only tokens see everything and change nothing;
administrators and read-write tokens change everything.

What it checks, for an object made in each place and each role
----------------------------------------------------------------
* anonymous: every method answers 401/403 and nothing changes;
* list: includes exactly the places the role may view (403 if the role may not read at all);
* retrieve: 200 in scope, 404 outside it (never 403: no existence leak);
* create: 201 where the role may change the place, 400 naming ``scope_error_field`` for a place
  outside its write scope (nothing written), 403 for roles the endpoint refuses;
* attaching a foreign related object (``foreign_attachments``): 400 naming the field;
* update / delete / detail actions: 200/204 in write scope, 403 where the role may only view,
  404 where it may not view; a refused write changes nothing;
* query count: the list costs the same number of queries for ``page_size=1`` and ``page_size=50``
  (for an administrator and for a partner user), so there is no query per row.

How to use it
-------------
Subclass ``APIIsolationSuite`` in a test module (name the subclass ``Test…``) and declare::

    from tests.api_suite import ADMIN, CHANNEL_MANAGER, FOREIGN, OWN, PARTNER, APIIsolationSuite, DetailAction

    class TestTicketAPI(APIIsolationSuite):
        url = "/api/v1/tickets/"
        model = Ticket
        # who may call each action at all (defaults: every role reads; WRITERS write);
        # None means the endpoint does not offer the action (405 expected).
        create_roles = frozenset({ADMIN, CHANNEL_MANAGER, PARTNER})
        delete_roles = None
        detail_actions = [DetailAction("escalate", roles=frozenset({ADMIN, CHANNEL_MANAGER}),
                                       payload=lambda suite, world, obj: {"reason": "late"})]

        def make_object(self, world, partner):          # an object belonging to `partner`
            return TicketFactory(partner=partner)

        def create_payload(self, world, partner):       # a valid POST body for `partner`
            return {"partner": partner.pk, "subject": f"Help {world.unique()}"}

        def update_payload(self, world, obj):           # a valid PATCH body
            return {"subject": "Changed"}

        def foreign_attachments(self, world):           # own partner, another partner's contact
            contact = ContactFactory(partner=world.partners[FOREIGN])
            return [({"partner": world.partners[OWN].pk, "contact": contact.pk, "subject": "x"},
                     "contact")]

Other settings: ``read_roles`` (roles refused with 403 even on lists, e.g. staff-only
endpoints), ``scope_error_field`` (the field a create for an out-of-scope partner is refused
on; default ``partner``), ``delete_status`` (default 204). A ``DetailAction`` with
``method="get"`` is checked like a retrieve (200 in view scope, 404 outside). Foreign
attachments are checked for the roles that may create but not write FOREIGN (the partner user,
the channel manager). Optional hooks: ``check_created``, ``check_updated``, ``assert_deleted``
(e.g. deactivation), ``make_many`` (for the query-count test), ``partner_of``. A subclass may
override any ``test_*`` method when its endpoint needs another request shape (e.g. multipart).

Reference data that belongs to no partner sets ``partner_owned = False``: every signed-in role
views it, only administrators change it. Per-endpoint behaviour (filters, ordering, business
rules) goes in plain tests in the same module; test methods added to the subclass may also use
its ``world`` fixture.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests import factories as f

ANONYMOUS = "anonymous"
ADMIN = "admin"
CHANNEL_MANAGER = "channel_manager"
PRODUCT_MANAGER = "product_manager"
PARTNER = "partner"
INTEGRATION_RO = "integration_ro"
INTEGRATION_RW = "integration_rw"
ROLES = (ADMIN, CHANNEL_MANAGER, PRODUCT_MANAGER, PARTNER, INTEGRATION_RO, INTEGRATION_RW)

ALL_ROLES = frozenset(ROLES)
STAFF = frozenset({ADMIN, CHANNEL_MANAGER, PRODUCT_MANAGER})
WRITERS = frozenset({ADMIN, CHANNEL_MANAGER, PARTNER, INTEGRATION_RW})
ADMIN_ONLY = frozenset({ADMIN})

OWN = "own"
COVERED = "covered"
FOREIGN = "foreign"
PLACES = (OWN, COVERED, FOREIGN)

# prm.scoping's rules, restated as places (see the module docstring).
VIEW_SCOPE = {role: frozenset(PLACES) for role in ROLES} | {PARTNER: frozenset({OWN})}
CHANGE_SCOPE = {
    ADMIN: frozenset(PLACES),
    CHANNEL_MANAGER: frozenset({OWN, COVERED}),
    PRODUCT_MANAGER: frozenset(),
    PARTNER: frozenset({OWN}),
    INTEGRATION_RO: frozenset(),
    INTEGRATION_RW: frozenset(PLACES),
}

USER_FIXTURES = {
    ADMIN: "admin_user",
    CHANNEL_MANAGER: "channel_manager",
    PRODUCT_MANAGER: "product_manager",
    PARTNER: "partner_user_a",
    INTEGRATION_RO: "integration_ro",
    INTEGRATION_RW: "integration_rw",
}
DENIED = (401, 403)


@dataclass
class World:
    """The users and partners a suite test runs against."""

    users: dict[str, Any]
    partners: dict[str, Any]
    login: Callable
    _clients: dict = field(default_factory=dict)
    _counter: Any = field(default_factory=lambda: itertools.count(1))

    def client(self, role: str) -> APIClient:
        if role == ANONYMOUS:
            return APIClient()
        if role not in self._clients:
            self._clients[role] = self.login(self.users[role])
        return self._clients[role]

    def unique(self) -> int:
        """A fresh number for unique fields (usernames, external ids …)."""
        return next(self._counter)


@dataclass(frozen=True)
class DetailAction:
    """An @action on a detail route, checked like an update (or like a read for GET).

    `payload(suite, world, obj)` gives the body; `roles` who may call it at all.
    """

    path: str
    method: str = "post"
    roles: frozenset = WRITERS
    payload: Callable | None = None
    ok_status: int = 200


def ids_of(body) -> list:
    """The ids in a list answer, paginated or not."""
    rows = body["results"] if isinstance(body, dict) else body
    return [row["id"] for row in rows]


def snapshot(obj) -> dict:
    """The stored column values of `obj` (to prove a refused write changed nothing)."""
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    return {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields}


class APIIsolationSuite:
    """Base class: see the module docstring. Subclasses set `url`, `model` and the hooks."""

    url: str = ""
    model: Any = None
    partner_owned: bool = True
    read_roles: frozenset = ALL_ROLES
    create_roles: frozenset | None = WRITERS
    update_roles: frozenset | None = WRITERS
    delete_roles: frozenset | None = WRITERS
    detail_actions: list[DetailAction] = []
    scope_error_field: str = "partner"
    delete_status: int = 204

    # -- hooks ------------------------------------------------------------------------------
    def make_object(self, world: World, partner):
        raise NotImplementedError

    def create_payload(self, world: World, partner) -> dict:
        raise NotImplementedError

    def update_payload(self, world: World, obj) -> dict:
        raise NotImplementedError

    def foreign_attachments(self, world: World) -> list[tuple[dict, str]]:
        """Payloads for the OWN partner that attach a FOREIGN partner's object, with the field."""
        return []

    def make_many(self, world: World, count: int) -> list:
        return [self.make_object(world, world.partners[OWN]) for _ in range(count)]

    def partner_of(self, obj):
        lookup = getattr(type(obj), "partner_lookup", "partner")
        for step in filter(None, lookup.split("__")):
            obj = getattr(obj, step)
        return obj

    def check_created(self, world: World, response, partner) -> None:
        obj = self.model._base_manager.get(pk=response.json()["id"])
        if self.partner_owned:
            assert self.partner_of(obj).pk == partner.pk

    def check_updated(self, world: World, obj, payload: dict, response) -> None:
        body = response.json()
        for key, value in payload.items():
            if key in body:
                assert body[key] == value, (key, body[key], value)

    def assert_deleted(self, world: World, obj) -> None:
        assert not self.model._base_manager.filter(pk=obj.pk).exists()

    # -- helpers ----------------------------------------------------------------------------
    def detail_url(self, obj) -> str:
        return f"{self.url}{obj.pk}/"

    def view_scope(self, role: str) -> frozenset:
        if role == ANONYMOUS:
            return frozenset()
        return VIEW_SCOPE[role] if self.partner_owned else frozenset(PLACES)

    def change_scope(self, role: str) -> frozenset:
        if role == ANONYMOUS:
            return frozenset()
        if self.partner_owned:
            return CHANGE_SCOPE[role]
        return frozenset(PLACES) if role == ADMIN else frozenset()

    def expected_read(self, role: str, place: str) -> int:
        if role not in self.read_roles:
            return 403
        return 200 if place in self.view_scope(role) else 404

    def expected_write(self, role: str, place: str, roles: frozenset | None, ok: int) -> set[int]:
        if roles is None:
            return {403, 405}
        if role not in roles:
            return {403}
        if place not in self.view_scope(role) or role not in self.read_roles:
            return {404}
        if place not in self.change_scope(role):
            return {403}
        return {ok}

    def objects_by_place(self, world: World) -> dict:
        return {place: self.make_object(world, world.partners[place]) for place in PLACES}

    @pytest.fixture
    def world(
        self,
        db,
        admin_user,
        channel_manager,
        other_channel_manager,
        product_manager,
        integration_ro,
        integration_rw,
        partner_a,
        partner_b,
        partner_user_a,
        as_user,
    ) -> World:
        partner_c = f.PartnerFactory(name="成都丙公司", city=partner_a.city, channel_manager=other_channel_manager)
        users = {
            ADMIN: admin_user,
            CHANNEL_MANAGER: channel_manager,
            PRODUCT_MANAGER: product_manager,
            PARTNER: partner_user_a,
            INTEGRATION_RO: integration_ro,
            INTEGRATION_RW: integration_rw,
        }
        return World(users=users, partners={OWN: partner_a, COVERED: partner_c, FOREIGN: partner_b}, login=as_user)

    # -- the checks -------------------------------------------------------------------------
    def test_anonymous_is_refused(self, world):
        objects = self.objects_by_place(world)
        client = world.client(ANONYMOUS)
        assert client.get(self.url).status_code in DENIED
        for obj in objects.values():
            before = snapshot(obj)
            assert client.get(self.detail_url(obj)).status_code in DENIED
            assert client.patch(self.detail_url(obj), {}, format="json").status_code in DENIED
            assert client.delete(self.detail_url(obj)).status_code in DENIED
            for action in self.detail_actions:
                url = f"{self.detail_url(obj)}{action.path}/"
                assert getattr(client, action.method)(url, {}, format="json").status_code in DENIED
            assert snapshot(obj) == before
        count = self.model._base_manager.count()
        assert client.post(self.url, {}, format="json").status_code in DENIED
        assert self.model._base_manager.count() == count

    @pytest.mark.parametrize("role", ROLES)
    def test_list_shows_only_scope(self, world, role):
        objects = self.objects_by_place(world)
        response = world.client(role).get(self.url, {"page_size": 200})
        if role not in self.read_roles:
            assert response.status_code == 403, response.content
            return
        assert response.status_code == 200, response.content
        listed = set(ids_of(response.json()))
        for place, obj in objects.items():
            assert (obj.pk in listed) == (place in self.view_scope(role)), (role, place)

    @pytest.mark.parametrize("role", ROLES)
    def test_retrieve(self, world, role):
        for place, obj in self.objects_by_place(world).items():
            response = world.client(role).get(self.detail_url(obj))
            assert response.status_code == self.expected_read(role, place), (role, place, response.content)
            if response.status_code == 200:
                assert response.json()["id"] == obj.pk

    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, world, role):
        for place in PLACES:
            partner = world.partners[place]
            payload = self.create_payload(world, partner) if self.create_roles is not None else {}
            count = self.model._base_manager.count()
            response = world.client(role).post(self.url, payload, format="json")
            if self.create_roles is None:
                assert response.status_code in {403, 405}, (role, place, response.content)
            elif role not in self.create_roles:
                assert response.status_code == 403, (role, place, response.content)
            elif place in self.change_scope(role):
                assert response.status_code == 201, (role, place, response.content)
                self.check_created(world, response, partner)
                continue
            else:
                assert response.status_code == 400, (role, place, response.content)
                assert self.scope_error_field in response.json(), response.content
            assert self.model._base_manager.count() == count, (role, place)

    @pytest.mark.parametrize("role", ROLES)
    def test_foreign_attachment_refused(self, world, role):
        if self.create_roles is None or role not in self.create_roles or FOREIGN in self.change_scope(role):
            attachments = []
        else:
            attachments = self.foreign_attachments(world)
        for payload, field_name in attachments:
            count = self.model._base_manager.count()
            response = world.client(role).post(self.url, payload, format="json")
            assert response.status_code == 400, (role, response.content)
            assert field_name in response.json(), response.content
            assert self.model._base_manager.count() == count

    @pytest.mark.parametrize("role", ROLES)
    def test_update(self, world, role):
        for place, obj in self.objects_by_place(world).items():
            payload = self.update_payload(world, obj) if self.update_roles is not None else {}
            before = snapshot(obj)
            response = world.client(role).patch(self.detail_url(obj), payload, format="json")
            expected = self.expected_write(role, place, self.update_roles, 200)
            assert response.status_code in expected, (role, place, response.content)
            if response.status_code == 200:
                self.check_updated(world, obj, payload, response)
            else:
                assert snapshot(obj) == before, (role, place)

    @pytest.mark.parametrize("role", ROLES)
    def test_delete(self, world, role):
        for place, obj in self.objects_by_place(world).items():
            before = snapshot(obj)
            response = world.client(role).delete(self.detail_url(obj))
            expected = self.expected_write(role, place, self.delete_roles, self.delete_status)
            assert response.status_code in expected, (role, place, response.content)
            if response.status_code == self.delete_status:
                self.assert_deleted(world, obj)
            else:
                assert snapshot(obj) == before, (role, place)

    @pytest.mark.parametrize("role", ROLES)
    def test_detail_actions(self, world, role):
        for action in self.detail_actions:
            for place, obj in self.objects_by_place(world).items():
                url = f"{self.detail_url(obj)}{action.path}/"
                client = world.client(role)
                if action.method == "get":
                    response = client.get(url)
                    assert response.status_code == self.expected_read(role, place), (action.path, role, place)
                    continue
                before = snapshot(obj)
                payload = action.payload(self, world, obj) if action.payload else {}
                response = getattr(client, action.method)(url, payload, format="json")
                expected = self.expected_write(role, place, action.roles, action.ok_status)
                assert response.status_code in expected, (action.path, role, place, response.content)
                if response.status_code != action.ok_status:
                    assert snapshot(obj) == before, (action.path, role, place)

    def test_list_query_count_is_constant(self, world):
        """One row or many: the same queries (no query per row), for staff and partner users.

        The small request asks for `page_size=1` with one object of each kind; the big one
        for `page_size=50` after more objects exist (so unpaginated lists grow too).
        """
        viewers = [role for role in (ADMIN, PARTNER) if role in self.read_roles]
        assert viewers, "the endpoint must be readable by someone"
        self.make_many(world, 1)
        small = {}
        for role in viewers:
            client = world.client(role)
            assert client.get(self.url).status_code == 200  # warm caches (content types, …)
            small[role] = self._count_queries(client, 1)
        self.make_many(world, 6)
        for role in viewers:
            big = self._count_queries(world.client(role), 50)
            if role == ADMIN:
                assert big[1] > small[role][1], "the big page must hold more rows than the small one"
            assert len(small[role][0]) == len(big[0]), (
                role,
                [q["sql"] for q in small[role][0].captured_queries],
                [q["sql"] for q in big[0].captured_queries],
            )

    def _count_queries(self, client, page_size):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(self.url, {"page_size": page_size})
        assert response.status_code == 200, response.content
        return queries, len(ids_of(response.json()))
