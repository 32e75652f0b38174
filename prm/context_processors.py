from partners.choices import Role


def portal(request):
    """Role flags the portal's navigation uses to show each role only what it may use."""
    user = getattr(request, "user", None)
    role = user.effective_role if user is not None and user.is_authenticated else None
    return {
        "role": role,
        "is_admin": role == Role.ADMIN,
        "is_channel_manager": role == Role.CHANNEL_MANAGER,
        "is_product_manager": role == Role.PRODUCT_MANAGER,
        "is_partner_user": role == Role.PARTNER,
        "is_staff_role": role in (Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER),
    }
