from django.urls import path
from rest_framework.routers import DefaultRouter

from . import indicators, views

router = DefaultRouter()
router.include_root_view = False
router.register("lifecycle/partners", views.PartnerLifecycleViewSet, basename="lifecycle-partner")
router.register("lifecycle/high-risk", views.HighRiskViewSet, basename="lifecycle-high-risk")
router.register("lifecycle/win-back", views.WinBackViewSet, basename="lifecycle-win-back")
router.register("lifecycle/stage-changes", views.StageChangeViewSet, basename="lifecycle-stage-change")
router.register("lifecycle/snapshots", views.SnapshotViewSet, basename="lifecycle-snapshot")
router.register("lifecycle/flags", views.RiskFlagViewSet, basename="lifecycle-flag")
router.register("lifecycle/plans", views.RetentionPlanViewSet, basename="lifecycle-plan")
router.register("lifecycle/plan-actions", views.RetentionActionViewSet, basename="lifecycle-plan-action")
router.register("lifecycle/plan-notes", views.PlanNoteViewSet, basename="lifecycle-plan-note")
router.register("lifecycle/playbooks", views.PlaybookViewSet, basename="lifecycle-playbook")
router.register("lifecycle/thresholds", views.StageThresholdViewSet, basename="lifecycle-threshold")
router.register("lifecycle/runs", views.LifecycleRunViewSet, basename="lifecycle-run")

urlpatterns = [
    path("lifecycle/settings/", views.LifecycleSettingsView.as_view(), name="lifecycle-settings"),
    path("lifecycle/funnel/", views.FunnelView.as_view(), name="lifecycle-funnel"),
    path("lifecycle/rules/", views.RiskRulesView.as_view(), name="lifecycle-rules"),
    path("lifecycle/contradictions/", indicators.ContradictionsView.as_view(), name="lifecycle-contradictions"),
    path("lifecycle/indicators/<str:key>/history/", indicators.IndicatorHistoryView.as_view(),
         name="lifecycle-indicator-history"),
    *router.urls,
]
