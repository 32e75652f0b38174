import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Rate limits and throttles count in the cache: every test starts from zero (local memory)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "recruitment-tests"}}
    cache.clear()
    yield
    cache.clear()
