"""Celery task of the nightly allocation job: thin, it takes a date and calls the engine.

    allocation.nightly   (beat, 02:00 Asia/Shanghai, after lifecycle.nightly) scores every
                         partner, places it on the grid and prepares the grid's counts
"""
import datetime

from celery import shared_task


@shared_task(name="allocation.nightly")
def allocation_nightly(as_of: str | None = None) -> dict:
    from .services import allocation_run_now

    day = datetime.date.fromisoformat(as_of) if as_of else None
    result = allocation_run_now(as_of=day)
    return {"as_of": result.as_of.isoformat(), "chunks": result.chunks, "partners": result.partners,
            "measures": result.measures}
