from django.urls import path

from . import views

urlpatterns = [
    path("", views.AllocationPage.as_view(), name="grid"),
]
