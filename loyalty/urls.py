from django.urls import path

from . import views

urlpatterns = [
    path("", views.PointsView.as_view(), name="points"),
    path("rewards/", views.RewardsView.as_view(), name="rewards"),
    path("redemptions/", views.RedemptionsView.as_view(), name="redemptions"),
    path("tier-reviews/", views.TierReviewsView.as_view(), name="tier-reviews"),
    path("programme/", views.ProgrammeView.as_view(), name="programme"),
    path("partners/<int:partner_id>/", views.PartnerLedgerView.as_view(), name="partner-ledger"),
]
