from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    PRODUCT_MANAGER = "product_manager", _("Product manager")
    PARTNER = "partner", _("Partner user")
    INTEGRATION = "integration", _("Integration client")


class CooperationModel(models.TextChoices):
    CHANNEL_SHARING = "channel_sharing", _("Channel sharing")
    CUSTOMER_SHARING = "customer_sharing", _("Customer sharing")
    CAPABILITY_PROVISION = "capability_provision", _("Capability provision")
    CO_OPERATION = "co_operation", _("Co-operation")
    CO_EXPANSION = "co_expansion", _("Co-expansion")
    RELATIONSHIP_EXPANSION = "relationship_expansion", _("Relationship expansion")


class Tier(models.TextChoices):
    REGISTERED = "registered", _("Registered partner")
    CERTIFIED = "certified", _("Certified partner")
    GOLD = "gold", _("Gold certified partner")


TIER_ORDER = {Tier.REGISTERED: 0, Tier.CERTIFIED: 1, Tier.GOLD: 2}


def tier_rank(field: str = "tier"):
    """The tier's rank as a database expression, for sorting by tier: registered < certified < gold."""
    from django.db.models import Case, IntegerField, Value, When

    return Case(*(When(**{field: tier}, then=Value(rank)) for tier, rank in TIER_ORDER.items()),
                default=Value(-1), output_field=IntegerField())


class PartnerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXITED = "exited", _("Exited")


class CustomerClass(models.TextChoices):
    A = "A", _("Class A key account")
    B = "B", _("Class B key account")
    C = "C", _("Class C SME")


class ProductType(models.TextChoices):
    SIMPLE_STANDARD = "simple_standard", _("Simple standard")
    CONFIGURATION = "configuration", _("Configuration / development")


class SaleStatus(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("sale status", "Booked")
    REFUNDED = "refunded", pgettext_lazy("sale status", "Refunded")
    CANCELLED = "cancelled", pgettext_lazy("sale status", "Cancelled")


class TrackedField(models.TextChoices):
    """Partner fields whose every change is written to the change history."""

    TIER = "tier", _("Certification tier")
    STATUS = "status", _("Status")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    PARTNER_TYPE = "partner_type", _("Partner type")
    CITY = "city", _("City branch")
    COOPERATION_MODEL = "cooperation_model", _("Cooperation model")
    REVENUE_SHARE = "revenue_share", _("Revenue-share ratio")
