"""Portal pages of recruitment.

Public (no sign-in): the application page /apply/ (a plain Django form that works without
JavaScript), its thank-you page, and the invitation link's set-password page.
Staff: the prospects and applications queue, a prospect's page with accept / reject, the new
prospect form and the funnel; these are shells whose data comes from /api/v1/recruitment/.
"""
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from partners.choices import CooperationModel, Role
from partners.models import User
from prm.portal import STAFF_ROLES, PortalView, ScopedObjectMixin
from prm.scoping import CHANGE, can

from . import services
from .choices import EventKind, ProspectSource, ProspectStatus
from .forms import ApplicationForm
from .models import COMPANY_MAX, CONTACT_NAME_MAX, EMAIL_MAX, MESSAGE_MAX, NOTES_MAX, PHONE_MAX, REASON_MAX, Prospect
from .ratelimit import application_allowed, client_ip

MANAGER_ROLES = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})


class ApplyView(View):
    """The public application page: a company applies to become a partner."""

    template_name = "recruitment/apply.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ApplicationForm()})

    def post(self, request):
        if not application_allowed(request):
            return render(request, "recruitment/apply_limited.html", status=429)
        form = ApplicationForm(request.POST)
        if form.is_bot:
            return redirect("recruitment:apply-thanks")  # say nothing to the bot, store nothing
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        try:
            services.application_submit(ip=client_ip(request), **form.service_fields())
        except services.DuplicateApplication:
            return render(request, "recruitment/apply_duplicate.html", status=200)
        return redirect("recruitment:apply-thanks")


class ApplyThanksView(TemplateView):
    template_name = "recruitment/apply_thanks.html"


class InviteConfirmView(auth_views.PasswordResetConfirmView):
    """The invitation link: a new partner user chooses a password (Django's reset machinery)."""

    template_name = "recruitment/invite_confirm.html"
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Sign in with your user name %(username)s.") % {
            "username": form.user.username})
        return response


def _choices(choices):
    return [[str(value), str(label)] for value, label in choices]


def page_choices() -> dict:
    return {
        "status": _choices(ProspectStatus.choices),
        "source": _choices(ProspectSource.choices),
        "cooperation_model": _choices(CooperationModel.choices),
        "event": _choices(EventKind.choices),
    }


def owner_choices(roles=(Role.CHANNEL_MANAGER, Role.ADMIN)):
    return [[str(u.pk), str(u)] for u in User.objects.filter(role__in=roles, is_active=True).order_by("username")]


class RecruitmentPage(PortalView):
    roles = STAFF_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = page_choices()
        context["can_manage"] = self.request.user.effective_role in MANAGER_ROLES
        return context


class ProspectListView(RecruitmentPage):
    template_name = "recruitment/prospect_list.html"


class ProspectCreateView(RecruitmentPage):
    roles = MANAGER_ROLES
    template_name = "recruitment/prospect_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["owners"] = owner_choices()
        context["limits"] = {
            "company": COMPANY_MAX, "contact": CONTACT_NAME_MAX, "phone": PHONE_MAX, "email": EMAIL_MAX,
            "message": MESSAGE_MAX, "notes": NOTES_MAX,
        }
        return context


class ProspectDetailView(ScopedObjectMixin, RecruitmentPage):
    model = Prospect
    template_name = "recruitment/prospect_detail.html"
    context_object_name = "prospect"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_change"] = can(self.request.user, CHANGE, self.object)
        context["reason_max"] = REASON_MAX
        context["managers"] = owner_choices((Role.CHANNEL_MANAGER,))
        if self.object.partner_id:
            context["partner_url"] = reverse("portal:partner-detail", args=[self.object.partner_id])
        return context


class FunnelView(RecruitmentPage):
    template_name = "recruitment/funnel.html"
