"""The application's URLs plus the baseline the partner list is measured against."""
from django.urls import path

from prm.urls import handler400, handler403, handler404, handler500, urlpatterns as app_urlpatterns  # noqa: F401

from .baseline import partners_page

urlpatterns = [path("bench/baseline/partners/", partners_page, name="bench-baseline-partners"), *app_urlpatterns]
