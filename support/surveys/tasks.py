"""Celery tasks of the surveys: thin, they take a date and call the job."""
import datetime

from celery import shared_task


@shared_task(name="surveys.ticket_invitations")
def surveys_ticket_invitations() -> dict:
    """Survey the partners of support requests resolved since the last run (every 10 minutes)."""
    from .jobs import ticket_invitations_create

    return {"invited": ticket_invitations_create()}


@shared_task(name="surveys.notify_invited")
def surveys_notify_invited(campaign_id: int, invited_at: str) -> dict:
    """Notify the partner users of the invitations a campaign's launch made (stamped `invited_at`)."""
    import datetime as dt

    from .models import Invitation
    from .notify import notify_invited

    invitations = Invitation.objects.filter(campaign_id=campaign_id, invited_at=dt.datetime.fromisoformat(invited_at))
    return {"notified": notify_invited(invitations, reminder=False)}


@shared_task(name="surveys.nightly")
def surveys_nightly(as_of: str | None = None) -> dict:
    """Expire invitations that can no longer be answered and send the due reminders for `as_of`."""
    from .jobs import surveys_nightly as run

    return run(as_of=datetime.date.fromisoformat(as_of) if as_of else None)


# Celery's autodiscovery imports this module only: bring in the analysis task too.
from .analysis import tasks as _analysis_tasks  # noqa: E402,F401
