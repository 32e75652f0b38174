from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partners.choices import Tier
from partners.models import CityBranch, PartnerType
from prm.api.fields import ChoiceLabelField

from ..choices import Axis
from ..models import AllocationSettings, PartnerAllocation

MAX_FUNDS = Decimal("1000000000000")


class AllocationGridQuerySerializer(serializers.Serializer):
    """Filters of the grid and the budget: city branch, partner type and tier (repeatable)."""

    city = serializers.ListField(child=serializers.SlugRelatedField(slug_field="code", queryset=CityBranch.objects.all()), required=False)
    type = serializers.ListField(child=serializers.SlugRelatedField(slug_field="code", queryset=PartnerType.objects.all()), required=False)
    tier = serializers.ListField(child=serializers.ChoiceField(choices=Tier.choices), required=False)

    @classmethod
    def parse(cls, request, extra=None) -> dict:
        data = {key: request.query_params.getlist(key) for key in ("city", "type", "tier") if request.query_params.getlist(key)}
        data.update(extra or {})
        query = cls(data=data)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        return {
            "city": [c.code for c in v.get("city", [])],
            "partner_type": [t.code for t in v.get("type", [])],
            "tier": list(v.get("tier", [])),
        }


class AllocationCellSerializer(serializers.Serializer):
    attractiveness_band = serializers.IntegerField()
    fit_band = serializers.IntegerField()
    segment = serializers.IntegerField()
    attractiveness_range = serializers.ListField(child=serializers.IntegerField())
    fit_range = serializers.ListField(child=serializers.IntegerField())
    partners = serializers.IntegerField()
    priority = serializers.IntegerField(allow_null=True)
    share = serializers.IntegerField()


class AllocationSegmentPartnersSerializer(serializers.Serializer):
    segment = serializers.IntegerField()
    partners = serializers.IntegerField()


class AllocationHistorySerializer(serializers.Serializer):
    as_of = serializers.DateField()
    segments = AllocationSegmentPartnersSerializer(many=True)


class AllocationGridSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    total = serializers.IntegerField()
    rows = serializers.IntegerField()
    columns = serializers.IntegerField()
    attractiveness_bounds = serializers.ListField(child=serializers.IntegerField())
    fit_bounds = serializers.ListField(child=serializers.IntegerField())
    priority = serializers.ListField(child=serializers.IntegerField())
    cells = AllocationCellSerializer(many=True)
    history = AllocationHistorySerializer(many=True)


class PartnerAllocationSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True, help_text=_("The partner's id."))
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    city = serializers.CharField(source="city.code", read_only=True)
    city_name = serializers.CharField(source="city.label", read_only=True)
    partner_type = serializers.CharField(source="partner_type.code", read_only=True)
    partner_type_name = serializers.CharField(source="partner_type.label", read_only=True)
    tier_label = ChoiceLabelField(Tier, source="tier")

    class Meta:
        model = PartnerAllocation
        fields = [
            "id", "partner", "partner_code", "partner_name", "as_of", "city", "city_name", "partner_type", "partner_type_name",
            "tier", "tier_label", "attractiveness", "fit", "attractiveness_band", "fit_band", "segment",
        ]
        read_only_fields = fields


class AllocationMeasureScoreSerializer(serializers.Serializer):
    measure = serializers.CharField()
    label = serializers.CharField()
    score = serializers.IntegerField()


class PartnerAllocationDetailSerializer(PartnerAllocationSerializer):
    measures = serializers.SerializerMethodField()

    class Meta(PartnerAllocationSerializer.Meta):
        fields = [*PartnerAllocationSerializer.Meta.fields, "measures"]
        read_only_fields = fields

    @extend_schema_field(AllocationMeasureScoreSerializer(many=True))
    def get_measures(self, obj):
        from ..selectors import partner_measures

        return AllocationMeasureScoreSerializer(partner_measures(partner_id=obj.partner_id), many=True).data


class AllocationWeightRowSerializer(serializers.Serializer):
    axis = serializers.ChoiceField(choices=Axis.choices)
    measure = serializers.CharField(max_length=40)
    weight = serializers.IntegerField(min_value=0, max_value=1000)


class AllocationWeightsInputSerializer(serializers.Serializer):
    weights = AllocationWeightRowSerializer(many=True, allow_empty=False)


class AllocationMeasureWeightSerializer(serializers.Serializer):
    measure = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    missing = serializers.IntegerField()
    attractiveness = serializers.IntegerField()
    fit = serializers.IntegerField()


class AllocationGridConfigSerializer(serializers.ModelSerializer):
    attractiveness_bounds = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=100), min_length=1, max_length=2)
    fit_bounds = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=100), min_length=1, max_length=2)
    segments = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=6), min_length=2, max_length=3), min_length=2, max_length=3)
    priority = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=6), min_length=6, max_length=6)
    rank_shares = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=100), min_length=6, max_length=6)
    updated_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = AllocationSettings
        fields = [
            "attractiveness_bounds", "fit_bounds", "segments", "priority", "rank_shares",
            "tier_points_registered", "tier_points_certified", "tier_points_gold", "trained_people_target",
            "trained_people_share", "ticket_window_days", "chunk_size", "updated_at", "updated_by",
        ]
        read_only_fields = ["updated_at", "updated_by"]

    def validate(self, attrs):
        from ..grid import validate_grid

        instance = self.instance or AllocationSettings()
        state = {name: attrs.get(name, getattr(instance, name)) for name in
                 ("attractiveness_bounds", "fit_bounds", "segments", "priority", "rank_shares")}
        errors = validate_grid(**state)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class AllocationMarketPotentialSerializer(serializers.Serializer):
    city = serializers.CharField()
    city_name = serializers.CharField()
    score = serializers.IntegerField(allow_null=True)


class AllocationMarketPotentialInputSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=100), allow_empty=False)


class AllocationBudgetInputSerializer(serializers.Serializer):
    market_funds = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=Decimal("0"), max_value=MAX_FUNDS,
                                            help_text=_("Market funds to split (CNY)."))
    training_seats = serializers.IntegerField(min_value=0, max_value=1000000, help_text=_("Training seats to split."))


class AllocationBudgetSegmentSerializer(serializers.Serializer):
    segment = serializers.IntegerField()
    rank = serializers.IntegerField()
    share = serializers.IntegerField()
    partners = serializers.IntegerField()
    market_funds = serializers.DecimalField(max_digits=15, decimal_places=2)
    training_seats = serializers.IntegerField()
    market_funds_per_partner = serializers.DecimalField(max_digits=15, decimal_places=2, allow_null=True)
    market_funds_extra_partners = serializers.IntegerField(help_text=_("Partners that get one fen more."))
    training_seats_per_partner = serializers.IntegerField(allow_null=True)
    training_seats_extra_partners = serializers.IntegerField(help_text=_("Partners that get one seat more."))


class AllocationBudgetSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True)
    market_funds = serializers.DecimalField(max_digits=15, decimal_places=2)
    training_seats = serializers.IntegerField()
    allocated_market_funds = serializers.DecimalField(max_digits=15, decimal_places=2)
    allocated_training_seats = serializers.IntegerField()
    unallocated_market_funds = serializers.DecimalField(max_digits=15, decimal_places=2)
    unallocated_training_seats = serializers.IntegerField()
    segments = AllocationBudgetSegmentSerializer(many=True)
