"""Portal pages of the partner registry. Each page is a shell: its data comes from /api/v1/ through
static/js/, so the portal shows exactly what the API (and its scoping) allows. The views only
decide who may open a page and fetch its subject through the one scoping mechanism."""
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.navigation import partner_sections_for
from prm.portal import STAFF_ROLES, PortalView, ScopedObjectMixin, scoped_object_or_404
from prm.scoping import CHANGE, can

from .api.serializers import PARTNER_SELF_SERVICE_FIELDS
from .choices import CooperationModel, CustomerClass, PartnerStatus, Role, Tier
from .models import Contact, Partner
from .selectors import channel_manager_choices

PARTNER_CREATORS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER})
PAGE_SIZES = (10, 25, 50, 100)


def _choices(choices):
    return [[value, str(label)] for value, label in choices]


def _fixed_choices():
    """The choice lists fixed in code; types, cities and products come from the API."""
    return {
        "tier": _choices(Tier.choices),
        "status": _choices(PartnerStatus.choices),
        "cooperation_model": _choices(CooperationModel.choices),
        "customer_class": _choices(CustomerClass.choices),
    }


def _reference_choices():
    """Choice lists for filters and forms, with the active channel managers."""
    return {**_fixed_choices(), "channel_manager": [[str(pk), name] for pk, name in channel_manager_choices()]}


class HomeView(PortalView):
    """Where sign-in lands: staff on the dashboard, partner users on their organisation."""

    def get(self, request, *args, **kwargs):
        role = request.user.effective_role
        if role == Role.PARTNER:
            return redirect("portal:my-organisation")
        return redirect("portal:dashboard")


class DashboardView(PortalView):
    roles = STAFF_ROLES
    template_name = "partners/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kpi_labels"] = [
            ("total", _("Partners")),
            ("active", PartnerStatus.ACTIVE.label),
            ("gold", Tier.GOLD.label),
            ("prospect", _("Prospects")),
        ]
        context["choices"] = _fixed_choices()
        context["charts"] = [
            ("type", _("By partner type"), "doughnut"),
            ("tier", _("By certification tier"), "doughnut"),
            ("status", _("By status"), "bar"),
            ("city", _("By city branch"), "hbar"),
        ]
        return context


class PartnerListView(PortalView):
    roles = STAFF_ROLES
    template_name = "partners/partner_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["choices"] = _reference_choices()
        context["multi_filters"] = [
            ("type", _("Partner type")),
            ("tier", _("Certification tier")),
            ("cooperation_model", _("Cooperation model")),
            ("city", _("City branch")),
            ("status", _("Status")),
        ]
        context["page_sizes"] = PAGE_SIZES
        context["can_create"] = self.request.user.effective_role in PARTNER_CREATORS
        return context


class PartnerPageMixin:
    """What the profile page (staff's partner detail or a partner user's organisation) shows."""

    own_organisation = False

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        staff = user.effective_role in STAFF_ROLES
        context.update(
            partner=self.object,
            own_organisation=self.own_organisation,
            can_change=can(user, CHANGE, self.object),
            show_users=staff,
            show_history=staff,
            sections=partner_sections_for(user),
            choices=_fixed_choices(),
        )
        return context


class PartnerDetailView(PartnerPageMixin, ScopedObjectMixin, PortalView):
    model = Partner
    template_name = "partners/partner_detail.html"

    def get(self, request, *args, **kwargs):
        if request.user.effective_role == Role.PARTNER:
            # Scoping already answered 404 for any other partner: this is their own.
            scoped_object_or_404(Partner, request.user, kwargs["pk"])
            return redirect("portal:my-organisation")
        return super().get(request, *args, **kwargs)


class MyOrganisationView(PartnerPageMixin, ScopedObjectMixin, PortalView):
    roles = frozenset({Role.PARTNER})
    model = Partner
    own_organisation = True
    template_name = "partners/partner_detail.html"

    def get_object(self):
        return scoped_object_or_404(Partner, self.request.user, self.request.user.partner_id)


class PartnerFormMixin:
    template_name = "partners/partner_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = getattr(self, "object", None)
        self_service = self.request.user.effective_role == Role.PARTNER
        context.update(
            partner=partner,
            choices=_reference_choices(),
            self_service=self_service,
            self_service_fields=PARTNER_SELF_SERVICE_FIELDS,
            channel_manager_help=(
                _("You, unless you choose someone else.")
                if partner is None and self.request.user.effective_role == Role.CHANNEL_MANAGER
                else ""
            ),
            current_user_id=self.request.user.pk,
            cancel_url=self._cancel_url(partner),
        )
        return context

    def _cancel_url(self, partner):
        if partner is None:
            return reverse("portal:partner-list")
        if self.request.user.effective_role == Role.PARTNER:
            return reverse("portal:my-organisation")
        return reverse("portal:partner-detail", args=[partner.pk])


class PartnerCreateView(PartnerFormMixin, PortalView):
    roles = PARTNER_CREATORS


class PartnerEditView(PartnerFormMixin, ScopedObjectMixin, PortalView):
    model = Partner
    scope_action = CHANGE


def _partner_url(user, partner):
    if user.effective_role == Role.PARTNER:
        return reverse("portal:my-organisation")
    return reverse("portal:partner-detail", args=[partner.pk])


class ContactCreateView(ScopedObjectMixin, PortalView):
    """A new contact for a partner the user may change (the URL names the partner)."""

    model = Partner
    scope_action = CHANGE
    template_name = "partners/contact_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(partner=self.object, contact=None, back_url=_partner_url(self.request.user, self.object))
        return context


class ContactEditView(ScopedObjectMixin, PortalView):
    model = Contact
    scope_action = CHANGE
    template_name = "partners/contact_form.html"

    def get_scope_queryset(self):
        return Contact.objects.select_related("partner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.object.partner
        context.update(partner=partner, contact=self.object, back_url=_partner_url(self.request.user, partner))
        return context
