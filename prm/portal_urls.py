"""The portal's pages. Each app includes its pages here under its own namespace; the
partners app's pages live in the "portal" namespace (portal:home, portal:partner-list, …)."""
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from prm import views

urlpatterns = [
    # The JS half of the translations (domain djangojs), per the request's language.
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("notifications/", views.NotificationsView.as_view(), name="notifications"),
    path("support/", include(("support.urls", "support"), namespace="support")),
    path("surveys/", include(("support.surveys.urls", "surveys"), namespace="surveys")),
    path("allocation/", include(("lifecycle.allocation.urls", "allocation"), namespace="allocation")),
    path("lifecycle/", include(("lifecycle.urls", "lifecycle"), namespace="lifecycle")),
    path("loyalty/", include(("loyalty.urls", "loyalty"), namespace="loyalty")),
    # Recruitment: the public /apply/ page, the invitation link and the staff pages under /recruitment/.
    path("", include(("partners.recruitment.urls", "recruitment"), namespace="recruitment")),
    path("", include(("partners.urls", "portal"), namespace="portal")),
]
