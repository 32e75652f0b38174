"""Settings for the test suite: prm.settings with fast hashing, in-memory mail, eager Celery.

DATABASE_URL and REDIS_URL still come from the environment, so CI runs the same suite on
PostgreSQL; the Celery integration test starts a real worker when a broker is configured.
"""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789abcdef")

from .settings import *  # noqa: E402,F401,F403
from .settings import CELERY_BROKER_URL, STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]
# Tests run tasks in-process; the worker integration test talks to the broker on its own.
CELERY_TASK_ALWAYS_EAGER = True
PRM_TEST_BROKER_URL = CELERY_BROKER_URL
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
