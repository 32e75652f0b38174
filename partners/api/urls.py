from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("contacts", views.ContactViewSet, basename="contact")
router.register("partner-users", views.PartnerUserViewSet, basename="partner-user")
router.register("products", views.ProductViewSet, basename="product")
router.register("cities", views.CityBranchViewSet, basename="city")
router.register("partner-types", views.PartnerTypeViewSet, basename="partner-type")
router.register("sales", views.SaleRecordViewSet, basename="sale")
router.register("partner-changes", views.PartnerChangeViewSet, basename="partner-change")

urlpatterns = [path("me/", views.MeView.as_view(), name="me"), *router.urls]
