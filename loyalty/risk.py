"""The loyalty app's early-warning rule for lifecycle: points about to expire unused."""
import datetime

from django.db.models import Count, IntegerField, Min, Sum, Value
from django.db.models.functions import JSONObject


def points_expiring_rule(ctx):
    """Unspent points of at least `points_expiry_min_points` expire within `points_expiry_days`
    of the as-of date: the partner is not using the programme (warning).

    Reads lots earned on or before the as-of date; what remains of them is today's bookkeeping
    (the ledger does not date partial spending), so a re-run for a past day uses today's remainders.
    """
    from lifecycle.choices import Severity

    from .models import LedgerEntry

    until = ctx.as_of + datetime.timedelta(days=ctx.settings.points_expiry_days)
    return (
        LedgerEntry.objects.filter(
            ctx.partner_range("partner_id"),
            remaining__gt=0,
            effective_on__lte=ctx.as_of,
            expires_on__gte=ctx.as_of,
            expires_on__lte=until,
        )
        .values("partner_id")
        .annotate(points=Sum("remaining"))
        .filter(points__gte=ctx.settings.points_expiry_min_points)
        .annotate(
            severity=Value(Severity.WARNING, output_field=IntegerField()),
            evidence=JSONObject(
                points=Sum("remaining"),
                lots=Count("id"),
                first_expiry=Min("expires_on"),
                within_days=Value(ctx.settings.points_expiry_days),
                threshold_points=Value(ctx.settings.points_expiry_min_points),
            ),
        )
    )


def register():
    from lifecycle.choices import FlagKind
    from lifecycle.risk_rules import register_rule

    register_rule(FlagKind.POINTS_EXPIRING, points_expiring_rule, description=points_expiring_rule.__doc__)
