"""Celery tasks: thin interfaces that take ids and dates and call a service."""

from celery import shared_task
from django.utils.dateparse import parse_datetime


@shared_task(name="support.tasks.sla_sweep", acks_late=True)
def sla_sweep(now: str | None = None) -> dict:
    """Warn, breach and escalate SLA records that are due (beat runs it every few minutes)."""
    from .escalation import sla_sweep as sweep

    result = sweep(now=parse_datetime(now) if now else None)
    return {"warned": result.warned, "breached": result.breached, "escalated": result.escalated}


@shared_task(name="support.tasks.sla_recompute", acks_late=True)
def sla_recompute(calendar_id: int | None = None, policy_id: int | None = None) -> int:
    """Recompute the open tickets of an edited calendar or policy (closed tickets untouched)."""
    from .services import sla_recompute as recompute

    return recompute(calendar_id=calendar_id, policy_id=policy_id)



