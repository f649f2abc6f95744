"""Kefu settings, read from the environment (see .env.example).

SQLite is the embedded default; set DATABASE_URL for PostgreSQL.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
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
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the background jobs write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

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
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "kefu" / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
    },
}

# Background work: "inline" runs service functions in-process (embedded default);
# "celery" queues them to Celery workers through Redis (scaled out).
KEFU_BACKGROUND = env_str("KEFU_BACKGROUND", "inline")
CELERY_BROKER_URL = env_str("REDIS_URL", "redis://localhost:6379/0")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_ALWAYS_EAGER = KEFU_BACKGROUND != "celery"

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
