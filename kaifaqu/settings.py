"""Kaifaqu settings. Everything that differs between machines comes from environment variables.

KFQ_SECRET_KEY     secret key (required when KFQ_DEBUG is off and no var/secret_key file exists)
KFQ_DEBUG          1 to turn on Django's debug mode (never in production)
KFQ_ALLOWED_HOSTS  comma-separated host names (default: localhost,127.0.0.1)
DATABASE_URL       e.g. postgres://user@127.0.0.1:5432/kaifaqu; SQLite file var/kaifaqu.sqlite3 when unset
KFQ_VAR_DIR        where the SQLite file, secret key and uploads live (default: ./var)
KFQ_HTTPS          1 when served over HTTPS only: redirect HTTP, HSTS (KFQ_HSTS_SECONDS, default one year;
                   KFQ_HSTS_PRELOAD=1 to ask for the preload list), secure cookies
KFQ_BEHIND_PROXY   1 when a reverse proxy terminates TLS and sets X-Forwarded-Proto (trusted for HTTPS)
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KFQ_VAR_DIR", BASE_DIR / "var"))


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("KFQ_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KFQ_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("KFQ_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "kaifaqu.core",
    "kaifaqu.accounts",
    "kaifaqu.zones",
    "kaifaqu.enterprises",
    "kaifaqu.projects",
    "kaifaqu.approvals",
    "kaifaqu.promotion",
    "kaifaqu.assessment",
    "kaifaqu.land",
    "kaifaqu.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaifaqu.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kaifaqu.core.middleware.ChangeContextMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaifaqu.urls"
WSGI_APPLICATION = "kaifaqu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kaifaqu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaifaqu.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'kaifaqu.sqlite3'}",
        conn_max_age=int(os.environ.get("KFQ_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a writer (an import) is running.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Repeated failed logins: 5 failures for one user name from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("KFQ_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("KFQ_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if _env_bool("KFQ_HTTPS"):
    # Served over HTTPS only: plain HTTP is redirected, browsers are told to use HTTPS for a year (HSTS,
    # subdomains included), cookies travel only over HTTPS.
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("KFQ_HSTS_SECONDS", str(365 * 24 * 60 * 60)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Asking for the browsers' preload list cannot be undone quickly and binds every subdomain of the
    # domain: the operator opts in; until then the check that recommends it is silenced on purpose.
    SECURE_HSTS_PRELOAD = _env_bool("KFQ_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if _env_bool("KFQ_BEHIND_PROXY"):
        # TLS ends at a reverse proxy that sets X-Forwarded-Proto (and strips it from clients' requests):
        # without this every request would look like plain HTTP and be redirected forever.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "kaifaqu" / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kaifaqu.core.drf.ScopedPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "kaifaqu.core.drf.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaifaqu 开发区管理平台 API",
    "DESCRIPTION": "Scoped REST API of the development-zone platform. Money in 万元, areas in 亩.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Two models share the field name "category" with the same choices (a zone's and a scheme's): one enum.
    "ENUM_NAME_OVERRIDES": {
        "ZoneCategoryEnum": "kaifaqu.zones.models.ZoneCategory",
        "ZoneLevelEnum": "kaifaqu.zones.models.ZoneLevel",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KFQ_LOG_LEVEL", "WARNING")},
}

FILTERS_EMPTY_CHOICE_LABEL = _("全部")

# Business settings (defaults from the domain rules; administrators may override by environment).
KFQ_PAGE_SIZE = 50
KFQ_IMPORT_MAX_ROWS = int(os.environ.get("KFQ_IMPORT_MAX_ROWS", "50000"))
# Bounds on an uploaded workbook, checked before it is read (core/xlsxread.py): columns, cells of the
# sheet's grid, XML inflated in total, and how many times a part may inflate (zip bombs).
KFQ_IMPORT_MAX_COLUMNS = int(os.environ.get("KFQ_IMPORT_MAX_COLUMNS", "200"))
KFQ_IMPORT_MAX_CELLS = int(os.environ.get("KFQ_IMPORT_MAX_CELLS", "2000000"))
KFQ_IMPORT_MAX_UNZIPPED_MB = int(os.environ.get("KFQ_IMPORT_MAX_UNZIPPED_MB", "128"))
KFQ_IMPORT_MAX_ZIP_RATIO = int(os.environ.get("KFQ_IMPORT_MAX_ZIP_RATIO", "100"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
# A month's investment report locks on this day of the next month (domain.md: default the 5th).
KFQ_REPORT_LOCK_DAY = int(os.environ.get("KFQ_REPORT_LOCK_DAY", "5"))
# A procedure is "due soon" when this many working days or fewer remain.
KFQ_DUE_SOON_DAYS = int(os.environ.get("KFQ_DUE_SOON_DAYS", "3"))
# A lead with no follow-up for this many days is flagged to its owner.
KFQ_LEAD_STALE_DAYS = int(os.environ.get("KFQ_LEAD_STALE_DAYS", "30"))
# The demo database says so on every page (set by the run command).
KFQ_DEMO = _env_bool("KFQ_DEMO")
# The office that issues the monthly bulletin (its red 版头 and 落款), province and city; a bulletin may name another.
KFQ_BULLETIN_AUTHORITY = os.environ.get("KFQ_BULLETIN_AUTHORITY", "山西省开发区建设工作领导小组办公室")
KFQ_BULLETIN_CITY_AUTHORITY = os.environ.get("KFQ_BULLETIN_CITY_AUTHORITY", "{city}开发区建设工作领导小组办公室")
# 抄送 of a bulletin when none is entered.
KFQ_BULLETIN_COPY_TO = os.environ.get("KFQ_BULLETIN_COPY_TO", "省委办公厅，省政府办公厅，省直有关部门")
# List exports larger than this run as background jobs (the page shows progress, the file waits).
KFQ_SYNC_EXPORT_ROWS = int(os.environ.get("KFQ_SYNC_EXPORT_ROWS", "5000"))
# Imports larger than this (bytes) are checked and written by a background job.
KFQ_SYNC_IMPORT_BYTES = int(os.environ.get("KFQ_SYNC_IMPORT_BYTES", str(512 * 1024)))
# Shared by every web worker (the public progress query's failure counter must not be per process).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "kfq_cache"}}
# Background jobs: the process running a job writes its heartbeat this often (seconds); a running job
# whose heartbeat is older than the stale limit lost its worker and is retried once, then failed.
KFQ_JOB_HEARTBEAT_SECONDS = float(os.environ.get("KFQ_JOB_HEARTBEAT_SECONDS", "5"))
KFQ_JOB_STALE_SECONDS = float(os.environ.get("KFQ_JOB_STALE_SECONDS", "30"))
