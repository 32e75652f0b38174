"""Celery task of the recruitment funnel: thin, it takes a date and calls the job."""
import datetime

from celery import shared_task
from django.db import DatabaseError
from django.utils import timezone


@shared_task(name="recruitment.funnel_nightly", autoretry_for=(DatabaseError,), retry_backoff=10, retry_kwargs={"max_retries": 3})
def funnel_nightly(as_of: str | None = None) -> dict:
    """Prepare the funnel cells for `as_of` (ISO date; default yesterday, the last complete day)."""
    from .funnel import funnel_refresh

    day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate() - datetime.timedelta(days=1)
    return {"as_of": day.isoformat(), "cells": funnel_refresh(as_of=day)}
