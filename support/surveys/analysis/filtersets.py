"""Query parameters of the analysis endpoints (strict: an unknown code, parameter or value is a
400 naming the parameter) and the filterset of the satisfaction index list."""
import django_filters as filters
from django.utils.translation import gettext as _, gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from partners.choices import CooperationModel, Tier
from partners.models import CityBranch, PartnerType
from prm.api.filters import CodeMultipleChoiceFilter, IdFilter, MAX_DB_ID, MultipleChoiceFilter, StrictBooleanFilter

from ..models import Campaign, PartnerSatisfaction
from .ipa import MIN_ANSWERS, Dimension, Filters, Lines

SEGMENT_PARAMS = ("partner_type", "cooperation_model", "tier", "city")


def _codes(model):
    return serializers.ListField(
        child=serializers.SlugRelatedField(slug_field="code", queryset=model.objects.all()), required=False
    )


@extend_schema_field(OpenApiTypes.INT)
class CampaignIdField(serializers.Field):
    """A campaign id (1 … the largest id) that exists; the campaign is the value."""

    default_error_messages = {"does_not_exist": _lazy("No survey campaign has the id {value}.")}

    def to_internal_value(self, data):
        pk = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID).run_validation(data)
        campaign = Campaign.objects.filter(pk=pk).first()
        if campaign is None:
            self.fail("does_not_exist", value=pk)
        return campaign

    def to_representation(self, value):
        return value.pk


class SegmentQuery(serializers.Serializer):
    """The segment filters every analysis endpoint takes (repeat a parameter for several values)."""

    list_params = SEGMENT_PARAMS
    partner_type = _codes(PartnerType)
    cooperation_model = serializers.ListField(child=serializers.ChoiceField(choices=CooperationModel.choices), required=False)
    tier = serializers.ListField(child=serializers.ChoiceField(choices=Tier.choices), required=False)
    city = _codes(CityBranch)

    @classmethod
    def parse(cls, query_params, **kwargs):
        """Validate a request's query string; unknown parameters are refused too."""
        instance = cls(data={}, **kwargs)
        known = set(instance.fields) | {"format"}
        unknown = sorted(set(query_params) - known)
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})
        data = {}
        for name in instance.fields:
            if name in cls.list_params:
                values = [v for v in query_params.getlist(name) if v != ""]
                if values:
                    data[name] = values
            elif query_params.get(name, "") != "":
                data[name] = query_params.get(name)
        query = cls(data=data, **kwargs)
        query.is_valid(raise_exception=True)
        return query.validated_data

    @staticmethod
    def filters(data) -> Filters:
        return Filters(
            partner_type=tuple(t.code for t in data.get("partner_type", [])),
            cooperation_model=tuple(data.get("cooperation_model", [])),
            tier=tuple(data.get("tier", [])),
            city=tuple(c.code for c in data.get("city", [])),
        )


class ClassifyQuery(SegmentQuery):
    lines = serializers.ChoiceField(choices=Lines.choices, required=False, default=Lines.MEAN)
    min_answers = serializers.IntegerField(min_value=1, max_value=100_000, required=False, default=MIN_ANSWERS)


class IpaQuery(ClassifyQuery):
    campaign = CampaignIdField(required=False)


class CategoryQuery(SegmentQuery):
    campaign = CampaignIdField(required=False)
    by = serializers.ChoiceField(choices=Dimension.choices, required=False, default=Dimension.TIER)


class MovementQuery(ClassifyQuery):
    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = CampaignIdField()
        fields["to"] = CampaignIdField()
        return fields


SEGMENT_PARAMETERS = [
    OpenApiParameter("partner_type", str, many=True, description="Partner type code(s), e.g. SA."),
    OpenApiParameter("cooperation_model", str, many=True, enum=CooperationModel.values, description="Cooperation model(s)."),
    OpenApiParameter("tier", str, many=True, enum=Tier.values, description="Certification tier(s) at submission."),
    OpenApiParameter("city", str, many=True, description="City branch code(s), e.g. CD."),
]
CLASSIFY_PARAMETERS = [
    OpenApiParameter("lines", str, enum=Lines.values,
                     description="Quadrant lines: the grand means of the factor means (default) or the scale midpoint 3."),
    OpenApiParameter("min_answers", int, description=f"Answers a factor needs to be classified (default {MIN_ANSWERS})."),
]
BY_PARAMETER = OpenApiParameter("by", str, enum=Dimension.values, description="The segments' dimension (default tier).")
CAMPAIGN_PARAMETER = OpenApiParameter(
    "campaign", int, description="Campaign id (default: the latest periodic campaign with answers).")


# --- the satisfaction index list -----------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class CodesFilter(CodeMultipleChoiceFilter):
    """Reference rows by code, repeatable."""


class PartnerSatisfactionFilterSet(filters.FilterSet):
    as_of = filters.DateFilter(label=_lazy("As of"))
    latest = StrictBooleanFilter(method="filter_latest", label=_lazy("Only the latest day computed"))
    partner = IdFilter(field_name="partner_id", label=_lazy("Partner id"))
    partner_type = CodesFilter(field_name="partner__partner_type", queryset=PartnerType.objects.all(),
                               label=_lazy("Partner type"))
    cooperation_model = MultipleChoiceFilter(field_name="partner__cooperation_model",
                                                     choices=CooperationModel.choices, label=_lazy("Cooperation model"))
    tier = MultipleChoiceFilter(field_name="partner__tier", choices=Tier.choices, label=_lazy("Certification tier"))
    city = CodesFilter(field_name="partner__city", queryset=CityBranch.objects.all(), label=_lazy("City branch"))
    index_below = filters.NumberFilter(field_name="index", lookup_expr="lt", min_value=0, max_value=1000,
                                       label=_lazy("Index below"))

    class Meta:
        model = PartnerSatisfaction
        fields = []

    def filter_latest(self, queryset, name, value):
        if not value:
            return queryset
        latest = PartnerSatisfaction.objects.order_by("-as_of").values_list("as_of", flat=True).first()
        return queryset.filter(as_of=latest) if latest else queryset.none()
