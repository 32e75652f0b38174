"""PRM settings, read from the environment (12-factor).

With no environment at all besides DEBUG=1 (what `make run` sets) PRM runs on an SQLite file
and Celery runs tasks in-process. In production set DATABASE_URL (PostgreSQL), REDIS_URL,
SECRET_KEY, ALLOWED_HOSTS and leave DEBUG off; see README.md.
"""
from pathlib import Path
import os

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    value = os.environ.get(name)
    return default if value in (None, "") else value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = env(name)
    return default if value is None else int(value)


def env_list(name, default=()):
    value = env(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "prm",
    "partners",
    "partners.recruitment",
    "lifecycle",
    "lifecycle.allocation",
    "support",
    "support.surveys",
    "loyalty",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "prm.urls"
WSGI_APPLICATION = "prm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "prm.context_processors.portal",
            ],
        },
    },
]

# --- Database: DATABASE_URL, an SQLite file by default (the embedded mode) -------------------
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several connections (runserver, a test live server) share the file: wait, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "partners.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Static files: whitenoise, hashed names outside DEBUG ------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))

# --- Cache and Celery: Redis when REDIS_URL is set, in-process otherwise ---------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Long nightly jobs: a task is acknowledged only when done and re-queued if its worker dies;
# each worker takes one task at a time; a hung task is stopped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 50 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_WORKER_MAX_TASKS_PER_CHILD = 200
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The nightly jobs (lifecycle, loyalty) add their entries here, and their task names to
# PRM_NIGHTLY_JOBS so that `manage.py run_nightly` (and `make run`) can run them all once.
CELERY_BEAT_SCHEDULE = {}
# Support: warn, breach and escalate SLA clocks (support/escalation.py); cheap when nothing is due.
CELERY_BEAT_SCHEDULE["support-sla-sweep"] = {
    "task": "support.tasks.sla_sweep",
    "schedule": env_int("SUPPORT_SLA_SWEEP_SECONDS", 300),
    "options": {"expires": 240},
}
PRM_NIGHTLY_JOBS = []
# Survey analysis: rebuild the importance–performance cube and compute every partner's weighted
# satisfaction index as of yesterday (support/surveys/analysis/nightly.py); 01:00 Asia/Shanghai,
# before the lifecycle job (whose low-satisfaction rule reads the answers itself).
CELERY_BEAT_SCHEDULE["surveys-analysis-nightly"] = {
    "task": "surveys.analysis_nightly",
    "schedule": crontab(hour=1, minute=0),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("surveys.analysis_nightly")
# Lifecycle: stages, value scores and risk flags of all partners as of yesterday, in partner-id
# range chunks shared by the workers (lifecycle/tasks.py); 01:30 Asia/Shanghai.
CELERY_BEAT_SCHEDULE["lifecycle-nightly"] = {
    "task": "lifecycle.nightly",
    "schedule": crontab(hour=1, minute=30),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("lifecycle.nightly")
# Loyalty: credit new sales, reverse refunds, expire lots (whose expiry day ended), warn of
# expiry and evaluate tiers, chunked by partner-id range (loyalty/nightly.py); 02:30 Asia/Shanghai.
CELERY_BEAT_SCHEDULE["loyalty-nightly"] = {
    "task": "loyalty.nightly",
    "schedule": crontab(hour=2, minute=30),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("loyalty.nightly")
# Surveys: expire invitations that can no longer be answered, remind partners that have not
# answered (support/surveys/jobs.py); 02:50 Asia/Shanghai. Ticket surveys every 10 minutes.
CELERY_BEAT_SCHEDULE["surveys-nightly"] = {
    "task": "surveys.nightly",
    "schedule": crontab(hour=2, minute=50),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("surveys.nightly")
CELERY_BEAT_SCHEDULE["surveys-ticket-invitations"] = {
    "task": "surveys.ticket_invitations",
    "schedule": env_int("SURVEYS_TICKET_SECONDS", 600),
    "options": {"expires": 540},
}
# Resource allocation: measures, attractiveness × capability fit, segments and the grid's counts,
# chunked by partner-id range (lifecycle/allocation/engine.py). Reads the lifecycle snapshots,
# loyalty's trained people and tiers and the surveys' satisfaction: runs after those jobs; 03:00.
CELERY_BEAT_SCHEDULE["allocation-nightly"] = {
    "task": "allocation.nightly",
    "schedule": crontab(hour=3, minute=0),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("allocation.nightly")
# Recruitment funnel: prospect → applied → registered → first sale per (cohort month, type, city),
# one set-based statement replacing the day's cells (partners/recruitment/funnel.py); 03:15.
CELERY_BEAT_SCHEDULE["recruitment-funnel-nightly"] = {
    "task": "recruitment.funnel_nightly",
    "schedule": crontab(hour=3, minute=15),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("recruitment.funnel_nightly")
# KEEP LAST — three-contradictions indicators (lifecycle/indicator_job.py): reads what every job
# above wrote for the day, so it runs after them all; 04:00 Asia/Shanghai.
CELERY_BEAT_SCHEDULE["lifecycle-indicators-nightly"] = {
    "task": "lifecycle.indicators_nightly",
    "schedule": crontab(hour=4, minute=0),
    "options": {"expires": 6 * 60 * 60},
}
PRM_NIGHTLY_JOBS.append("lifecycle.indicators_nightly")

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "prm.api.authentication.TokenAuthentication",  # DRF's, refusing impossible keys
    ],
    "DEFAULT_PERMISSION_CLASSES": ["prm.api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": [
        "prm.api.parsers.JSONParser",  # DRF's, with deep nesting answered 400
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "prm.api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "prm.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "prm.api.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "prm.api.renderers.JSONRenderer",  # DRF's, encoding with orjson
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "COERCE_DECIMAL_TO_STRING": True,
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "recruitment-apply": env("RECRUITMENT_APPLY_API_RATE", "5/hour")},
}
API_MAX_PAGE_SIZE = 200
# Public partner applications (/apply/): per client address and overall, per hour (cache-counted).
RECRUITMENT_APPLY_PER_IP_PER_HOUR = env_int("RECRUITMENT_APPLY_PER_IP_PER_HOUR", 5)
RECRUITMENT_APPLY_GLOBAL_PER_HOUR = env_int("RECRUITMENT_APPLY_GLOBAL_PER_HOUR", 500)
SALES_BULK_MAX_ROWS = 10_000
# Support ticket attachments: stored in default storage (MEDIA_ROOT), served only through the
# scoped download endpoint. Types are decided by the file name and checked against the content.
SUPPORT_ATTACHMENT_MAX_BYTES = env_int("SUPPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
SUPPORT_ATTACHMENT_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
SUPPORT_ATTACHMENT_TYPES = frozenset(SUPPORT_ATTACHMENT_EXTENSIONS.values())
SUPPORT_ATTACHMENTS_PER_REQUEST = 5

SPECTACULAR_SETTINGS = {
    "TITLE": "PRM API",
    "DESCRIPTION": "Partner relationship management: partners, lifecycle, support, loyalty.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ProspectStatusEnum": "partners.recruitment.choices.ProspectStatus",
        "ProspectSourceEnum": "partners.recruitment.choices.ProspectSource",
        "ProspectEventKindEnum": "partners.recruitment.choices.EventKind",
        "PartnerStatusEnum": "partners.choices.PartnerStatus",
        "SaleStatusEnum": "partners.choices.SaleStatus",
        "TicketStatusEnum": "support.choices.TicketStatus",
        "SupportCategoryEnum": "support.choices.Category",
        "SupportPriorityEnum": "support.choices.Priority",
        "SlaStatusEnum": "support.choices.SlaStatus",
        "TargetKindEnum": "support.choices.TargetKind",
        "TicketEventKindEnum": "support.choices.EventKind",
        "CalendarDayKindEnum": "support.choices.CalendarDayKind",
        "WeekdayEnum": "support.choices.Weekday",
        "TierEnum": "partners.choices.Tier",
        "LedgerEntryKindEnum": "loyalty.choices.EntryKind",
        "LedgerSourceTypeEnum": "loyalty.choices.SourceType",
        "EarningRuleKindEnum": "loyalty.choices.RuleKind",
        "RewardCategoryEnum": "loyalty.choices.RewardCategory",
        "RedemptionStatusEnum": "loyalty.choices.RedemptionStatus",
        "TierReviewStatusEnum": "loyalty.choices.ReviewStatus",
        "TierReviewDirectionEnum": "loyalty.choices.ReviewDirection",
        "LoyaltyRunStatusEnum": "loyalty.choices.RunStatus",
        "LifecycleStageEnum": "lifecycle.choices.Stage",
        "StageReasonEnum": "lifecycle.choices.StageReason",
        "StageChangeSourceEnum": "lifecycle.choices.StageChangeSource",
        "RiskSeverityEnum": "lifecycle.choices.Severity",
        "RiskLevelEnum": "lifecycle.choices.RiskLevel",
        "LeverEnum": "lifecycle.choices.Lever",
        "PlanKindEnum": "lifecycle.choices.PlanKind",
        "PlanStatusEnum": "lifecycle.choices.PlanStatus",
        "PlanOutcomeEnum": "lifecycle.choices.PlanOutcome",
        "PlanActionStatusEnum": "lifecycle.choices.ActionStatus",
        "PlanEventKindEnum": "lifecycle.choices.PlanEventKind",
        "LifecycleRunStatusEnum": "lifecycle.choices.RunStatus",
        "LifecycleRunModeEnum": "lifecycle.choices.RunMode",
        "LifecycleRunTriggerEnum": "lifecycle.choices.RunTrigger",
        "SurveyCampaignKindEnum": "support.surveys.choices.CampaignKind",
        "SurveyCampaignStatusEnum": "support.surveys.choices.CampaignStatus",
        "SurveyInvitationStatusEnum": "support.surveys.choices.InvitationStatus",
        "CooperationModelEnum": "partners.choices.CooperationModel",
    },
}

# --- E-mail --------------------------------------------------------------------------------------
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "PRM <prm@localhost>")
# Where the portal is reached: e-mailed links are made absolute with it.
PRM_SITE_URL = env("PRM_SITE_URL", "http://127.0.0.1:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (production values make `check --deploy` clean) ------------------------------------
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
