"""Celery task of the survey analysis (thin: a date in, the service does the work).

    surveys.analysis_nightly   (beat 01:00 Asia/Shanghai, before lifecycle.nightly) the IPA cube
                               rebuild and the satisfaction index of every partner as of yesterday
"""
import datetime

from celery import shared_task
from django.db import DatabaseError


@shared_task(name="surveys.analysis_nightly", autoretry_for=(DatabaseError,), retry_backoff=10,
             retry_kwargs={"max_retries": 3})
def analysis_nightly(as_of: str | None = None) -> dict:
    from .nightly import analysis_nightly_run, default_as_of

    day = datetime.date.fromisoformat(as_of) if as_of else default_as_of()
    return analysis_nightly_run(as_of=day).as_dict()
