from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.include_root_view = False
router.register("allocation/partners", views.PartnerAllocationViewSet, basename="allocation-partner")

urlpatterns = [
    path("allocation/grid/", views.GridView.as_view(), name="allocation-grid"),
    path("allocation/weights/", views.WeightsView.as_view(), name="allocation-weights"),
    path("allocation/grid-config/", views.GridConfigView.as_view(), name="allocation-grid-config"),
    path("allocation/market-potential/", views.MarketPotentialView.as_view(), name="allocation-market-potential"),
    path("allocation/budget/", views.BudgetView.as_view(), name="allocation-budget"),
    path("allocation/budget/export/", views.BudgetExportView.as_view(), name="allocation-budget-export"),
    *router.urls,
]
