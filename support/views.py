"""Portal pages for support. Each page is a shell: its data comes from /api/v1/support/ through
static/js/support*.js, so the portal shows exactly what the API (and its scoping) allows. The
views only decide who may open a page and fetch its subject through the one scoping mechanism."""
from django.utils.translation import gettext_lazy as _

from partners.choices import CooperationModel, ProductType, Role, Tier

from prm.portal import STAFF_ROLES, PortalView, ScopedObjectMixin
from prm.scoping import CHANGE, can

from .choices import (
    CalendarDayKind,
    Category,
    DurationUnit,
    Priority,
    PARTNER_TRANSITIONS,
    STAFF_TRANSITIONS,
    TargetKind,
    TicketStatus,
    Weekday,
)
from .models import ServiceCentre, Ticket
from .selectors import centres_of


def _choices(choices):
    return [[str(value), str(label)] for value, label in choices]


def _common():
    return {
        "status_choices": _choices(TicketStatus.choices),
        "category_choices": _choices(Category.choices),
        "priority_choices": _choices(Priority.choices),
        "centre_choices": [[c.code, c.label] for c in ServiceCentre.objects.filter(active=True)],
    }


class TicketListView(PortalView):
    """Partner users: their requests. Staff: the queue per centre and per person, with filters."""

    template_name = "support/ticket_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(_common())
        context["my_centres"] = [c.code for c in centres_of(user)] if user.effective_role != Role.PARTNER else []
        context["can_open"] = user.effective_role in (Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER)
        return context


class TicketCreateView(PortalView):
    roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PARTNER})
    template_name = "support/ticket_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_common())
        return context


class TicketDetailView(ScopedObjectMixin, PortalView):
    model = Ticket
    template_name = "support/ticket_detail.html"
    context_object_name = "ticket"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        partner_user = user.effective_role == Role.PARTNER
        context.update(_common())
        transitions = PARTNER_TRANSITIONS if partner_user else STAFF_TRANSITIONS
        context["transitions"] = {str(k): sorted(str(v) for v in targets) for k, targets in transitions.items()}
        context["can_change"] = can(user, CHANGE, self.object)
        context["is_staff_view"] = not partner_user
        return context


class ComplianceReportView(PortalView):
    roles = STAFF_ROLES
    template_name = "support/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_common())
        context["charts"] = [
            ("month", _("By month")),
            ("centre", _("By service centre")),
            ("category", _("By support point")),
            ("priority", _("By priority")),
            ("city", _("By city branch")),
            ("target", _("By committed time")),
        ]
        return context


class SlaSettingsView(PortalView):
    """SLA policies, their targets, and business calendars (administrators edit)."""

    roles = STAFF_ROLES
    template_name = "support/settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_common())
        context.update(
            can_edit=self.request.user.effective_role == Role.ADMIN,
            tier_choices=_choices(Tier.choices),
            unit_choices=_choices(DurationUnit.choices),
            kind_choices=_choices(TargetKind.choices),
            day_kind_choices=_choices(CalendarDayKind.choices),
            weekday_choices=_choices(Weekday.choices),
            cooperation_choices=_choices(CooperationModel.choices),
            product_type_choices=_choices(ProductType.choices),
            title=_("SLA policies and calendars"),
        )
        return context
