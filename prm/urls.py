from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from prm import views as portal_views

api_v1 = [
    path("", include("partners.api.urls")),
    path("", include("partners.recruitment.api.urls")),
    path("", include("support.api.urls")),
    path("", include("support.surveys.api.urls")),
    path("", include("prm.api.urls")),
    path("", include("lifecycle.api.urls")),
    path("", include("lifecycle.allocation.api.urls")),
    path("", include("loyalty.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
]

urlpatterns = [
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", portal_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", portal_views.LogoutView.as_view(), name="logout"),
    path("", include("prm.portal_urls")),
]

handler400 = "prm.views.bad_request"
handler403 = "prm.views.permission_denied"
handler404 = "prm.views.page_not_found"
handler500 = "prm.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
