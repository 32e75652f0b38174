"""The nightly survey-analysis job (a service; the Celery task in tasks.py only calls it).

 1. rebuild the IPA cube of every campaign from the answers (exact whatever the day's
    incremental updates did), one INSERT … SELECT … GROUP BY per campaign;
 2. the satisfaction index of every partner as of the day, in partner-id range chunks, each
    chunk one transaction that deletes and replaces its rows of the day;
 3. thin the history: keep the latest day and the month ends.

Idempotent per business date: a second run, a retry or a killed run leaves what one clean run
leaves. Runs before "lifecycle.nightly" (settings.PRM_NIGHTLY_JOBS), although the lifecycle
rule computes the index from the answers itself and does not need this table.
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db.models import Max, Min
from django.utils import timezone

from partners.models import Partner

from .cube import cube_rebuild_all
from .satisfaction import satisfaction_compute_chunk, satisfaction_prune

logger = logging.getLogger(__name__)

CHUNK_SIZE = 20_000


@dataclass
class NightlyResult:
    as_of: datetime.date
    cells: int = 0
    partners: int = 0
    chunks: int = 0
    pruned: int = 0

    def as_dict(self) -> dict:
        return {"as_of": self.as_of.isoformat(), "cells": self.cells, "partners": self.partners,
                "chunks": self.chunks, "pruned": self.pruned}


def default_as_of() -> datetime.date:
    """The last complete business day (yesterday in Asia/Shanghai)."""
    return timezone.localdate() - datetime.timedelta(days=1)


def partner_chunks(chunk_size: int = CHUNK_SIZE) -> list[tuple[int, int]]:
    bounds = Partner.objects.aggregate(lo=Min("id"), hi=Max("id"))
    if bounds["lo"] is None:
        return []
    lo, hi = bounds["lo"], bounds["hi"]
    return [(start, min(start + chunk_size - 1, hi)) for start in range(lo, hi + 1, chunk_size)]


def analysis_nightly_run(*, as_of: datetime.date, chunk_size: int = CHUNK_SIZE) -> NightlyResult:
    result = NightlyResult(as_of=as_of)
    result.cells = cube_rebuild_all()
    for lo, hi in partner_chunks(chunk_size):
        result.partners += satisfaction_compute_chunk(as_of=as_of, partner_lo=lo, partner_hi=hi)
        result.chunks += 1
    result.pruned = satisfaction_prune()
    logger.info("survey analysis for %s: %s", as_of, result.as_dict())
    return result
