from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("support/tickets", views.TicketViewSet, basename="support-ticket")
router.register("support/messages", views.TicketMessageViewSet, basename="support-message")
router.register("support/attachments", views.TicketAttachmentViewSet, basename="support-attachment")
router.register("support/events", views.TicketEventViewSet, basename="support-event")
router.register("support/sla-records", views.SlaRecordViewSet, basename="support-sla-record")
router.register("support/ratings", views.SatisfactionRatingViewSet, basename="support-rating")
router.register("support/centres", views.ServiceCentreViewSet, basename="support-centre")
router.register("support/routing-rules", views.RoutingRuleViewSet, basename="support-routing-rule")
router.register("support/calendars", views.BusinessCalendarViewSet, basename="support-calendar")
router.register("support/calendar-windows", views.CalendarWindowViewSet, basename="support-calendar-window")
router.register("support/calendar-days", views.CalendarDayViewSet, basename="support-calendar-day")
router.register("support/sla-policies", views.SlaPolicyViewSet, basename="support-sla-policy")
router.register("support/sla-targets", views.SlaTargetViewSet, basename="support-sla-target")
router.register("support/staff", views.StaffViewSet, basename="support-staff")

urlpatterns = [
    path("support/reports/compliance/", views.ComplianceReportView.as_view(), name="support-compliance"),
    *router.urls,
]
