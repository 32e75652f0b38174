"""Support API behaviour beyond isolation: internal notes, clocks, filters, uploads, report, bad input."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from prm.models import Notification
from support import services
from support.choices import Category, Priority, SlaStatus, TicketStatus as S
from support.escalation import sla_sweep
from support.models import SatisfactionRating, SlaRecord, Ticket, TicketAttachment
from tests import factories as f

TICKETS = "/api/v1/support/tickets/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def ticket(open_ticket, partner_a, partner_user_a):
    return open_ticket(partner_a, by=partner_user_a, when=timezone.now())


def test_partner_opens_a_ticket_for_its_own_partner(as_user, partner_user_a, partner_a, product_a, centres):
    contact = f.ContactFactory(partner=partner_a)
    response = as_user(partner_user_a).post(TICKETS, {
        "category": "sales", "subject": "集团彩铃开通咨询", "description": "客户需要开通。", "priority": "high",
        "contact": contact.pk, "product": product_a.code,
    }, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["partner"] == partner_a.pk and body["centre"] == "BAS" and body["status"] == "new"
    assert body["opened_by"]["id"] == partner_user_a.pk
    assert {c["code"] for c in body["clocks"]} == {"first_response", "resolution"}
    assert all(c["running"] and c["left_seconds"] > 0 for c in body["clocks"]) or timezone.localtime().weekday() >= 5
    assert "policy" not in body  # the operator's internal view


def test_partner_opens_with_files_in_one_multipart_request(as_user, partner_user_a):
    upload = SimpleUploadedFile("截图.png", PNG, content_type="image/png")
    response = as_user(partner_user_a).post(TICKETS, {
        "category": "technical", "subject": "故障", "description": "截图见附件", "files": [upload],
    }, format="multipart")
    assert response.status_code == 201, response.content
    attachment = TicketAttachment.objects.get(ticket_id=response.json()["id"])
    assert attachment.name == "截图.png" and attachment.content_type == "image/png"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"category": "nonsense", "subject": "x", "description": "y"}, "category"),
        ({"category": "sales", "subject": "", "description": "y"}, "subject"),
        ({"category": "sales", "subject": "x" * 201, "description": "y"}, "subject"),
        ({"category": "sales", "subject": "x", "description": "y", "priority": "asap"}, "priority"),
        ({"category": "sales", "subject": "x", "description": "y", "contact": "abc"}, "contact"),
        ({"category": "sales", "subject": "x", "description": "y", "product": "NOPE"}, "product"),
    ],
)
def test_bad_ticket_input_is_a_400_per_field(as_user, partner_user_a, payload, field):
    response = as_user(partner_user_a).post(TICKETS, payload, format="json")
    assert response.status_code == 400 and field in response.json(), response.content


def test_malformed_json_is_a_400(as_user, partner_user_a):
    response = as_user(partner_user_a).post(TICKETS, "{not json", content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("query", [{"status": "bogus"}, {"centre": "XYZ"}, {"due_soon": "maybe"},
                                   {"page_size": "500"}, {"ordering": "password"}, {"assignee": "me"}])
def test_bad_filters_are_400(as_user, channel_manager, query):
    assert as_user(channel_manager).get(TICKETS, query).status_code == 400


def test_partner_users_never_see_internal_notes(as_user, ticket, partner_user_a, admin_user, partner_user_b):
    services.ticket_reply(ticket=ticket, by=admin_user, body="内部：客户信用待查", internal=True)
    upload = SimpleUploadedFile("internal.txt", b"secret", content_type="text/plain")
    secret = services.attachment_add(ticket=ticket, by=admin_user, upload=upload, internal=True)
    services.ticket_reply(ticket=ticket, by=admin_user, body="您好，正在处理。")
    partner = as_user(partner_user_a)

    messages = partner.get("/api/v1/support/messages/", {"ticket": ticket.pk}).json()["results"]
    assert [m["body"] for m in messages] == ["您好，正在处理。"]
    assert partner.get("/api/v1/support/messages/", {"internal": "true"}).json()["count"] == 0
    events = partner.get("/api/v1/support/events/", {"ticket": ticket.pk}).json()["results"]
    assert "note" not in {e["kind"] for e in events} and all(not e["internal"] for e in events)
    assert partner.get("/api/v1/support/attachments/", {"ticket": ticket.pk}).json()["count"] == 0
    assert partner.get(f"/api/v1/support/attachments/{secret.pk}/download/").status_code == 404
    staff_messages = as_user(admin_user).get("/api/v1/support/messages/", {"ticket": ticket.pk}).json()["results"]
    assert len(staff_messages) == 2
    # Nor may a partner user write one.
    response = partner.post(f"{TICKETS}{ticket.pk}/reply/", {"body": "x", "internal": True}, format="json")
    assert response.status_code == 400 and "internal" in response.json()
    assert as_user(partner_user_b).get(f"{TICKETS}{ticket.pk}/").status_code == 404


def test_attachment_limits_and_scoped_download(as_user, ticket, partner_user_a, partner_user_b, channel_manager):
    client = as_user(partner_user_a)
    url = "/api/v1/support/attachments/"
    ok = client.post(url, {"ticket": ticket.pk, "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 test", "application/pdf")},
                     format="multipart")
    assert ok.status_code == 201, ok.content
    bad_type = client.post(url, {"ticket": ticket.pk, "file": SimpleUploadedFile("a.exe", b"MZ...", "application/x-msdownload")},
                           format="multipart")
    assert bad_type.status_code == 400 and "file" in bad_type.json()
    liar = client.post(url, {"ticket": ticket.pk, "file": SimpleUploadedFile("a.png", b"GIF89a....", "image/png")},
                       format="multipart")
    assert liar.status_code == 400 and "file" in liar.json()
    with override_settings(SUPPORT_ATTACHMENT_MAX_BYTES=10):
        big = client.post(url, {"ticket": ticket.pk, "file": SimpleUploadedFile("b.txt", b"x" * 11, "text/plain")},
                          format="multipart")
    assert big.status_code == 400 and "file" in big.json()

    download = client.get(ok.json()["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 test"
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] == "application/pdf"
    assert as_user(partner_user_b).get(ok.json()["download_url"]).status_code == 404
    assert as_user(channel_manager).get(ok.json()["download_url"]).status_code == 200
    assert "/media/" not in ok.json()["download_url"]


def test_centre_staff_answer_other_partners_tickets(as_user, open_ticket, partner_b, agent, product_manager):
    ticket = open_ticket(partner_b, category=Category.SALES)  # routed to BAS, where the agent works
    reply = as_user(agent).post(f"{TICKETS}{ticket.pk}/reply/", {"body": "您好"}, format="json")
    assert reply.status_code == 201
    assign = as_user(agent).post(f"{TICKETS}{ticket.pk}/assign/", {"assignee": agent.pk}, format="json")
    assert assign.status_code == 200 and assign.json()["assignee"]["id"] == agent.pk
    # A product manager outside the centre may look but not answer.
    assert as_user(product_manager).get(f"{TICKETS}{ticket.pk}/").status_code == 200
    assert as_user(product_manager).post(f"{TICKETS}{ticket.pk}/reply/", {"body": "x"}, format="json").status_code == 403


def test_assignment_refuses_partner_users(as_user, ticket, admin_user, partner_user_a):
    response = as_user(admin_user).post(f"{TICKETS}{ticket.pk}/assign/", {"assignee": partner_user_a.pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()


def test_partner_confirms_or_reopens_and_rates(as_user, ticket, partner_user_a, admin_user):
    partner = as_user(partner_user_a)
    assert partner.post(f"{TICKETS}{ticket.pk}/transition/", {"status": "resolved"}, format="json").status_code == 400
    as_user(admin_user).post(f"{TICKETS}{ticket.pk}/transition/", {"status": "resolved"}, format="json")
    reopened = partner.post(f"{TICKETS}{ticket.pk}/transition/", {"status": "reopened", "note": "仍未解决"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "reopened"
    as_user(admin_user).post(f"{TICKETS}{ticket.pk}/transition/", {"status": "resolved"}, format="json")
    rated = partner.post(f"{TICKETS}{ticket.pk}/rate/", {"score": 5, "comment": "很满意"}, format="json")
    assert rated.status_code == 201
    assert partner.post(f"{TICKETS}{ticket.pk}/rate/", {"score": 9}, format="json").status_code == 400
    assert as_user(admin_user).post(f"{TICKETS}{ticket.pk}/rate/", {"score": 3}, format="json").status_code == 403
    closed = partner.post(f"{TICKETS}{ticket.pk}/transition/", {"status": "closed"}, format="json")
    assert closed.json()["status"] == "closed" and closed.json()["rating"]["score"] == 5
    assert SatisfactionRating.objects.get(ticket=ticket).partner_id == ticket.partner_id


def test_queue_filters(as_user, open_ticket, partner_a, partner_b, agent, channel_manager, admin_user):
    now = timezone.now()
    sales = open_ticket(partner_a, category=Category.SALES, when=now)
    urgent = open_ticket(partner_b, category=Category.TRAINING, priority=Priority.URGENT, when=now - dt.timedelta(days=9))
    capability = open_ticket(partner_b, category=Category.CAPABILITY, when=now)
    services.ticket_assign(ticket=sales, by=admin_user, assignee=agent)
    services.ticket_transition(ticket=capability, by=admin_user, status=S.IN_PROGRESS)
    sla_sweep(now=now)
    client = as_user(channel_manager)

    def ids(**query):
        response = client.get(TICKETS, query)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(status="in_progress") == {capability.pk}
    assert ids(centre="COS") == {capability.pk}
    assert ids(centre=["BAS", "COS"]) == {sales.pk, urgent.pk, capability.pk}
    assert ids(assignee=agent.pk) == {sales.pk}
    assert ids(unassigned="true") == {urgent.pk, capability.pk}
    assert ids(category="training") == {urgent.pk}
    assert ids(priority="urgent") == {urgent.pk}
    assert ids(breached="true") == {urgent.pk}
    assert ids(breached="false") == {sales.pk, capability.pk}
    assert ids(my_partners="true") == {sales.pk}
    assert ids(city="MY") == {urgent.pk, capability.pk}
    assert ids(q=sales.reference) == {sales.pk}
    assert ids(open="true") == {sales.pk, urgent.pk, capability.pk}
    assert ids(due_soon="true", due_within_hours=24 * 30) == {sales.pk, capability.pk}
    assert as_user(agent).get(TICKETS, {"my_centres": "true", "mine": "true"}).json()["count"] == 1
    clocks = client.get(f"{TICKETS}{urgent.pk}/").json()["clocks"]
    first = next(c for c in clocks if c["code"] == "first_response")
    assert first["status"] == "breached" and first["left_seconds"] < 0


def test_sla_records_endpoint_shows_live_clock_and_hides_escalation_from_partners(as_user, ticket, partner_user_a, admin_user):
    record = SlaRecord.objects.get(ticket=ticket, code="first_response")
    staff = as_user(admin_user).get(f"/api/v1/support/sla-records/{record.pk}/").json()
    assert "escalation_level" in staff and staff["left_seconds"] <= record.target_seconds
    partner = as_user(partner_user_a).get(f"/api/v1/support/sla-records/{record.pk}/").json()
    assert "escalation_level" not in partner and partner["status"] == SlaStatus.RUNNING


def test_compliance_report(as_user, open_ticket, partner_a, partner_b, admin_user, partner_user_a, channel_manager):
    from .conftest import at

    mon = at(2026, 3, 9, 10, 0)
    met = open_ticket(partner_a, when=mon)
    services.ticket_reply(ticket=met, by=admin_user, body="回复", now=mon + dt.timedelta(minutes=5))
    late = open_ticket(partner_b, priority=Priority.URGENT, when=mon)
    sla_sweep(now=mon + dt.timedelta(hours=3))
    response = as_user(channel_manager).get("/api/v1/support/reports/compliance/",
                                            {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["overall"] == {"total": 2, "met": 1, "breached": 1, "met_share": 0.5}
    assert {row["ticket__priority"]: row["met_share"] for row in report["priority"]} == {"normal": 1.0, "urgent": 0.0}
    assert report["month"] == [{"month": "2026-03", "total": 2, "met": 1, "breached": 1, "met_share": 0.5}]
    assert report["most_affected_partners"][0]["ticket__partner_id"] == partner_b.pk
    assert {row["ticket__partner__city__code"] for row in report["city"]} == {"CD", "MY"}
    assert as_user(partner_user_a).get("/api/v1/support/reports/compliance/").status_code == 403
    bad = as_user(channel_manager).get("/api/v1/support/reports/compliance/", {"date_from": "2026-04-01", "date_to": "2026-03-01"})
    assert bad.status_code == 400 and "date_to" in bad.json()
    assert late.pk != met.pk


def test_ticket_list_query_count_is_flat_with_clocks(as_user, open_ticket, partner_a, admin_user, django_assert_max_num_queries):
    for _ in range(3):
        open_ticket(partner_a)
    client = as_user(admin_user)
    client.get(TICKETS)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(TICKETS, {"page_size": 1})
    for _ in range(10):
        open_ticket(partner_a, category=Category.CAPABILITY)
    with CaptureQueriesContext(connection) as big:
        assert len(client.get(TICKETS, {"page_size": 50}).json()["results"]) == 13
    assert len(small) == len(big)


def test_editing_a_policy_target_recomputes_open_tickets(as_user, open_ticket, partner_a, admin_user,
                                                           django_capture_on_commit_callbacks):
    ticket = open_ticket(partner_a)
    record = SlaRecord.objects.get(ticket=ticket, code="first_response")
    target = record.target
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(admin_user).patch(f"/api/v1/support/sla-targets/{target.pk}/", {"amount": 2}, format="json")
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.target_seconds == 2 * 7 * 3600


def test_notifications_are_listed_for_the_recipient_only(ticket, admin_user, partner_user_a):
    services.ticket_reply(ticket=ticket, by=admin_user, body="答复")
    assert Notification.objects.filter(recipient=partner_user_a, kind="support.reply").count() == 1
    assert Ticket.objects.visible_to(partner_user_a).count() == 1
