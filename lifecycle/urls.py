from django.urls import path

from . import views

urlpatterns = [
    path("contradictions/", views.ContradictionsView.as_view(), name="contradictions"),
    path("funnel/", views.FunnelView.as_view(), name="funnel"),
    path("early-warning/", views.EarlyWarningView.as_view(), name="early-warning"),
    path("win-back/", views.WinBackView.as_view(), name="win-back"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("runs/", views.RunListView.as_view(), name="runs"),
]
