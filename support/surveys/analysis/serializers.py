"""Serializers of the analysis answers (read-only: they describe and format what the selectors
return) and of the satisfaction index rows."""
from rest_framework import serializers

from ..models import PartnerSatisfaction
from .ipa import Dimension, Lines, Quadrant

QUADRANTS = "One of: " + ", ".join(Quadrant.values) + "."
LINES = "One of: " + ", ".join(Lines.values) + "."

D = {"max_digits": 6, "decimal_places": 2, "allow_null": True}


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    opens_on = serializers.DateField()


class FactorRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()
    category = serializers.CharField()
    category_label = serializers.CharField()
    weight = serializers.DecimalField(max_digits=6, decimal_places=2)


class SegmentFiltersSerializer(serializers.Serializer):
    partner_type = serializers.ListField(child=serializers.CharField())
    cooperation_model = serializers.ListField(child=serializers.CharField())
    tier = serializers.ListField(child=serializers.CharField())
    city = serializers.ListField(child=serializers.CharField())


class IpaPointSerializer(FactorRefSerializer):
    answers = serializers.IntegerField()
    importance = serializers.DecimalField(**D)
    satisfaction = serializers.DecimalField(**D)
    gap = serializers.DecimalField(**D, help_text="importance − satisfaction")
    quadrant = serializers.CharField(help_text=QUADRANTS)
    quadrant_label = serializers.CharField()


class IpaLinesSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=LINES)
    importance = serializers.DecimalField(**D)
    satisfaction = serializers.DecimalField(**D)


class IpaSerializer(serializers.Serializer):
    campaign = CampaignRefSerializer(allow_null=True)
    filters = SegmentFiltersSerializer()
    min_answers = serializers.IntegerField()
    lines = IpaLinesSerializer()
    answers = serializers.IntegerField()
    factors = IpaPointSerializer(many=True)
    fix_first = IpaPointSerializer(many=True, help_text="Important weaknesses, largest gap first.")


class MovementRowSerializer(FactorRefSerializer):
    old_answers = serializers.IntegerField()
    new_answers = serializers.IntegerField()
    old_importance = serializers.DecimalField(**D)
    new_importance = serializers.DecimalField(**D)
    old_satisfaction = serializers.DecimalField(**D)
    new_satisfaction = serializers.DecimalField(**D)
    delta_importance = serializers.DecimalField(**D)
    delta_satisfaction = serializers.DecimalField(**D)
    old_quadrant = serializers.CharField(help_text=QUADRANTS)
    old_quadrant_label = serializers.CharField()
    new_quadrant = serializers.CharField(help_text=QUADRANTS)
    new_quadrant_label = serializers.CharField()
    moved = serializers.BooleanField()


class MovementSerializer(serializers.Serializer):
    old = CampaignRefSerializer()
    new = CampaignRefSerializer()
    filters = SegmentFiltersSerializer()
    lines = serializers.CharField(help_text=LINES)
    min_answers = serializers.IntegerField()
    factors = MovementRowSerializer(many=True)


class CategoryRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()


class SegmentScoresSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    answers = serializers.IntegerField()
    scores = serializers.DictField(child=serializers.DecimalField(**D), help_text="category code → score 0–100")
    overall = serializers.DecimalField(**D)


class CategoryScoresSerializer(serializers.Serializer):
    campaign = CampaignRefSerializer(allow_null=True)
    by = serializers.ChoiceField(choices=Dimension.choices)
    filters = SegmentFiltersSerializer()
    categories = CategoryRefSerializer(many=True)
    segments = SegmentScoresSerializer(many=True)


class PartnerSatisfactionSerializer(serializers.ModelSerializer):
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    city = serializers.CharField(source="partner.city.code", read_only=True)
    category_scores = serializers.DictField(child=serializers.FloatField(), read_only=True)

    class Meta:
        model = PartnerSatisfaction
        fields = ["id", "partner", "partner_code", "partner_name", "city", "as_of", "index", "responses", "category_scores"]
        read_only_fields = fields
