"""Cross-app services: notifications in the portal and by e-mail."""
import logging
from dataclasses import dataclass
from typing import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from .models import Notification

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NotificationSpec:
    """One notification to create: to whom, what, and the key that makes it once-only."""

    recipient: object  # a User
    kind: str
    title: str
    dedupe_key: str
    body: str = ""
    url: str = ""


def notifications_send(specs: Iterable[NotificationSpec], *, email: bool = True) -> list[Notification]:
    """Create many notifications at once; return only those created now (in three queries).

    At most one notification per (recipient, dedupe_key), decided by the database's unique key
    (conflicts ignored), so a retried or parallel job never notifies twice. Inactive or missing
    recipients are skipped. E-mail goes after the transaction commits, only for the new rows, to
    recipients that have an address.
    """
    rows, seen = [], set()
    for spec in specs:
        user = spec.recipient
        if user is None or not user.is_active or (user.pk, spec.dedupe_key) in seen:
            continue
        seen.add((user.pk, spec.dedupe_key))
        rows.append(
            Notification(
                recipient=user, kind=spec.kind, title=str(spec.title), body=str(spec.body), url=spec.url,
                dedupe_key=spec.dedupe_key,
            )
        )
    if not rows:
        return []
    users = {row.recipient_id for row in rows}
    with transaction.atomic():
        existing = set(
            Notification.objects.filter(
                recipient_id__in=users, dedupe_key__in={row.dedupe_key for row in rows}
            ).values_list("recipient_id", "dedupe_key")
        )
        fresh = [row for row in rows if (row.recipient_id, row.dedupe_key) not in existing]
        Notification.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
        fresh_pairs = {(row.recipient_id, row.dedupe_key) for row in fresh}
        created = [
            notification
            for notification in Notification.objects.filter(
                recipient_id__in={user for user, _key in fresh_pairs},
                dedupe_key__in={key for _user, key in fresh_pairs},
                emailed_at__isnull=True,
            ).select_related("recipient")
            if (notification.recipient_id, notification.dedupe_key) in fresh_pairs
        ]
        if email:
            ids = [n.pk for n in created if n.recipient.email]
            if ids:
                transaction.on_commit(lambda: _email_notifications(ids))
    return created


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

    `title` and `body` may be lazy translations: they are rendered in the site's default
    language for storage and e-mail. See notifications_send for the once-only contract.
    """
    with translation.override(settings.LANGUAGE_CODE):
        title, body = str(title), str(body)
    return notifications_send(
        (
            NotificationSpec(recipient=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key)
            for user in recipients
        ),
        email=email,
    )


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
