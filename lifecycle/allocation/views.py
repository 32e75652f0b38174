"""Portal page of the resource allocation model: a shell that loads its data from
/api/v1/allocation/ through static/js/allocation.js. Staff only (partner users: 403 page)."""
from partners.choices import Role, Tier
from prm.portal import STAFF_ROLES, PortalView

EDITOR_ROLES = frozenset({Role.ADMIN, Role.PRODUCT_MANAGER})


class AllocationPage(PortalView):
    roles = STAFF_ROLES
    template_name = "allocation/grid.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = self.request.user.effective_role in EDITOR_ROLES
        context["tiers"] = Tier.choices
        return context
