"""Settings shared by every environment, read from the environment (12-factor, django-environ).

Embedded defaults: SQLite and a filesystem Celery broker, so the application runs with no server.
``DATABASE_URL`` switches to PostgreSQL; ``REDIS_URL`` makes Redis the Celery broker and the cache.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_celery_beat",
    "axes",
    "csp",
    "nrc",
    "cooperation",
    "committees",
    "meetings",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers compressed for clients that accept gzip (Django pads each compressed answer with
    # random bytes against BREACH, and masks the CSRF token anew in every render).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "nrc.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "nrc.datacache.DataVersionPageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "nrc.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "nrc.urls"
WSGI_APPLICATION = "nrc.wsgi.application"

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
                "nrc.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'nrc.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "committees.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: the Council works in English and French, and worked with Russian.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Every datetime is stored in UTC and shown in the Council's time zone unless the user picks another.
TIME_ZONE = "Europe/Brussels"
COUNCIL_TIME_ZONE = "Europe/Brussels"

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
PAPER_MAX_BYTES = env.int("PAPER_MAX_BYTES", default=20 * 1024 * 1024)

# Cache and Celery broker: Redis when REDIS_URL is set, embedded otherwise.
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
# Pages and API reads cached under the data version (nrc/datacache.py): on when the cache is shared by every
# process (Redis); the embedded cache is per process, so the web process would not see the worker's writes.
NRC_PAGE_CACHE = env.bool("NRC_PAGE_CACHE", default=bool(REDIS_URL))
NRC_PAGE_CACHE_SECONDS = env.int("NRC_PAGE_CACHE_SECONDS", default=90)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = COUNCIL_TIME_ZONE
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A publish against a broker that is down fails fast instead of hanging the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Every periodic job of the product, in one place. Times are Europe/Brussels.
CELERY_BEAT_SCHEDULE = {
    # Hourly: evaluate every cadence rule and upsert one flag per (rule, period) in breach or at risk.
    "compliance-evaluate-cadence": {
        "task": "compliance.tasks.cadence_flags_refresh",
        "schedule": crontab(minute=5),
    },
    # Every 10 minutes: re-queue notifications whose publishing failed (broker down at commit time).
    "nrc-outbox-sweep": {
        "task": "nrc.tasks.outbox_sweep",
        "schedule": crontab(minute="*/10"),
    },
    # Daily at 07:00: meeting reminders a week ahead, unapproved minutes, past meetings still scheduled.
    "meetings-reminders": {
        "task": "meetings.tasks.reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every 5 minutes: adopt joint decisions whose silence procedure has ended unbroken.
    "meetings-silence-procedures": {
        "task": "meetings.tasks.silence_procedures_close",
        "schedule": crontab(minute="*/5"),
    },
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="NRC Secretariat <nrc-secretariat@localhost>")
SECRETARIAT_EMAIL = env("NRC_SECRETARIAT_EMAIL", default="nrc-secretariat@localhost")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
# Crispy forms adds the widget's class name to a field's classes: the quick selects (nrc.widgets) keep the names of
# the Django widgets they replace.
CRISPY_CLASS_CONVERTERS = {"quickselect": "select", "quickselectmultiple": "selectmultiple"}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "nrc.api_auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON in: in a form an empty field cannot be told from a missing one, so an optional date, number or choice
    # sent empty would be accepted although the schema refuses it. Only the uploads take multipart/form-data.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    # django-filter, but an empty or unreadable typed value is a 400 naming the parameter (nrc.api).
    "DEFAULT_FILTER_BACKENDS": ["nrc.api.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "nrc.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "nrc.schema.AutoSchema",
    "EXCEPTION_HANDLER": "nrc.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"token": "20/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NRC Meetings API",
    "DESCRIPTION": "Meetings, extraordinary sessions, decisions and cadence compliance of the NATO-Russia Council.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    # One enum per choice set, named after it (several models have a "status" or a "kind").
    "ENUM_NAME_OVERRIDES": {
        "MeetingStatusEnum": "meetings.models.MeetingStatus",
        "MeetingKindEnum": "meetings.models.MeetingKind",
        "AttendanceStatusEnum": "meetings.models.AttendanceStatus",
        "MinutesStatusEnum": "meetings.models.MinutesStatus",
        "SessionRequestStatusEnum": "meetings.models.SessionRequestStatus",
        "DecisionStatusEnum": "meetings.models.DecisionStatus",
        "IssueStatusEnum": "meetings.models.IssueStatus",
        "WorkItemStatusEnum": "cooperation.models.WorkItemStatus",
        "BodyKindEnum": "committees.models.BodyKind",
        "PeriodEnum": "committees.models.Period",
        "WaiverKindEnum": "compliance.models.WaiverKind",
        "WaiverStatusEnum": "compliance.models.WaiverStatus",
        "FlagStateEnum": "compliance.models.FlagState",
        "JobStatusEnum": "nrc.models.JobStatus",
    },
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the errors it can answer (400/401/403/404/409/429).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "nrc.schema.add_error_responses"],
}
API_TOKEN_TTL_HOURS = env.int("API_TOKEN_TTL_HOURS", default=24)

# Brute-force protection on every login path (form, admin, API token).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The lockout page on the forms, a JSON 429 with the same message on the API.
AXES_LOCKOUT_CALLABLE = "nrc.security.lockout_response"

# Security headers (SecurityMiddleware, django-csp 4).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "nrc.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo users and the demo data set exist only where this is true (never in production).
NRC_DEMO = env.bool("NRC_DEMO", default=False)
