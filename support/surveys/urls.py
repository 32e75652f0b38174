from django.urls import path

from . import views
from .analysis.urls import urlpatterns as analysis_urlpatterns

urlpatterns = [
    path("", views.MySurveysView.as_view(), name="mine"),
    path("<int:pk>/", views.AnswerView.as_view(), name="answer"),
    path("campaigns/", views.CampaignsView.as_view(), name="campaigns"),
    path("factors/", views.FactorsView.as_view(), name="factors"),
]

urlpatterns += analysis_urlpatterns  # the analysis pages (importance–performance), same namespace
