"""Kefu settings, read from the environment (see .env.example).

SQLite is the embedded default; set DATABASE_URL for PostgreSQL.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from .env import env_bool, env_int, env_list, env_pair, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("KEFU_VAR_DIR", str(BASE_DIR / "var")))

# With DEBUG off the web app refuses to start on this key (config/wsgi.py, config/asgi.py).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Production over HTTPS (README "Production settings"): KEFU_HTTPS=1 turns on the redirect to
# https, secure cookies and HSTS; each can still be set on its own.
HTTPS = env_bool("KEFU_HTTPS", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Behind a proxy that ends TLS: "HTTP_X_FORWARDED_PROTO,https" (the header it sets, and its value).
SECURE_PROXY_SSL_HEADER = env_pair("SECURE_PROXY_SSL_HEADER")
# Load balancers probe over plain HTTP on the internal network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload asks browsers to hard-code the host in their lists: for the public domain's
    # owner to decide (SECURE_HSTS_PRELOAD=1), meaningless for an intranet host.
    "security.W021",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "treebeard",
    "csp",
    "django_celery_beat",
    "kefu.core",
    "kefu.audit",
    "kefu.org",
    "kefu.customers",
    "kefu.inbox",
    "kefu.tickets",
    "kefu.sla",
    "kefu.reports",
    "kefu.grading",
    "kefu.accountmanagers",
    "kefu.callbacks",
    "kefu.visits",
    "kefu.outbox",
    "kefu.care",
    "kefu.churn",
    "kefu.contacts",
    "kefu.keyaccounts",
    "kefu.sales",
    "kefu.collection",
]

MIDDLEWARE = [
    # First: every answer carries X-Request-ID and every log line of the request names it.
    "kefu.core.observability.ObservabilityMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages gzip-compressed (HTML only: see the class).
    "kefu.core.middleware.CompressPagesMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kefu.core.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kefu.core.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # While the database is down: 503 with Retry-After (JSON for the API, the styled page otherwise).
    "kefu.core.resilience.DatabaseUnavailableMiddleware",
    # Axes must be last: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# The pages load only Kefu's own static files; the few inline scripts carry the request's nonce
# (`{{ request.csp_nonce }}`), behaviour otherwise sits in static/js/kefu.js (no inline handlers).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        # Layout widths and the import progress bar are style attributes: they cannot run code.
        "style-src-attr": [UNSAFE_INLINE],
        # Bootstrap draws its form controls with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kefu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kefu.core.context_processors.navigation",
                "kefu.inbox.context_processors.bell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kefu.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A kept connection is checked before each request reuses it: after a database restart
        # the first request reconnects instead of failing on a dead socket.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the background jobs write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


def database_pool_options(pool: tuple[str, str] | None, conn_max_age: str, timeout: int) -> dict | None:
    """Django's psycopg pool from KEFU_DB_POOL=min,max (connections per process); None when unset.
    Django refuses a pool with persistent connections, so an explicit DB_CONN_MAX_AGE > 0 is an
    error here, at start, naming both settings."""
    if pool is None:
        return None
    try:
        min_size, max_size = int(pool[0]), int(pool[1])
    except ValueError:
        raise ImproperlyConfigured(f"KEFU_DB_POOL must be two integers min,max, got {','.join(pool)!r}") from None
    if not 0 <= min_size <= max_size or max_size < 1:
        raise ImproperlyConfigured(f"KEFU_DB_POOL needs 0 <= min <= max and max >= 1, got {min_size},{max_size}")
    if conn_max_age.strip() not in ("", "0"):
        raise ImproperlyConfigured(
            "KEFU_DB_POOL cannot be used with DB_CONN_MAX_AGE > 0 (the pool keeps the connections)"
        )
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout}


_db_pool = database_pool_options(
    env_pair("KEFU_DB_POOL"), env_str("DB_CONN_MAX_AGE", ""), env_int("KEFU_DB_POOL_TIMEOUT", 5)
)
if _db_pool:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("KEFU_DB_POOL needs PostgreSQL (DATABASE_URL=postgres://…)")
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = _db_pool
# Behind PgBouncer in transaction mode a cursor cannot outlive its transaction's server connection.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("KEFU_DB_DISABLE_SERVER_SIDE_CURSORS", False)

# One cache that every process agrees on: the configuration's version (kefu.core.config_cache),
# queue counts. Redis when scaled out (KEFU_CACHE_URL, else REDIS_URL); in the embedded default
# a file cache in the var directory, shared by the web workers and the background jobs (a local
# memory cache would be one per process).
CACHE_URL = env_str("KEFU_CACHE_URL", "") or env_str("REDIS_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "kefu.org.backends.ModelBackendWithUnit",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workbench"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where collectstatic writes (and nginx serves /static/ from, deploy/nginx/kefu.conf).
STATIC_ROOT = Path(env_str("KEFU_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "kefu" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Uploaded files (attachments, import uploads) go through Django's storage API only: local disk
# in the embedded default, an S3-compatible object store shared by every machine when
# KEFU_STORAGE=s3 (docs/deployment.md). Files are private: downloads go through views that check
# access first (no public or signed URL is handed out).
KEFU_STORAGE = env_str("KEFU_STORAGE", "local")
if KEFU_STORAGE not in ("local", "s3"):
    raise ImproperlyConfigured(f"KEFU_STORAGE must be local or s3, got {KEFU_STORAGE!r}")
S3_STORAGE_OPTIONS = {
    "bucket_name": env_str("KEFU_S3_BUCKET", ""),
    "endpoint_url": env_str("KEFU_S3_ENDPOINT_URL", "") or None,
    "region_name": env_str("KEFU_S3_REGION", "") or None,
    "access_key": env_str("KEFU_S3_ACCESS_KEY_ID", "") or None,
    "secret_key": env_str("KEFU_S3_SECRET_ACCESS_KEY", "") or None,
    "location": env_str("KEFU_S3_PREFIX", ""),
    "default_acl": "private",
    "querystring_auth": True,
    "file_overwrite": False,
    "addressing_style": env_str("KEFU_S3_ADDRESSING_STYLE", "path"),
}
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": S3_STORAGE_OPTIONS}
        if KEFU_STORAGE == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    # Hashed names and gzip/Brotli copies made by collectstatic (`make run`): a year in the
    # browser's cache, a fraction of the bytes on a branch office's slow link (bench/README.md).
    "staticfiles": {"BACKEND": "kefu.core.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Files without a hash in their name (favicon.ico's target, files not collected yet): an hour.
WHITENOISE_MAX_AGE = 3600
# Source maps are read only by developer tools: not worth half of collectstatic's Brotli time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated call is answered 401 with a WWW-Authenticate hint.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kefu.org.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "kefu.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "kefu.core.schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "kefu.core.pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "kefu.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kefu API",
    "DESCRIPTION": "Customer service management: customer archive, requests, callbacks.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Served from our own static files: customers run Kefu on isolated intranets.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Fields named "kind" hold two choice sets: each gets its own name, wherever it appears.
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "kefu.customers.choices.CustomerKind",
        "CustomerStatusEnum": "kefu.customers.choices.CustomerStatus",
        "EventKindEnum": "kefu.tickets.choices.EventKind",
        "ManagerLevelEnum": "kefu.org.choices.ManagerLevel",
        "ProspectStageEnum": "kefu.sales.choices.ProspectStage",
        "ProspectSourceEnum": "kefu.sales.choices.ProspectSource",
        "SalesCampaignKindEnum": "kefu.sales.choices.CampaignKind",
        "SalesCampaignResultEnum": "kefu.sales.choices.CampaignResult",
        "SalesTargetMetricEnum": "kefu.sales.choices.TargetMetric",
        # Choice sets whose field names ("channel", "kind", "result", "role", "status") other apps
        # use too: named here so that the schema's component names are stable and readable.
        "ContactChannelEnum": "kefu.contacts.choices.ContactChannel",
        "TicketChannelEnum": "kefu.tickets.choices.Channel",
        "OutboxChannelEnum": "kefu.outbox.choices.Channel",
        "NoticeKindEnum": "kefu.care.choices.NoticeKind",
        "PlanItemKindEnum": "kefu.keyaccounts.choices.ItemKind",
        "SatisfactionEnum": "kefu.callbacks.choices.Satisfaction",
        "TeamRoleEnum": "kefu.keyaccounts.choices.TeamRole",
        "ArrearStatusEnum": "kefu.collection.choices.ArrearStatus",
        "ImportStatusEnum": "kefu.customers.choices.ImportStatus",
        "ImportKindEnum": "kefu.customers.choices.ImportKind",
    },
}

# Background work: "inline" runs service functions in-process (embedded default);
# "celery" queues them to Celery workers through Redis (scaled out).
KEFU_BACKGROUND = env_str("KEFU_BACKGROUND", "inline")
CELERY_BROKER_URL = env_str("REDIS_URL", "redis://localhost:6379/0")
CELERY_TASK_ALWAYS_EAGER = KEFU_BACKGROUND != "celery"
# Every Kefu task is an idempotent function of ids (kefu/core/background.py): a message is
# acknowledged after the task ran, and given back to the queue if the worker died under it, so a
# killed worker's task runs again on another one instead of being lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task (a 1M-row import's commit, a 1M-customer assignment plan) stays under the hard
# limit; the soft limit raises inside the task first, so it fails with its reason.
CELERY_TASK_TIME_LIMIT = env_int("KEFU_TASK_TIME_LIMIT", 2 * 3600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 300
# Redis gives an unacknowledged message to another worker after this long: longer than the
# longest task, or a long task would be started twice while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 3600}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# Publishing survives a short broker outage (kefu/core/background.py retries after commit).
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 5, "interval_start": 0.2, "interval_step": 0.5, "interval_max": 3}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# One scheduler: `celery -A config beat` (scripts/run.sh, one per installation) with its schedule
# in the database (django-celery-beat), written from kefu.core.jobs, and a leader lease so that
# a second beat started by mistake stays on standby (kefu/core/beat.py).
CELERY_BEAT_SCHEDULER = "kefu.core.beat:KefuScheduler"
CELERY_TIMEZONE = TIME_ZONE
# A job left `working` by a dead process is failed after this long without progress, with a
# reason the user can read, and may be tried again (import jobs, assignment plans).
KEFU_JOB_LEASE_SECONDS = env_int("KEFU_JOB_LEASE_SECONDS", CELERY_TASK_TIME_LIMIT + 600)

# /healthz and /readyz are open (load balancers); /metrics needs this bearer token, and answers
# 404 while none is set (docs/deployment.md).
KEFU_METRICS_TOKEN = env_str("KEFU_METRICS_TOKEN", "")
# Prometheus in multi-process gunicorn: PROMETHEUS_MULTIPROC_DIR (an empty directory per start).
# While the database is down, clients are told to come back after this many seconds.
KEFU_RETRY_AFTER_SECONDS = env_int("KEFU_RETRY_AFTER_SECONDS", 5)

KEFU_IMPORT_MAX_ROWS = env_int("KEFU_IMPORT_MAX_ROWS", 2_000_000)
KEFU_LIST_PAGE_SIZE = env_int("KEFU_LIST_PAGE_SIZE", 25)
# Lists count matches up to this many ("more than 1,000"); keyword searches up to the second.
KEFU_LIST_COUNT_CAP = env_int("KEFU_LIST_COUNT_CAP", 1000)
KEFU_SEARCH_COUNT_CAP = env_int("KEFU_SEARCH_COUNT_CAP", 100)
# Queue tab counts are kept this long per user (their own changes count again at once).
KEFU_QUEUE_COUNT_SECONDS = env_int("KEFU_QUEUE_COUNT_SECONDS", 30)
# Web workers, opt-in: a young garbage-collector pass every this many new objects, applied by
# gunicorn's post_fork (config/gunicorn.conf.py, kefu/core/runtime.py); 0 keeps Python's defaults.
KEFU_GC_YOUNG_THRESHOLD = env_int("KEFU_GC_YOUNG_THRESHOLD", 0)

# One JSON object a line (time, level, logger, message, request_id…) for the log collector;
# KEFU_LOG_FORMAT=text for a developer's terminal.
KEFU_LOG_FORMAT = env_str("KEFU_LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kefu.core.observability.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "kefu.core.observability.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "text" if KEFU_LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# The outbox (kefu/outbox, docs/outbox.md): which transport sends each channel. The embedded
# default writes every channel as JSON lines under KEFU_VAR_DIR/outbox/; set KEFU_OUTBOX_EMAIL=smtp
# to send e-mail through EMAIL_HOST, and configure the SMS gateway or WeChat Work robots here.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "kefu@localhost")
OUTBOX_TRANSPORTS = {
    "email": {
        "BACKEND": "kefu.outbox.transports.SmtpTransport",
        "RATE": [env_int("KEFU_OUTBOX_EMAIL_PER_MINUTE", 600), 60],
    }
    if env_str("KEFU_OUTBOX_EMAIL", "file") == "smtp"
    else {"BACKEND": "kefu.outbox.transports.FileTransport"},
    "sms": {"BACKEND": "kefu.outbox.transports.FileTransport"},
    "wecom": {"BACKEND": "kefu.outbox.transports.FileTransport"},
    "file": {"BACKEND": "kefu.outbox.transports.FileTransport"},
}
# Seed 002: no SMS (nor calls) in the customer's rest hours; a message queued then waits for their end.
OUTBOX_QUIET_HOURS = [["12:00", "14:00"], ["21:00", "08:00"]]
OUTBOX_QUIET_CHANNELS = ["sms"]
OUTBOX_LEASE_SECONDS = env_int("KEFU_OUTBOX_LEASE_SECONDS", 300)  # a row left `sending` longer is reaped
OUTBOX_MAX_ATTEMPTS = env_int("KEFU_OUTBOX_MAX_ATTEMPTS", 5)
OUTBOX_RETRY_SECONDS = env_int("KEFU_OUTBOX_RETRY_SECONDS", 60)  # doubled after each failure
OUTBOX_RETRY_MAX_SECONDS = env_int("KEFU_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
