"""The generic isolation suite (tests/api_suite.py) on every support endpoint."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support import services
from support.choices import Category
from support.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarWindow,
    RoutingRule,
    SatisfactionRating,
    ServiceCentre,
    SlaPolicy,
    SlaRecord,
    SlaTarget,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
)
from tests import factories as f
from tests.api_suite import (
    ADMIN,
    ADMIN_ONLY,
    ALL_ROLES,
    CHANNEL_MANAGER,
    FOREIGN,
    INTEGRATION_RO,
    INTEGRATION_RW,
    OWN,
    PARTNER,
    PLACES,
    PRODUCT_MANAGER,
    ROLES,
    STAFF,
    WRITERS,
    APIIsolationSuite,
    DetailAction,
)

STAFF_AND_INTEGRATION = STAFF | {INTEGRATION_RO, INTEGRATION_RW}


def _ticket(world, partner, **fields):
    fields.setdefault("subject", f"请求 {world.unique()}")
    return services.ticket_open(by=world.users[ADMIN], partner=partner, category=fields.pop("category", Category.SALES),
                                description="说明", **fields)


class TestTicketAPI(APIIsolationSuite):
    url = "/api/v1/support/tickets/"
    model = Ticket
    create_roles = frozenset({ADMIN, CHANNEL_MANAGER, PARTNER, INTEGRATION_RW})
    update_roles = None
    delete_roles = None
    detail_actions = [
        DetailAction("reply", payload=lambda suite, world, obj: {"body": "您好"}, ok_status=201),
        DetailAction("assign", roles=STAFF_AND_INTEGRATION, payload=lambda suite, world, obj: {"assignee": None}),
        DetailAction("reclassify", roles=STAFF_AND_INTEGRATION, payload=lambda suite, world, obj: {"priority": "high"}),
    ]

    def make_object(self, world, partner):
        return _ticket(world, partner)

    def create_payload(self, world, partner):
        return {"partner": partner.pk, "category": "sales", "subject": f"新请求 {world.unique()}", "description": "详情"}

    def foreign_attachments(self, world):
        own = world.partners[OWN]
        contact = f.ContactFactory(partner=world.partners[FOREIGN])
        product = f.ProductFactory(code=f"FP{world.unique()}")
        world.partners[FOREIGN].authorised_products.add(product)
        base = {"partner": own.pk, "category": "sales", "subject": "附带他人数据", "description": "x"}
        return [({**base, "contact": contact.pk}, "contact"), ({**base, "product": product.code}, "product")]


class ReadOnlySuite(APIIsolationSuite):
    create_roles = None
    update_roles = None
    delete_roles = None


class TestTicketMessageAPI(ReadOnlySuite):
    url = "/api/v1/support/messages/"
    model = TicketMessage

    def make_object(self, world, partner):
        return services.ticket_reply(ticket=_ticket(world, partner), by=world.users[ADMIN], body="公开回复")


class TestTicketEventAPI(ReadOnlySuite):
    url = "/api/v1/support/events/"
    model = TicketEvent

    def make_object(self, world, partner):
        return TicketEvent.objects.filter(ticket=_ticket(world, partner)).first()


class TestSlaRecordAPI(ReadOnlySuite):
    url = "/api/v1/support/sla-records/"
    model = SlaRecord

    def make_object(self, world, partner):
        return SlaRecord.objects.filter(ticket=_ticket(world, partner)).first()


class TestRatingAPI(ReadOnlySuite):
    url = "/api/v1/support/ratings/"
    model = SatisfactionRating

    def make_object(self, world, partner):
        ticket = _ticket(world, partner)
        services.ticket_transition(ticket=ticket, by=world.users[ADMIN], status="resolved")
        user = world.users[PARTNER] if partner.pk == world.users[PARTNER].partner_id else f.PartnerUserFactory(
            username=f"rater{world.unique()}", partner=partner)
        return services.ticket_rate(ticket=ticket, by=user, score=4, comment="好")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class TestAttachmentAPI(APIIsolationSuite):
    """Uploads are multipart, so the create checks are redone here with files."""

    url = "/api/v1/support/attachments/"
    model = TicketAttachment
    update_roles = None
    delete_roles = None
    scope_error_field = "ticket"
    create_roles = WRITERS | {PRODUCT_MANAGER}  # a product manager uploads to their centre's tickets
    detail_actions = [DetailAction("download", method="get")]

    def make_object(self, world, partner):
        upload = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
        return services.attachment_add(ticket=_ticket(world, partner), by=world.users[ADMIN], upload=upload)

    @pytest.mark.parametrize("role", ROLES)
    def test_create(self, world, role):
        for place in PLACES:
            ticket = _ticket(world, world.partners[place])
            count = TicketAttachment.objects.count()
            upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
            response = world.client(role).post(self.url, {"ticket": ticket.pk, "file": upload}, format="multipart")
            if role not in self.create_roles:
                assert response.status_code == 403, (role, place)
            elif place in self.change_scope(role):
                assert response.status_code == 201, (role, place, response.content)
                assert TicketAttachment.objects.get(pk=response.json()["id"]).ticket_id == ticket.pk
                continue
            else:
                assert response.status_code == 400 and "ticket" in response.json(), (role, place, response.content)
            assert TicketAttachment.objects.count() == count


class ReferenceSuite(APIIsolationSuite):
    """Support configuration: staff (and integrations) read, administrators write."""

    partner_owned = False
    read_roles = STAFF_AND_INTEGRATION
    create_roles = ADMIN_ONLY
    update_roles = ADMIN_ONLY
    delete_roles = ADMIN_ONLY


class TestServiceCentreAPI(ReferenceSuite):
    url = "/api/v1/support/centres/"
    model = ServiceCentre
    read_roles = ALL_ROLES

    def make_object(self, world, partner):
        n = world.unique()
        return ServiceCentre.objects.create(code=f"C{n}", name=f"Centre {n}", name_zh=f"中心{n}")

    def create_payload(self, world, partner):
        n = world.unique()
        return {"code": f"N{n}", "name": f"New centre {n}", "name_zh": f"新中心{n}"}

    def update_payload(self, world, obj):
        return {"description": "改过的说明"}


class TestRoutingRuleAPI(ReferenceSuite):
    url = "/api/v1/support/routing-rules/"
    model = RoutingRule

    def make_object(self, world, partner):
        return RoutingRule.objects.create(order=500 + world.unique(), category="market",
                                          centre=ServiceCentre.objects.get(code="BAS"))

    def create_payload(self, world, partner):
        return {"order": 600 + world.unique(), "category": "training", "centre": "COP"}

    def update_payload(self, world, obj):
        return {"active": False}


class TestCalendarAPI(ReferenceSuite):
    url = "/api/v1/support/calendars/"
    model = BusinessCalendar

    def make_object(self, world, partner):
        calendar = BusinessCalendar.objects.create(name=f"Cal {world.unique()}", timezone="Asia/Shanghai")
        CalendarWindow.objects.create(calendar=calendar, weekday=0, start=dt.time(9), end=dt.time(17))
        return calendar

    def create_payload(self, world, partner):
        return {"name": f"Calendar {world.unique()}", "timezone": "Europe/Berlin"}

    def update_payload(self, world, obj):
        return {"name": f"Renamed {world.unique()}"}


class TestCalendarWindowAPI(ReferenceSuite):
    url = "/api/v1/support/calendar-windows/"
    model = CalendarWindow

    def make_object(self, world, partner):
        calendar = BusinessCalendar.objects.get(is_default=True)
        return CalendarWindow.objects.create(calendar=calendar, weekday=5, start=dt.time(9), end=dt.time(10))

    def create_payload(self, world, partner):
        return {"calendar": BusinessCalendar.objects.get(is_default=True).pk, "weekday": 6, "start": "10:00", "end": "11:00"}

    def update_payload(self, world, obj):
        return {"end": "11:30:00"}


class TestCalendarDayAPI(ReferenceSuite):
    url = "/api/v1/support/calendar-days/"
    model = CalendarDay

    def make_object(self, world, partner):
        calendar = BusinessCalendar.objects.get(is_default=True)
        return CalendarDay.objects.create(calendar=calendar, date=dt.date(2027, 1, 1) + dt.timedelta(days=world.unique()),
                                          kind="holiday", name="Test holiday")

    def create_payload(self, world, partner):
        day = dt.date(2028, 1, 1) + dt.timedelta(days=world.unique())
        return {"calendar": BusinessCalendar.objects.get(is_default=True).pk, "date": day.isoformat(), "kind": "holiday"}

    def update_payload(self, world, obj):
        return {"name": "Renamed holiday"}


class TestSlaPolicyAPI(ReferenceSuite):
    url = "/api/v1/support/sla-policies/"
    model = SlaPolicy

    def make_object(self, world, partner):
        return SlaPolicy.objects.create(name=f"Policy {world.unique()}", order=900, category="training")

    def create_payload(self, world, partner):
        return {"name": f"New policy {world.unique()}", "order": 950, "tier": "certified", "warn_percent": 75}

    def update_payload(self, world, obj):
        return {"warn_percent": 70}


class TestSlaTargetAPI(ReferenceSuite):
    url = "/api/v1/support/sla-targets/"
    model = SlaTarget

    def make_object(self, world, partner):
        policy = SlaPolicy.objects.create(name=f"P {world.unique()}", order=901)
        return SlaTarget.objects.create(policy=policy, kind="milestone", code="site_survey", name="Site survey",
                                        amount=2, unit="days")

    def create_payload(self, world, partner):
        policy = SlaPolicy.objects.create(name=f"Q {world.unique()}", order=902)
        return {"policy": policy.pk, "kind": "resolution", "name": "Resolution", "amount": 3, "unit": "days"}

    def update_payload(self, world, obj):
        return {"amount": 4}
