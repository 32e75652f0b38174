"""API of the three-contradictions dashboard (read-only, staff roles; partner users 403):

    GET /api/v1/lifecycle/contradictions/                    per lever, its indicators: latest value,
                                                             previous month end, change, trend
    GET /api/v1/lifecycle/indicators/<key>/history/          every stored day of one indicator

Both read only the prepared snapshot rows (lifecycle.indicator_job writes them nightly).
"""
import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..indicator_selectors import DEFAULT_MONTHS, contradictions_board, indicator_history
from ..indicators import UNITS, Lever, get_indicator
from .views import InternalMixin

MAX_HISTORY_DAYS = 3 * 366


class PointSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    lever = serializers.CharField(help_text="attract, retain or regulate")
    label = serializers.CharField()
    help_text = serializers.CharField()
    unit = serializers.CharField(help_text=f"One of: {', '.join(UNITS)}.")
    better = serializers.CharField(help_text="up: a higher value is better; down: a lower one is.")
    url = serializers.CharField(allow_null=True, help_text="The portal page that explains the indicator.")
    as_of = serializers.DateField(allow_null=True)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    breakdown = serializers.DictField(child=serializers.FloatField(), help_text="Values in the indicator's unit.")
    breakdown_labels = serializers.DictField(child=serializers.CharField(), help_text="Labels of breakdown keys that are codes.")
    previous = PointSerializer(allow_null=True, help_text="The month-end value before the latest.")
    change = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    trend = PointSerializer(many=True, help_text="Month ends, oldest first, then the latest day.")


class LeverSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=f"One of: {', '.join(Lever.values)}.")
    label = serializers.CharField()
    contradiction = serializers.CharField()
    indicators = IndicatorSerializer(many=True)


class BoardSerializer(serializers.Serializer):
    as_of = serializers.DateField(allow_null=True, help_text="The latest computed day (null: nothing computed yet).")
    months = serializers.IntegerField()
    levers = LeverSerializer(many=True)


class BoardQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    months = serializers.IntegerField(required=False, min_value=1, max_value=36, default=DEFAULT_MONTHS)


class SnapshotRowSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True, coerce_to_string=False)
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    breakdown = serializers.DictField(child=serializers.FloatField())
    computed_at = serializers.DateTimeField()


class HistorySerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    unit = serializers.CharField()
    better = serializers.CharField()
    rows = SnapshotRowSerializer(many=True)


class HistoryQuerySerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        date_to = attrs.get("date_to") or datetime.date.today()
        date_from = attrs.get("date_from") or date_to - datetime.timedelta(days=2 * 366)
        if date_from > date_to:
            raise serializers.ValidationError({"date_from": [_("The period must start before it ends.")]})
        if (date_to - date_from).days > MAX_HISTORY_DAYS:
            raise serializers.ValidationError({"date_from": [_("Choose a period of at most three years.")]})
        attrs["date_from"], attrs["date_to"] = date_from, date_to
        return attrs


def _query(serializer_class, request):
    query = serializer_class(data={k: v for k, v in request.query_params.items() if k in serializer_class().fields})
    query.is_valid(raise_exception=True)
    return query.validated_data


class ContradictionsView(InternalMixin, APIView):
    """The three contradictions (attract, retain, regulate) and the indicators that measure them."""

    @extend_schema(
        parameters=[
            OpenApiParameter("as_of", datetime.date, description="Show the board as of this day (default: the latest computed)."),
            OpenApiParameter("months", int, description="Month ends in the trend (1–36, default 24)."),
        ],
        responses=BoardSerializer,
    )
    def get(self, request):
        data = _query(BoardQuerySerializer, request)
        board = contradictions_board(as_of=data.get("as_of"), months=data["months"])
        return Response(BoardSerializer(board).data)


class IndicatorHistoryView(InternalMixin, APIView):
    """Every stored day of one indicator in a period (default: the last two years), oldest first."""

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", datetime.date, description="Default: two years before date_to."),
            OpenApiParameter("date_to", datetime.date, description="Default: today."),
        ],
        responses=HistorySerializer,
    )
    def get(self, request, key: str):
        indicator = get_indicator(key)
        if indicator is None:
            raise Http404
        data = _query(HistoryQuerySerializer, request)
        rows = indicator_history(key=key, date_from=data["date_from"], date_to=data["date_to"])
        payload = {"key": indicator.key, "label": str(indicator.label), "unit": indicator.unit,
                   "better": indicator.better, "rows": rows}
        return Response(HistorySerializer(payload).data)
