"""Risk-flag rules: the registry the nightly lifecycle job runs, set-based, for every partner.

A rule says, for one chunk of partners (ids `ctx.partner_lo` … `ctx.partner_hi`, inclusive)
and one as-of date, which partners trip it, how seriously, and why. It is a function that takes
a `RuleContext` and returns a Django QuerySet (of any model) whose `.values()` rows are exactly:

    partner_id   the partner's id (int); at most ONE row per partner (aggregate if needed)
    severity     an integer expression: 1 watch, 2 warning, 3 serious (lifecycle.choices.Severity)
    evidence     a JSON object built in SQL with django.db.models.functions.JSONObject: the
                 figures that tripped the rule (shown to people as the flag's evidence)

The engine never iterates the rows in Python: it compiles the QuerySet and runs
`INSERT INTO lifecycle_riskhit (…) SELECT … FROM (<your query>)`, inside the chunk's
transaction, on SQLite and PostgreSQL alike. It keeps only partners that exist on the as-of
date and are not in stage E (exited partners belong to the win-back list, not to early warning).
A rule must only see facts dated on or before the as-of date (use `ctx.day_end` for
datetimes: everything strictly before it belongs to the as-of day or earlier), so a run for a
past day reproduces that day's result. From the daily hits the engine keeps the flag episodes
(first raised, last seen, cleared) and the partner's risk level.

Thresholds live in `ctx.settings` (a lifecycle.models.LifecycleSettings row, editable by
administrators): `support_open_days`, `satisfaction_min`, `points_expiry_days`,
`points_expiry_min_points`, and the sales thresholds used by the built-in rules.

Register from your app's AppConfig.ready() (registering the same kind again replaces it):

    from django.db.models import Count, Min, Value
    from django.db.models.functions import JSONObject

    from lifecycle.choices import FlagKind, Severity
    from lifecycle.risk_rules import RuleContext, register_rule

    def long_open_or_breached_tickets(ctx: RuleContext):
        from support.models import Ticket
        too_old = ctx.day_end - timedelta(days=ctx.settings.support_open_days)
        return (
            Ticket.objects.filter(ctx.partner_range("partner_id"), opened_at__lt=ctx.day_end)
            .filter(open_at_end_of_day_condition & (Q(opened_at__lt=too_old) | Q(breached=True)))
            .values("partner_id")
            .annotate(severity=Value(Severity.SERIOUS), evidence=JSONObject(
                tickets=Count("id"), oldest_opened_at=Min("opened_at")))
        )

    register_rule(FlagKind.SUPPORT, long_open_or_breached_tickets)

Kinds declared in lifecycle.choices.FlagKind have a translated label already; a rule of a new
kind passes `label=` (a gettext_lazy string).

The built-in rules (registered below) read the chunk's own LifecycleSnapshot rows, which the
engine writes for the as-of date before it runs the rules.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import JSONObject
from django.utils import timezone

from .choices import FlagKind, Severity, Stage

if TYPE_CHECKING:  # pragma: no cover
    from .models import LifecycleSettings

REQUIRED_COLUMNS = ("partner_id", "severity", "evidence")


@dataclass(frozen=True)
class RuleContext:
    as_of: datetime.date
    partner_lo: int
    partner_hi: int
    settings: "LifecycleSettings"

    @property
    def day_start(self) -> datetime.datetime:
        """The as-of day's first instant in the business time zone (Asia/Shanghai)."""
        return timezone.make_aware(datetime.datetime.combine(self.as_of, datetime.time.min))

    @property
    def day_end(self) -> datetime.datetime:
        """The first instant after the as-of day: facts strictly before it count."""
        return self.day_start + datetime.timedelta(days=1)

    def partner_range(self, lookup: str = "partner_id") -> Q:
        """`lo <= <lookup> <= hi`: restrict a rule's query to the chunk's partners."""
        return Q(**{f"{lookup}__gte": self.partner_lo, f"{lookup}__lte": self.partner_hi})


RuleQuery = Callable[[RuleContext], QuerySet]


@dataclass(frozen=True)
class RiskRule:
    kind: str
    query: RuleQuery
    label: object
    description: object = ""


_rules: dict[str, RiskRule] = {}


def register_rule(kind: str, query: RuleQuery, *, label=None, description="") -> RiskRule:
    """Add (or replace) the rule of one flag kind."""
    kind = str(kind)
    if not kind or len(kind) > 40:
        raise ValueError("a rule kind is 1 to 40 characters")
    if label is None:
        if kind not in FlagKind.values:
            raise ValueError(f"rule kind {kind!r} is not a FlagKind: pass label=")
        label = FlagKind(kind).label
    rule = RiskRule(kind=kind, query=query, label=label, description=description)
    _rules[kind] = rule
    return rule


def unregister_rule(kind: str) -> None:
    _rules.pop(str(kind), None)


def registered_rules() -> list[RiskRule]:
    """The rules a run applies, in a fixed order (by kind)."""
    return [_rules[kind] for kind in sorted(_rules)]


def rule_label(kind: str):
    rule = _rules.get(kind)
    if rule is not None:
        return rule.label
    return FlagKind(kind).label if kind in FlagKind.values else kind


def compile_rule(rule: RiskRule, ctx: RuleContext, connection) -> tuple[str, tuple]:
    """The rule's SELECT (partner_id, severity, evidence) as SQL and parameters."""
    queryset = rule.query(ctx)
    names = set(queryset.query.values_select) | set(queryset.query.annotation_select)
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing or queryset.query.values_select == () and not queryset.query.annotation_select:
        raise ValueError(f"risk rule {rule.kind!r} must return .values() with {REQUIRED_COLUMNS}; missing {missing}")
    queryset = queryset.order_by().values(*REQUIRED_COLUMNS)
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, tuple(params)


# --- Built-in rules over the chunk's snapshot rows -----------------------------------------------


def _snapshots(ctx: RuleContext):
    from .models import LifecycleSnapshot

    return LifecycleSnapshot.objects.filter(ctx.partner_range("partner_id"), as_of=ctx.as_of)


def _int(expression):
    return ExpressionWrapper(expression, output_field=IntegerField())


def sales_drop_rule(ctx: RuleContext) -> QuerySet:
    """Sales of the last 90 days fell by at least `flag_drop_pct` % against the 90 days before
    (only when those were at least `flag_drop_min_prior`): warning; by `flag_drop_serious_pct` %
    or more: serious."""
    s = ctx.settings
    drop_x100 = _int((F("sales_prev_90d_cents") - F("sales_90d_cents")) * 100)
    return (
        _snapshots(ctx)
        .filter(sales_prev_90d_cents__gt=0, sales_prev_90d_cents__gte=s.flag_drop_min_prior_cents)
        .alias(drop_x100=drop_x100)
        .filter(drop_x100__gte=_int(F("sales_prev_90d_cents") * s.flag_drop_pct))
        .values("partner_id")
        .annotate(
            severity=Case(
                When(drop_x100__gte=_int(F("sales_prev_90d_cents") * s.flag_drop_serious_pct), then=Value(Severity.SERIOUS)),
                default=Value(Severity.WARNING),
                output_field=IntegerField(),
            ),
            evidence=JSONObject(
                sales_90d_cents=F("sales_90d_cents"),
                sales_prev_90d_cents=F("sales_prev_90d_cents"),
                drop_pct=_int((F("sales_prev_90d_cents") - F("sales_90d_cents")) * 100 / F("sales_prev_90d_cents")),
                threshold_pct=Value(s.flag_drop_pct),
            ),
        )
    )


def no_sales_rule(ctx: RuleContext) -> QuerySet:
    """No sale for `flag_no_sales_days` days or more (after a first sale): warning; for
    `flag_no_sales_serious_days` or more: serious."""
    s = ctx.settings
    return (
        _snapshots(ctx)
        .filter(last_sale_on__isnull=False, days_since_sale__gte=s.flag_no_sales_days)
        .values("partner_id")
        .annotate(
            severity=Case(
                When(days_since_sale__gte=s.flag_no_sales_serious_days, then=Value(Severity.SERIOUS)),
                default=Value(Severity.WARNING),
                output_field=IntegerField(),
            ),
            evidence=JSONObject(
                last_sale_on=F("last_sale_on"),
                days_since_sale=F("days_since_sale"),
                threshold_days=Value(s.flag_no_sales_days),
            ),
        )
    )


def stage_decline_rule(ctx: RuleContext) -> QuerySet:
    """The partner is in stage D (raised on entry, seen while it stays): serious."""
    return (
        _snapshots(ctx)
        .filter(stage=Stage.D)
        .values("partner_id")
        .annotate(
            severity=Value(Severity.SERIOUS, output_field=IntegerField()),
            evidence=JSONObject(
                stage_since=F("stage_since"),
                reason=F("rule_reason"),
                days_since_sale=F("days_since_sale"),
            ),
        )
    )


register_rule(FlagKind.SALES_DROP, sales_drop_rule, description=sales_drop_rule.__doc__)
register_rule(FlagKind.NO_SALES, no_sales_rule, description=no_sales_rule.__doc__)
register_rule(FlagKind.STAGE_DECLINE, stage_decline_rule, description=stage_decline_rule.__doc__)
