"""Settings shared by every environment; everything that varies comes from the environment.

Unset, QCDC runs on SQLite in ``data/`` and a Celery broker that needs no server (kombu's
filesystem transport). With ``DATABASE_URL`` and ``REDIS_URL`` it runs on PostgreSQL and Redis.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(environ.Env().str("QCDC_DATA_DIR", default=str(BASE_DIR / "data")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env(DEBUG=(bool, False))

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env("DEBUG")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "qcdc.apps.LoginLocksConfig",
    "units",
    "directives",
    "reports",
    "registers",
    "evaluations",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qcdc.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "qcdc.middleware.PageMethodsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qcdc.middleware.IdleTimeoutMiddleware",
    "qcdc.middleware.NoStoreMiddleware",
    "qcdc.middleware.StatementTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a login refused for a lock into the lockout page
]

ROOT_URLCONF = "qcdc.urls"
WSGI_APPLICATION = "qcdc.wsgi.application"

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
                "units.context_processors.navigation",
            ],
        },
    },
]

WEB_STATEMENT_TIMEOUT = env.int("WEB_STATEMENT_TIMEOUT", default=10)  # seconds; 0: no limit
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'qcdc.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the Celery worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A server that accepts connections and never answers must not hold a process for ever.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    )
    # A web request may not hold a worker for long: in a web process (qcdc.wsgi marks it) the database
    # cancels any statement after WEB_STATEMENT_TIMEOUT seconds, and the user is asked to narrow the request
    # (qcdc.middleware.StatementTimeoutMiddleware). Workers and commands are not limited.
    if os.environ.get("QCDC_WEB_PROCESS") == "1" and WEB_STATEMENT_TIMEOUT > 0:
        DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={WEB_STATEMENT_TIMEOUT * 1000}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "units.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The first backend refuses a locked-out account or address before any password is hashed.
AUTHENTICATION_BACKENDS = ["qcdc.logins.ThrottledLoginBackend", "django.contrib.auth.backends.ModelBackend"]
# Logins (qcdc.logins): after LOGIN_FAILURE_LIMIT wrong passwords for one account from one address, after
# LOGIN_ADDRESS_FAILURE_LIMIT from one address over any accounts, or after LOGIN_ACCOUNT_FAILURE_LIMIT for
# one account from any addresses, that account and address, that address or that account is locked for
# LOGIN_LOCK_MINUTES (an administrator lifts a lock in the admin: Login locks → access attempts).
AXES_HANDLER = "qcdc.logins.LoginLockHandler"
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
LOGIN_ACCOUNT_FAILURE_LIMIT = env.int("LOGIN_ACCOUNT_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCK_MINUTES", default=15.0) / 60  # hours
# In the order of qcdc.logins.lock_limits.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
# Failures expire with the lock time only: were a good login to reset them, a guesser could log in to an
# account of their own between guesses and wipe the count of the address, the victim's included.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_SENSITIVE_PARAMETERS: list = []  # log lines name the username tried and the address (never the password)
AXES_LOCKOUT_CALLABLE = "qcdc.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qcdc.logins.client_ip"
# Addresses of the reverse proxies whose X-Forwarded-For is believed (e.g. nginx on 127.0.0.1).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["qcdc.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# Source maps are for the browser's developer tools only: compressing them (megabytes) made collectstatic slow.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_SIZE + 1024 * 1024
# Zip-based documents (DOCX, XLSX, ODT): most entries, and most bytes once unpacked, before anything is read.
ARCHIVE_MAX_ENTRIES = env.int("ARCHIVE_MAX_ENTRIES", default=1000)
ARCHIVE_MAX_UNCOMPRESSED = env.int("ARCHIVE_MAX_UNCOMPRESSED", default=100 * 1024 * 1024)
# A unit import is parsed cell by cell: its workbook is held to less.
IMPORT_MAX_UNCOMPRESSED = env.int("IMPORT_MAX_UNCOMPRESSED", default=30 * 1024 * 1024)

REDIS_URL = env.str("REDIS_URL", default="")
# The longest a web request waits for Redis (connecting, then each answer); also the reminders' publisher.
REMINDERS_BROKER_TIMEOUT = env.float("REMINDERS_BROKER_TIMEOUT", default=1.0)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REMINDERS_BROKER_TIMEOUT,
                "socket_timeout": REMINDERS_BROKER_TIMEOUT,
            },
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    BROKER_DIR = DATA_DIR / "broker"
    BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR),
        "data_folder_out": str(BROKER_DIR),
        "processed_folder": str(BROKER_DIR),
        # The broadcast (control) exchange too, or kombu writes a "control" folder in the current directory.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE: dict = {
    "reports.open-upcoming-periods": {"task": "reports.tasks.open_upcoming_periods", "schedule": 3600.0},
    # The database is the reminders' queue: each sweep writes the stages due and queues what is unsent.
    "reports.sweep-reminders": {
        "task": "reports.tasks.sweep_reminders",
        "schedule": env.float("REMINDERS_SWEEP_EVERY", default=300.0),
    },
    "reports.weekly-digest": {
        "task": "reports.tasks.send_weekly_digest",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
}
# Reminders: a claim older than this (seconds) belongs to a dead worker and is taken over; a queued row
# still unsent after REPUBLISH_AFTER is queued again; the web never waits longer than BROKER_TIMEOUT on Redis.
REMINDERS_CLAIM_TIMEOUT = env.int("REMINDERS_CLAIM_TIMEOUT", default=600)
REMINDERS_REPUBLISH_AFTER = env.int("REMINDERS_REPUBLISH_AFTER", default=900)
# An e-mail the mail server did not take is tried again after REMINDERS_RETRY_FIRST seconds, then after pauses
# doubled each time up to REMINDERS_RETRY_MAX, until the report is filed or REMINDERS_RETRY_DAYS have passed;
# the administrators are told once the mail server has failed everything for REMINDERS_OUTAGE_ALERT_AFTER.
REMINDERS_RETRY_FIRST = env.float("REMINDERS_RETRY_FIRST", default=60.0)
REMINDERS_RETRY_MAX = env.float("REMINDERS_RETRY_MAX", default=3600.0)
REMINDERS_RETRY_DAYS = env.float("REMINDERS_RETRY_DAYS", default=14.0)
REMINDERS_OUTAGE_ALERT_AFTER = env.float("REMINDERS_OUTAGE_ALERT_AFTER", default=3600.0)
# Links in e-mails are absolute: the address people open the site at. Every process reads it here: the
# environment's SITE_URL, else the address the development server (bin/run-dev, `make run`) last started on,
# which it records in the data folder so that a `manage.py send_reminders` run beside it links to it too.
SITE_URL_FILE = DATA_DIR / "site-url"


def _site_url() -> str:
    if given := env.str("SITE_URL", default=""):
        return given
    try:
        return SITE_URL_FILE.read_text(encoding="utf-8").strip() or "http://127.0.0.1:8000"
    except OSError:
        return "http://127.0.0.1:8000"


SITE_URL = _site_url()

# Unset: e-mails are printed on the console of the Celery worker (`make run`). Production: EMAIL_URL,
# e.g. smtp+tls://user:password@mail.example.vn:587 (or filemail:///path for a folder of .log files).
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# django-environ drops the leading "/" of filemail:///abs/path: an absolute folder is given here instead.
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=EMAIL_CONFIG.get("EMAIL_FILE_PATH") or str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="QCDC <qcdc@localhost>")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its "WWW-Authenticate: Token" makes a missing login a 401 rather than a 403.
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousThrottle", "api.throttling.UserThrottle"],
    "PAGE_SIZE": 50,
}
# API requests per address (no login) and per user. A wrong API token is a failed login of its address.
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="120/minute"),
    "user": env.str("API_THROTTLE_USER", default="1200/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QCDC API",
    "DESCRIPTION": (
        "Units, people, directives, tasks and reports of QCDC, under the same scope as the web pages: another "
        "unit's object is a 404, a change the user's role does not allow is a 403 with a message. Log in with "
        "the session of the web pages or with a token made on the profile page (/profile/). Messages are in "
        "Vietnamese unless the language cookie or Accept-Language asks for English. Every error has the body "
        "`{detail, code, errors}`."
    ),
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_throttling"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No call to the public validator: nothing of the documentation page may leave the server.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "ENUM_NAME_OVERRIDES": {
        "DisclosureFormEnum": "registers.models.Disclosure.Form",
        "CharterKindEnum": "registers.models.VillageCharter.Kind",
        "ConferenceKindEnum": "registers.models.Conference.Kind",
        "UnitKindEnum": "units.models.Unit.Kind",
        "BodyKindEnum": "units.models.Body.Kind",
        "MembershipRoleEnum": "units.models.BodyMembership.Role",
        "GrantRoleEnum": "units.models.RoleGrant.Role",
        "DirectiveStatusEnum": "directives.models.Directive.Status",
        "AssignmentRoleEnum": "directives.models.Assignment.Role",
        "AssignmentStatusEnum": "directives.models.Assignment.Status",
        "WatchStatusEnum": "directives.models.Watch.Status",
        "WatchOutcomeEnum": "directives.models.Watch.Outcome",
        "WatchActionKindEnum": "directives.models.WatchAction.Kind",
        "WatchEventKindEnum": "directives.models.WatchEvent.Kind",
        "WatchFilterEnum": "api.serializers.watches.WATCH_STATUSES",
        "VisitKindEnum": "api.serializers.watches.VISIT_KINDS",
        "EvaluationStatusEnum": "evaluations.models.Evaluation.Status",
        "CommendationFormEnum": "evaluations.models.Commendation.Form",
        "AssignableKindEnum": "api.serializers.directives.ASSIGNABLE_KIND_CHOICES",
        "TaskFilterEnum": "api.serializers.directives.TASK_STATUSES",
        "HealthStateEnum": "api.views.health.STATES",
        "ReportStatusEnum": "reports.models.obligations.Status",
        "ReportFormKindEnum": "reports.models.ReportForm.Kind",
        "ReportEventKindEnum": "reports.models.ReportEvent.Kind",
        "ObligationFilterEnum": "api.serializers.reports.OBLIGATION_FILTERS",
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

CSRF_FAILURE_VIEW = "qcdc.errors.csrf_failure"
# A session unused this long (seconds) is logged out: by default an office day, 9 hours.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=9 * 3600)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Everything from this server only; no inline script, handler or style attribute anywhere (behaviour lives
# in static files). Uploaded files are served with their own, stricter policy (directives.uploads.download).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
