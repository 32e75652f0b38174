"""Portal pages of the survey analysis (appended to the "surveys" namespace)."""
from django.urls import path

from . import views

urlpatterns = [
    path("importance-performance/", views.IpaView.as_view(), name="ipa"),
]
