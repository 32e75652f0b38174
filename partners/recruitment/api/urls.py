from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("recruitment/prospects", views.ProspectViewSet, basename="recruitment-prospect")
router.register("recruitment/applications", views.ApplicationViewSet, basename="recruitment-application")

urlpatterns = [
    path("recruitment/funnel/", views.FunnelView.as_view(), name="recruitment-funnel"),
    *router.urls,
]
