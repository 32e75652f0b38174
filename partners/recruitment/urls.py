from django.urls import path

from . import views

urlpatterns = [
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/thanks/", views.ApplyThanksView.as_view(), name="apply-thanks"),
    path("accounts/invite/<uidb64>/<token>/", views.InviteConfirmView.as_view(), name="invite-confirm"),
    path("recruitment/", views.ProspectListView.as_view(), name="prospect-list"),
    path("recruitment/new/", views.ProspectCreateView.as_view(), name="prospect-create"),
    path("recruitment/<int:pk>/", views.ProspectDetailView.as_view(), name="prospect-detail"),
    path("recruitment/funnel/", views.FunnelView.as_view(), name="funnel"),
]
