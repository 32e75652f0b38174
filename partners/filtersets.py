import django_filters as filters
from rest_framework.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from prm.api.filters import CodeMultipleChoiceFilter, FastFilterSetMixin, IdFilter, MultipleChoiceFilter, StrictBooleanFilter

from .choices import CooperationModel, CustomerClass, PartnerStatus, ProductType, Role, SaleStatus, Tier, TrackedField
from .models import CityBranch, Contact, Partner, PartnerChange, PartnerType, Product, SaleRecord, User


class SearchFilterSetMixin:
    """`q`: case-insensitive text search over the fields named in `search_fields`."""

    search_fields: tuple[str, ...] = ()

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)


class PartnerFilterSet(FastFilterSetMixin, SearchFilterSetMixin, filters.FilterSet):
    search_fields = ("code", "name", "name_en")

    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search code or name"))
    # Single-valued columns never repeat a row: no DISTINCT (it would slow every filtered list).
    type = CodeMultipleChoiceFilter(field_name="partner_type", queryset=PartnerType.objects.all(), label=_("Partner type"))
    tier = MultipleChoiceFilter(choices=Tier.choices, label=_("Certification tier"))
    cooperation_model = MultipleChoiceFilter(
        choices=CooperationModel.choices, label=_("Cooperation model")
    )
    city = CodeMultipleChoiceFilter(field_name="city", queryset=CityBranch.objects.all(), label=_("City branch"))
    status = MultipleChoiceFilter(choices=PartnerStatus.choices, label=_("Status"))
    channel_manager = IdFilter(method="filter_channel_manager", label=_("Channel manager"))
    customer_class = filters.ChoiceFilter(
        choices=CustomerClass.choices, field_name="customer_classes", lookup_expr="contains", label=_("Customer class")
    )
    product = filters.ModelChoiceFilter(
        field_name="authorised_products",
        to_field_name="code",
        queryset=Product.objects.all(),
        label=_("Authorised product"),
    )
    joined_from = filters.DateFilter(field_name="joined_on", lookup_expr="gte", label=_("Joined from"))
    joined_to = filters.DateFilter(field_name="joined_on", lookup_expr="lte", label=_("Joined to"))
    managed_by_me = StrictBooleanFilter(method="filter_managed_by_me", label=_("Only partners I manage"))

    class Meta:
        model = Partner
        fields = []

    def filter_channel_manager(self, queryset, name, value):
        """Staff are told when an id is not a channel manager's (a 400). A partner user is not: its
        answer is its own partner or nothing, so the filter cannot be used to probe staff ids."""
        if value is None:
            return queryset
        user = getattr(self.request, "user", None)
        is_partner = user is not None and user.is_authenticated and user.effective_role == Role.PARTNER
        if not is_partner and not User.objects.filter(pk=value, role=Role.CHANNEL_MANAGER).exists():
            raise ValidationError({name: [_("Select a valid choice. That choice is not one of the available choices.")]})
        return queryset.filter(channel_manager_id=value)

    def filter_managed_by_me(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(channel_manager_id=user.pk) if value else queryset.exclude(channel_manager_id=user.pk)


class ContactFilterSet(SearchFilterSetMixin, filters.FilterSet):
    search_fields = ("name", "email", "phone", "title")

    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search"))
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    is_primary = StrictBooleanFilter(label=_("Primary contact"))

    class Meta:
        model = Contact
        fields = []


class PartnerUserFilterSet(SearchFilterSetMixin, filters.FilterSet):
    search_fields = ("username", "first_name", "last_name", "email")

    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search"))
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    is_active = StrictBooleanFilter(label=_("Active"))

    class Meta:
        model = User
        fields = []


class ProductFilterSet(SearchFilterSetMixin, filters.FilterSet):
    search_fields = ("code", "name", "name_zh")

    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search"))
    product_type = filters.ChoiceFilter(choices=ProductType.choices, label=_("Product type"))
    active = StrictBooleanFilter(label=_("Active"))

    class Meta:
        model = Product
        fields = []


class SaleRecordFilterSet(SearchFilterSetMixin, filters.FilterSet):
    search_fields = ("customer_name", "external_id")

    q = filters.CharFilter(method="filter_search", max_length=100, label=_("Search customer or external id"))
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    partner_code = filters.CharFilter(field_name="partner__code", max_length=20, label=_("Partner code"))
    product = filters.ModelChoiceFilter(to_field_name="code", queryset=Product.objects.all(), label=_("Product"))
    customer_class = filters.ChoiceFilter(choices=CustomerClass.choices)
    status = MultipleChoiceFilter(choices=SaleStatus.choices)
    source_system = filters.CharFilter(max_length=32)
    external_id = filters.CharFilter(max_length=64)
    sold_from = filters.DateFilter(field_name="sold_on", lookup_expr="gte", label=_("Sold from"))
    sold_to = filters.DateFilter(field_name="sold_on", lookup_expr="lte", label=_("Sold to"))
    amount_min = filters.NumberFilter(field_name="amount", lookup_expr="gte", label=_("Minimum amount"))
    amount_max = filters.NumberFilter(field_name="amount", lookup_expr="lte", label=_("Maximum amount"))

    class Meta:
        model = SaleRecord
        fields = []


class PartnerChangeFilterSet(filters.FilterSet):
    partner = IdFilter(field_name="partner_id", label=_("Partner id"))
    field = MultipleChoiceFilter(choices=TrackedField.choices)
    changed_by = IdFilter(field_name="changed_by_id", label=_("Changed by (user id)"))
    changed_from = filters.DateFilter(field_name="changed_at", lookup_expr="date__gte", label=_("Changed from"))
    changed_to = filters.DateFilter(field_name="changed_at", lookup_expr="date__lte", label=_("Changed to"))

    class Meta:
        model = PartnerChange
        fields = []
