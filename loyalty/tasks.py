"""Celery tasks of the loyalty programme: thin, they take a date and call the job."""
import datetime

from celery import shared_task


@shared_task(name="loyalty.nightly")
def loyalty_nightly(as_of: str | None = None) -> dict:
    """Accrual, reversal, expiry, warnings and tier qualification for `as_of` (ISO date; default today)."""
    from .nightly import run_nightly

    run = run_nightly(as_of=datetime.date.fromisoformat(as_of) if as_of else None)
    return {
        "run": run.pk,
        "as_of": run.as_of.isoformat(),
        "status": run.status,
        "chunks": run.chunks_done,
        "earned": run.earned,
        "bonuses": run.bonuses,
        "reversed": run.reversed,
        "expired": run.expired,
        "warned": run.warned,
        "reviews_opened": run.reviews_opened,
        "reviews_lapsed": run.reviews_lapsed,
    }
