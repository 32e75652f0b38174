"""API of the survey analysis (registered on the surveys router by `register(router)`):

    GET survey-analysis/ipa/?campaign=&partner_type=&cooperation_model=&tier=&city=&lines=&min_answers=
    GET survey-analysis/movement/?from=<campaign>&to=<campaign>&…the same filters
    GET survey-analysis/categories/?by=partner_type|cooperation_model|tier|city&campaign=&…
    GET survey-satisfaction/            the weighted satisfaction index per partner (and day)

The analysis is for the operator's staff: administrators, channel managers and product
managers, and integration tokens, read aggregates over ALL partners (channel managers view
every partner's data in this system, so their aggregates are not narrowed to their own
partners; a segment filter such as `city` narrows them on purpose). Partner users get 403.
The index list is scoped as usual: a partner user sees only its own partner's index.
"""
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.choices import Role
from prm.api.views import ScopedReadOnlyViewSet

from ..analysis import ipa
from ..analysis.filtersets import (
    BY_PARAMETER,
    CAMPAIGN_PARAMETER,
    CLASSIFY_PARAMETERS,
    SEGMENT_PARAMETERS,
    CategoryQuery,
    IpaQuery,
    MovementQuery,
    PartnerSatisfactionFilterSet,
)
from ..analysis.serializers import (
    CategoryScoresSerializer,
    IpaSerializer,
    MovementSerializer,
    PartnerSatisfactionSerializer,
)
from ..models import PartnerSatisfaction

ANALYSTS = frozenset({Role.ADMIN, Role.CHANNEL_MANAGER, Role.PRODUCT_MANAGER, Role.INTEGRATION})

class SurveyAnalysisViewSet(viewsets.ViewSet):
    """Importance–performance analysis, movement between campaigns and category scores, from the
    prepared aggregates."""

    read_roles = ANALYSTS
    write_roles = frozenset()

    @extend_schema(parameters=[CAMPAIGN_PARAMETER, *SEGMENT_PARAMETERS, *CLASSIFY_PARAMETERS], responses=IpaSerializer)
    @action(detail=False, methods=["get"])
    def ipa(self, request):
        """Each factor's mean importance and satisfaction, its quadrant, the lines and the fix-first list."""
        data = IpaQuery.parse(request.query_params)
        result = ipa.ipa_analysis(
            campaign=data.get("campaign") or ipa.default_campaign(),
            filters=IpaQuery.filters(data), lines=data["lines"], min_answers=data["min_answers"],
        )
        return Response(IpaSerializer(result.as_dict()).data)

    @extend_schema(
        parameters=[*SEGMENT_PARAMETERS, *CLASSIFY_PARAMETERS],
        responses=MovementSerializer,
        description="Query parameters `from` and `to` (campaign ids, required) name the two campaigns.",
    )
    @action(detail=False, methods=["get"])
    def movement(self, request):
        """Each factor's change between two campaigns (Δ importance, Δ satisfaction, old and new quadrant)."""
        data = MovementQuery.parse(request.query_params)
        result = ipa.ipa_movement(old=data["from"], new=data["to"], filters=MovementQuery.filters(data),
                                  lines=data["lines"], min_answers=data["min_answers"])
        return Response(MovementSerializer(result).data)

    @extend_schema(parameters=[CAMPAIGN_PARAMETER, BY_PARAMETER, *SEGMENT_PARAMETERS], responses=CategoryScoresSerializer)
    @action(detail=False, methods=["get"])
    def categories(self, request):
        """The five category scores (0–100) and the overall weighted index per segment of `by`."""
        data = CategoryQuery.parse(request.query_params)
        result = ipa.category_scores(campaign=data.get("campaign") or ipa.default_campaign(), by=data["by"],
                                     filters=CategoryQuery.filters(data))
        return Response(CategoryScoresSerializer(result).data)


class PartnerSatisfactionViewSet(ScopedReadOnlyViewSet):
    """Each partner's weighted satisfaction index (0–100) per computed day: the latest day and the
    month ends are kept. Staff see every partner; a partner user its own partner."""

    read_roles = ANALYSTS | {Role.PARTNER}
    queryset = PartnerSatisfaction.objects.select_related("partner", "partner__city")
    serializer_class = PartnerSatisfactionSerializer
    filterset_class = PartnerSatisfactionFilterSet
    ordering_fields = ["index", "as_of", "partner__code", "responses"]
    ordering = ["-as_of", "partner__code"]


def register(router):
    router.register("survey-analysis", SurveyAnalysisViewSet, basename="survey-analysis")
    router.register("survey-satisfaction", PartnerSatisfactionViewSet, basename="survey-satisfaction")
