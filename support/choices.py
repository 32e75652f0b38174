from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class Category(models.TextChoices):
    """The support point (支持点) a request asks for."""

    MARKET = "market", _("Market")
    SERVICE = "service", pgettext_lazy("support point", "Service")
    PROCESS = "process", _("Process")
    REGULATION = "regulation", _("Regulation and compliance")
    SALES = "sales", _("Sales")
    TRAINING = "training", _("Training")
    TECHNICAL = "technical", _("Technical")
    CAPABILITY = "capability", _("Capability provision")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK = {Priority.LOW: 0, Priority.NORMAL: 1, Priority.HIGH: 2, Priority.URGENT: 3}


class TicketStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("ticket status", "New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING_ON_PARTNER = "waiting_on_partner", _("Waiting on partner")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", pgettext_lazy("ticket status", "Closed")
    REOPENED = "reopened", _("Reopened")


OPEN_STATUSES = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.ACKNOWLEDGED,
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_ON_PARTNER,
        TicketStatus.REOPENED,
    }
)
# While a ticket is in one of these, a clock that pauses does not run.
PAUSING_STATUSES = frozenset({TicketStatus.WAITING_ON_PARTNER})
# Reaching one of these stops (meets) the resolution clock.
DONE_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})

# Which status a ticket may move to from which, and who may make the move.
STAFF_TRANSITIONS = {
    TicketStatus.NEW: {TicketStatus.ACKNOWLEDGED, TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_PARTNER,
                       TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.ACKNOWLEDGED: {TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_PARTNER, TicketStatus.RESOLVED,
                                TicketStatus.CLOSED},
    TicketStatus.IN_PROGRESS: {TicketStatus.WAITING_ON_PARTNER, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.WAITING_ON_PARTNER: {TicketStatus.IN_PROGRESS, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.RESOLVED: {TicketStatus.CLOSED, TicketStatus.REOPENED},
    TicketStatus.REOPENED: {TicketStatus.IN_PROGRESS, TicketStatus.WAITING_ON_PARTNER, TicketStatus.RESOLVED,
                            TicketStatus.CLOSED},
    TicketStatus.CLOSED: set(),
}
# Partner users confirm a resolution (close) or reopen it; nothing else by status.
PARTNER_TRANSITIONS = {
    TicketStatus.RESOLVED: {TicketStatus.CLOSED, TicketStatus.REOPENED},
}


class TargetKind(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    RESOLUTION = "resolution", _("Resolution")
    MILESTONE = "milestone", _("Milestone")


class DurationUnit(models.TextChoices):
    MINUTES = "minutes", _("working minutes")
    HOURS = "hours", _("working hours")
    DAYS = "days", _("working days")


class SlaStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    BREACHED = "breached", _("Breached")


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Public holiday")
    WORKDAY = "workday", _("Make-up working day")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class EventKind(models.TextChoices):
    CREATED = "created", _("Opened")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    CATEGORY = "category", _("Category changed")
    ASSIGNED = "assigned", _("Assigned")
    CENTRE = "centre", _("Service centre changed")
    POLICY = "policy", _("SLA policy changed")
    REPLY = "reply", _("Reply")
    NOTE = "note", _("Internal note")
    ATTACHMENT = "attachment", _("Attachment added")
    MILESTONE = "milestone", _("Milestone reached")
    SLA_WARNING = "sla_warning", _("Target nearing breach")
    SLA_BREACH = "sla_breach", _("Target breached")
    ESCALATED = "escalated", _("Escalated")
    RATED = "rated", _("Satisfaction rated")
    RECOMPUTED = "recomputed", _("Committed times recomputed")


# Events a partner user never sees (the operator's internal view).
INTERNAL_EVENT_KINDS = frozenset(
    {EventKind.NOTE, EventKind.SLA_WARNING, EventKind.ESCALATED, EventKind.POLICY, EventKind.RECOMPUTED}
)
