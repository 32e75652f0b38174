from django.urls import include, path

urlpatterns = [
    path("", include(("partners.urls", "portal"), namespace="portal")),
]
