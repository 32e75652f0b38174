from django.urls import path

from . import views

urlpatterns = [
    path("tickets/", views.TicketListView.as_view(), name="tickets"),
    path("tickets/new/", views.TicketCreateView.as_view(), name="ticket-new"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket"),
    path("report/", views.ComplianceReportView.as_view(), name="report"),
    path("settings/", views.SlaSettingsView.as_view(), name="settings"),
]
