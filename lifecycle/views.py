"""Portal pages of the lifecycle. Shells like every portal page: their data comes from
/api/v1/lifecycle/ through static/js/lifecycle*.js. Partner users are refused (403 page):
stages, scores, flags and plans are the operator's internal view."""
from django.http import Http404
from django.urls import reverse

from partners.choices import Role
from partners.models import Partner
from prm.portal import STAFF_ROLES, PortalView, ScopedObjectMixin, scoped_object_or_404
from prm.scoping import CHANGE, can

from .choices import ActionStatus, Lever, PlanKind, PlanOutcome, PlanStatus, RiskLevel, RunStatus, Severity, Stage, StageReason
from .models import LifecycleSettings, RetentionPlan
from .risk_rules import registered_rules
from .selectors import plan_owner_choices

ADMIN_ROLES = frozenset({Role.ADMIN})


def _choices(choices):
    return [[str(value), str(label)] for value, label in choices]


def page_choices() -> dict:
    """The choice lists the lifecycle pages' scripts render (labels in the request's language)."""
    return {
        "stage": _choices(Stage.choices),
        "risk_level": _choices(RiskLevel.choices),
        "lever": _choices(Lever.choices),
        "plan_kind": _choices(PlanKind.choices),
        "plan_status": _choices(PlanStatus.choices),
        "plan_outcome": _choices(PlanOutcome.choices),
        "action_status": _choices(ActionStatus.choices),
        "flag_kind": [[rule.kind, str(rule.label)] for rule in registered_rules()],
        "stage_reason": _choices(StageReason.choices),
        "severity": _choices(Severity.choices),
        "run_status": _choices(RunStatus.choices),
    }


class LifecyclePage(PortalView):
    roles = STAFF_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = page_choices()
        context["can_manage"] = self.request.user.effective_role in (Role.ADMIN, Role.CHANNEL_MANAGER)
        context["high_value_score"] = LifecycleSettings.load().high_value_score
        return context


class FunnelView(LifecyclePage):
    template_name = "lifecycle/funnel.html"


class ContradictionsView(LifecyclePage):
    """The three-contradictions dashboard (templates/lifecycle/contradictions.html)."""

    template_name = "lifecycle/contradictions.html"

    def get_context_data(self, **kwargs):
        from .indicators import LEVER_CONTRADICTIONS, Lever

        context = super().get_context_data(**kwargs)
        context["levers"] = [(lever.value, lever.label, LEVER_CONTRADICTIONS[lever]) for lever in Lever]
        return context


class EarlyWarningView(LifecyclePage):
    template_name = "lifecycle/early_warning.html"


class WinBackView(LifecyclePage):
    template_name = "lifecycle/win_back.html"


class PlanListView(LifecyclePage):
    template_name = "lifecycle/plan_list.html"


class PlanCreateView(LifecyclePage):
    """A new retention plan (or win-back plan, `?kind=win_back`) for `?partner=<id>`."""

    roles = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})
    template_name = "lifecycle/plan_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner_id = self.request.GET.get("partner", "")
        if not partner_id.isdigit():
            raise Http404
        context["partner"] = scoped_object_or_404(Partner, self.request.user, int(partner_id), CHANGE)
        kind = self.request.GET.get("kind", PlanKind.RETENTION)
        context["kind"] = kind if kind in PlanKind.values else PlanKind.RETENTION
        context["kind_label"] = PlanKind(context["kind"]).label
        context["owners"] = [[str(pk), name] for pk, name in plan_owner_choices()]
        context["review_period_days"] = LifecycleSettings.load().review_period_days
        return context


class PlanDetailView(ScopedObjectMixin, LifecyclePage):
    model = RetentionPlan
    template_name = "lifecycle/plan_detail.html"
    context_object_name = "plan"

    def get_scope_queryset(self):
        return RetentionPlan.objects.select_related("partner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["partner"] = self.object.partner
        context["can_change"] = can(self.request.user, CHANGE, self.object)
        context["partner_url"] = reverse("portal:partner-detail", args=[self.object.partner_id])
        context["owners"] = [[str(pk), name] for pk, name in plan_owner_choices()]
        return context


class RunListView(LifecyclePage):
    roles = ADMIN_ROLES
    template_name = "lifecycle/runs.html"
