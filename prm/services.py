"""Cross-app services: notifications in the portal and by e-mail."""
import logging
from typing import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)


def notification_send(
    *,
    recipients: Iterable,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    dedupe_key: str,
    email: bool = True,
) -> list[Notification]:
    """Notify each recipient once per `dedupe_key`; return only the notifications created now.

    Creation is idempotent (unique recipient + key, conflicts ignored), so a retried or parallel
    job never notifies twice. E-mail goes out after the transaction commits, only for the new
    rows, to recipients that have an address. `title` and `body` may be lazy translations: they
    are rendered in the site's default language for storage and e-mail.
    """
    recipients = [user for user in recipients if user is not None and user.is_active]
    if not recipients:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        title, body = str(title), str(body)
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(recipient__in=recipients, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        fresh = [
            Notification(recipient=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key)
            for user in recipients
            if user.pk not in existing
        ]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        created = list(
            Notification.objects.filter(
                recipient__in=[n.recipient for n in fresh], dedupe_key=dedupe_key, emailed_at__isnull=True
            ).select_related("recipient")
        )
        if email:
            ids = [n.pk for n in created if n.recipient.email]
            transaction.on_commit(lambda: _email_notifications(ids))
    return created


def _email_notifications(ids: list[int]) -> None:
    for notification in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("recipient"):
        # Claim the row first: of two senders only one updates it, so the mail goes once.
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if not claimed:
            continue
        body = notification.body
        if notification.url:
            link = notification.url
            if link.startswith("/"):
                link = settings.PRM_SITE_URL.rstrip("/") + link
            body = f"{body}\n\n{link}" if body else link
        try:
            send_mail(notification.title, body, None, [notification.recipient.email], fail_silently=False)
        except Exception:  # the portal copy stands; a mail server outage must not fail the job
            logger.exception("could not e-mail notification %s", notification.pk)
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)


def notification_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    queryset = Notification.objects.visible_to(user).unread()
    if ids is not None:
        queryset = queryset.filter(pk__in=list(ids))
    return queryset.update(read_at=timezone.now())
