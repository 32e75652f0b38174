from rest_framework.routers import SimpleRouter

from . import analysis, views

router = SimpleRouter()
router.register("survey-categories", views.CategoryViewSet, basename="survey-category")
router.register("survey-factors", views.FactorViewSet, basename="survey-factor")
router.register("survey-campaigns", views.CampaignViewSet, basename="survey-campaign")
router.register("survey-invitations", views.InvitationViewSet, basename="survey-invitation")
router.register("survey-responses", views.ResponseViewSet, basename="survey-response")
analysis.register(router)  # the analysis endpoints (support/surveys/api/analysis.py)

urlpatterns = router.urls
