from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("loyalty/ledger", views.LedgerEntryViewSet, basename="loyalty-ledger")
router.register("loyalty/balances", views.PointsBalanceViewSet, basename="loyalty-balance")
router.register("loyalty/adjustments", views.PointsAdjustmentViewSet, basename="loyalty-adjustment")
router.register("loyalty/rewards", views.RewardViewSet, basename="loyalty-reward")
router.register("loyalty/rules", views.EarningRuleViewSet, basename="loyalty-rule")
router.register("loyalty/tier-levels", views.TierLevelViewSet, basename="loyalty-tier-level")
router.register("loyalty/redemptions", views.RedemptionViewSet, basename="loyalty-redemption")
router.register("loyalty/tier-reviews", views.TierReviewViewSet, basename="loyalty-tier-review")
router.register("loyalty/trained-people", views.TrainedPersonViewSet, basename="loyalty-trained-person")
router.register("loyalty/compliance-issues", views.ComplianceIssueViewSet, basename="loyalty-compliance-issue")
router.register("loyalty/runs", views.AccrualRunViewSet, basename="loyalty-run")

urlpatterns = [
    path("loyalty/report/", views.ProgrammeReportView.as_view(), name="loyalty-report"),
    *router.urls,
]
