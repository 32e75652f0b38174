"""The support app's risk-flag rule for the lifecycle early warning (lifecycle/risk_rules.py).

"Long-open or breached support request": for one chunk of partners and one as-of date, the
partners with a request that, at the end of that day, was still open (opened before the day
ended, not resolved or closed by then) and either older than `support_open_days` days or with
a committed time breached by then and not met by then. One row per partner:

    partner_id, severity (3 serious when a breach is open, else 2 warning),
    evidence {tickets, breached_tickets, oldest_opened_at, threshold_days}

Set-based: one aggregate query over tickets with an EXISTS on the SLA records; the lifecycle
engine runs it as INSERT … SELECT. Only facts dated before the end of the as-of day count. (A
ticket that was resolved and later reopened counts from its reopening: resolution times are
kept on the ticket as last set, not as a history.)
"""
from datetime import timedelta

from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, Value, When
from django.db.models.functions import JSONObject


def long_open_or_breached_requests(ctx):
    from lifecycle.choices import Severity

    from .models import SlaRecord, Ticket

    day_end = ctx.day_end
    too_old = day_end - timedelta(days=ctx.settings.support_open_days)
    open_breach = SlaRecord.objects.filter(ticket=OuterRef("pk"), breached_at__lt=day_end).filter(
        Q(met_at__isnull=True) | Q(met_at__gte=day_end)
    )
    open_at_day_end = (
        Q(opened_at__lt=day_end)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=day_end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=day_end))
    )
    return (
        Ticket.objects.filter(ctx.partner_range("partner_id"))
        .alias(breached=Exists(open_breach))
        .filter(open_at_day_end & (Q(opened_at__lt=too_old) | Q(breached=True)))
        .values("partner_id")
        .annotate(
            severity=Max(
                Case(When(breached=True, then=Value(int(Severity.SERIOUS))), default=Value(int(Severity.WARNING)),
                     output_field=IntegerField())
            ),
            evidence=JSONObject(
                tickets=Count("id"),
                breached_tickets=Count("id", filter=Q(breached=True)),
                oldest_opened_at=Min("opened_at"),
                threshold_days=Value(ctx.settings.support_open_days),
            ),
        )
    )


def register() -> bool:
    """Register the rule with the lifecycle registry (False when lifecycle is not installed)."""
    try:
        from lifecycle.choices import FlagKind
        from lifecycle.risk_rules import register_rule
    except ImportError:  # pragma: no cover
        return False
    register_rule(FlagKind.SUPPORT, long_open_or_breached_requests,
                  description=long_open_or_breached_requests.__doc__ or __doc__)
    return True
