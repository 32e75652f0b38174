from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class Stage(models.TextChoices):
    """The five lifecycle stages (合作伙伴生命周期)."""

    A = "A", _("A · Acquisition")
    B = "B", _("B · Build-up")
    C = "C", _("C · Maturity")
    D = "D", _("D · Decline")
    E = "E", _("E · Exit")


STAGE_ORDER = [Stage.A, Stage.B, Stage.C, Stage.D, Stage.E]


class StageReason(models.TextChoices):
    """Why a stage applies: the rule that decided it (first match wins, in this order)."""

    STATUS_EXITED = "status_exited", _("The partner's status is exited")
    STATUS_PROSPECT = "status_prospect", _("The partner is still a prospect")
    NEVER_SOLD_LONG = "never_sold_long", _("No sale since joining, for longer than the exit limit")
    NO_FIRST_SALE = "no_first_sale", _("No first sale yet")
    STATUS_SUSPENDED = "status_suspended", _("The partner is suspended")
    INACTIVE_EXIT = "inactive_exit", _("No sale for longer than the exit limit")
    INACTIVE_DECLINE = "inactive_decline", _("No sale for longer than the decline limit")
    SALES_DROP = "sales_drop", _("Sales of the last 90 days dropped against the 90 days before")
    MATURITY = "maturity", _("Trailing-12-month sales and tenure reach the maturity thresholds")
    BUILD_UP = "build_up", _("Selling, below the maturity thresholds")
    OVERRIDE = "override", _("Set by a channel manager")


class StageChangeSource(models.TextChoices):
    RULE = "rule", _("Rule")
    MANUAL = "manual", _("Channel manager")


class Severity(models.IntegerChoices):
    WATCH = 1, _("Watch")
    WARNING = 2, _("Warning")
    SERIOUS = 3, _("Serious")


class RiskLevel(models.IntegerChoices):
    NONE = 0, pgettext_lazy("risk level", "None")
    LOW = 1, pgettext_lazy("risk level", "Low")
    MEDIUM = 2, pgettext_lazy("risk level", "Medium")
    HIGH = 3, pgettext_lazy("risk level", "High")


class FlagKind(models.TextChoices):
    """Kinds of risk flag. The first three are computed here; the others are registered by the
    support, survey and loyalty apps into lifecycle.risk_rules once they exist."""

    SALES_DROP = "sales_drop", _("Sales drop")
    NO_SALES = "no_sales", _("No recent sales")
    STAGE_DECLINE = "stage_decline", _("Entered stage D (decline)")
    SUPPORT = "support", _("Long-open or breached support request")
    LOW_SATISFACTION = "low_satisfaction", _("Low satisfaction")
    POINTS_EXPIRING = "points_expiring", _("Points about to expire unused")


class Lever(models.TextChoices):
    """Value levers for loyalty (忠诚度杠杆)."""

    OPERATIONAL = "A", _("A · Operational improvement")
    TARGETED = "B", _("B · Targeted retention programme")
    LOYALTY = "C", _("C · Loyalty reward programme")


class PlanKind(models.TextChoices):
    RETENTION = "retention", _("Retention")
    WIN_BACK = "win_back", _("Win-back")


class PlanStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("plan status", "Active")
    CLOSED = "closed", pgettext_lazy("plan status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("plan status", "Cancelled")


class PlanOutcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("plan outcome", "Pending review")
    RETAINED = "retained", pgettext_lazy("plan outcome", "Retained: risk cleared, stage recovered")
    NOT_RECOVERED = "not_recovered", pgettext_lazy("plan outcome", "Not recovered")
    LOST = "lost", pgettext_lazy("plan outcome", "Lost: the partner exited")
    WON_BACK = "won_back", pgettext_lazy("plan outcome", "Won back")
    NOT_WON_BACK = "not_won_back", pgettext_lazy("plan outcome", "Not won back")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("action status", "Planned")
    IN_PROGRESS = "in_progress", pgettext_lazy("action status", "In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    CANCELLED = "cancelled", pgettext_lazy("action status", "Cancelled")


class PlanEventKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("plan event", "Plan created")
    UPDATED = "updated", pgettext_lazy("plan event", "Plan changed")
    ACTION_ADDED = "action_added", pgettext_lazy("plan event", "Action added")
    ACTION_UPDATED = "action_updated", pgettext_lazy("plan event", "Action changed")
    NOTE_ADDED = "note_added", pgettext_lazy("plan event", "Note added")
    CANCELLED = "cancelled", pgettext_lazy("plan event", "Plan cancelled")
    OUTCOME = "outcome", pgettext_lazy("plan event", "Outcome measured")


class RunStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("job run", "Waiting")
    RUNNING = "running", pgettext_lazy("job run", "Running")
    SUCCEEDED = "succeeded", pgettext_lazy("job run", "Succeeded")
    FAILED = "failed", pgettext_lazy("job run", "Failed")


class RunMode(models.TextChoices):
    FORWARD = "forward", _("Nightly (moves stages, flags and plans forward)")
    BACKFILL = "backfill", _("Back-fill (recomputes a past day's figures only)")


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    COMMAND = "command", _("Management command")
    API = "api", _("Started by an administrator")
