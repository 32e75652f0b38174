"""The application's URLs plus the baselines the benchmarks measure against."""
from django.urls import path

from prm.urls import handler400, handler403, handler404, handler500, urlpatterns as app_urlpatterns  # noqa: F401

from .baseline import partners_page
from .dashboard_baseline import dashboard_baseline

urlpatterns = [
    path("bench/baseline/partners/", partners_page, name="bench-baseline-partners"),
    path("bench/baseline/dash/<slug:key>/", dashboard_baseline, name="bench-baseline-dashboard"),
    *app_urlpatterns,
]
