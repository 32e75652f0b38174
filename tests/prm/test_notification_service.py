"""notification_send: once per recipient and key, e-mailed after commit with an absolute link."""
from unittest import mock

import pytest
from django.core import mail

from prm.models import Notification
from prm.services import notification_mark_read, notification_send
from tests import factories as f

pytestmark = pytest.mark.django_db


def _send(users, key="risk:1:2026-11-28"):
    return notification_send(
        recipients=users, kind="risk", title="Partner at risk", body="Sales dropped.", url="/partners/1/", dedupe_key=key
    )


def test_sends_once_per_recipient_and_key(django_capture_on_commit_callbacks, channel_manager, product_manager):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send([channel_manager, product_manager])
    with django_capture_on_commit_callbacks(execute=True):
        second = _send([channel_manager, product_manager])
    assert len(first) == 2 and second == []
    assert Notification.objects.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([channel_manager.email, product_manager.email])


def test_email_carries_an_absolute_link(django_capture_on_commit_callbacks, settings, channel_manager):
    settings.PRM_SITE_URL = "https://prm.example.com/"
    with django_capture_on_commit_callbacks(execute=True):
        _send([channel_manager])
    assert mail.outbox[0].body.endswith("https://prm.example.com/partners/1/")
    assert Notification.objects.get().emailed_at is not None


def test_inactive_and_missing_recipients_are_skipped(django_capture_on_commit_callbacks, channel_manager):
    channel_manager.is_active = False
    channel_manager.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert _send([channel_manager, None]) == []
    assert not mail.outbox


def test_mail_failure_keeps_the_portal_copy_for_a_later_retry(django_capture_on_commit_callbacks, channel_manager):
    with mock.patch("prm.services.send_mail", side_effect=OSError("smtp down")):
        with django_capture_on_commit_callbacks(execute=True):
            _send([channel_manager])
    notification = Notification.objects.get()
    assert notification.emailed_at is None
    assert notification.title == "Partner at risk"


def test_nothing_is_mailed_when_the_transaction_rolls_back(channel_manager):
    from django.db import transaction

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            _send([channel_manager])
            raise RuntimeError("job failed")
    assert not Notification.objects.exists()
    assert not mail.outbox


def test_mark_read_touches_only_the_users_own(channel_manager, product_manager):
    _send([channel_manager, product_manager])
    theirs = Notification.objects.get(recipient=product_manager)
    assert notification_mark_read(user=channel_manager, ids=[theirs.pk]) == 0
    assert notification_mark_read(user=channel_manager) == 1
    assert Notification.objects.get(recipient=product_manager).read_at is None


def test_recipients_without_email_get_the_portal_copy_only(django_capture_on_commit_callbacks):
    user = f.UserFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        _send([user])
    assert Notification.objects.filter(recipient=user).exists()
    assert not mail.outbox
