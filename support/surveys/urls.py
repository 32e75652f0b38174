from django.urls import path

from . import module_exists, views

urlpatterns = [
    path("", views.MySurveysView.as_view(), name="mine"),
    path("<int:pk>/", views.AnswerView.as_view(), name="answer"),
    path("campaigns/", views.CampaignsView.as_view(), name="campaigns"),
    path("factors/", views.FactorsView.as_view(), name="factors"),
]

if module_exists("support.surveys.analysis.urls"):  # the analysis pages (IPA), same namespace
    from .analysis.urls import urlpatterns as analysis_urlpatterns

    urlpatterns += analysis_urlpatterns
