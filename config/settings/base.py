"""Settings shared by every environment. Environment variables are read once, here, with django-environ."""

from datetime import timedelta
from pathlib import Path

import environ
import pghistory
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "import_export",
    "pgtrigger",
    "pghistory",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "core",
    "ngos",
    "children",
    "meetings",
    "reports",
    "imports",
    "demo",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

MIDDLEWARE = [
    "core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.PersianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's; sessions signed in through its ModelBackend carry on (core/backends.py).
    "core.middleware.AuthenticationMiddleware",
    "core.middleware.SessionTimeoutMiddleware",
    # Sets request.user.is_verified(): whether this session confirmed a one-time code (AU-03).
    "core.middleware.OTPMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # After the password, those who need the second factor see only its pages until verified.
    "core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    "core.middleware.AuditContextMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last: it calls the view itself, after every other view hook ran (core/replica.py).
    "core.replica.ReplicaReadsMiddleware",
]

# Django's cookie-then-session storage, its cookie signer made once per key (core/messages.py).
MESSAGE_STORAGE = "core.messages.MessageStorage"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.access",
            ],
        },
    },
]

# Django's form renderer with selects written in Python (core/forms_renderer.py, issue 21).
FORM_RENDERER = "core.forms_renderer.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/koodak")}
# Reconnect after a PostgreSQL restart without restarting the web process (RE-05).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Django's PostgreSQL backend, whose health check asks the server (SELECT 1) only when the
# connection may be broken: the socket tells without a round trip (core/database/base.py).
DATABASE_ENGINE = "core.database"
DATABASES["default"]["ENGINE"] = DATABASE_ENGINE
# Name search uses pg_trgm's `%>` operator; 0.4 (not the default 0.6) lets short misspelled
# Persian names match while the trigram index still serves the query.
TRIGRAM_OPTIONS = "-c pg_trgm.word_similarity_threshold=0.4 -c pg_trgm.similarity_threshold=0.3"
DATABASES["default"].setdefault("OPTIONS", {})["options"] = TRIGRAM_OPTIONS


# --- Database roles (LG-03) -----------------------------------------------------------------------
# DATABASE_URL is the application's role, which owns nothing (core/dbroles.py, ADR 0026). Give
# DATABASE_OWNER_URL only to the migration step: a process that has it connects as the tables'
# owner, and `migrate` then (re)grants the application role named by DATABASE_URL its rights.
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")


def split_database_roles(databases):
    """Remember the application role of `databases`; connect as the owner if one is set."""
    app = databases["default"]
    role = {"USER": app.get("USER", ""), "PASSWORD": app.get("PASSWORD", "")}
    if DATABASE_OWNER_URL:
        owner = env.db_url_config(DATABASE_OWNER_URL)
        databases["default"] = {
            **app,
            **{key: owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")},
        }
    return role


DATABASE_APP_ROLE = split_database_roles(DATABASES)

# --- Read replica (docs/adr/0040) ------------------------------------------------------------------
# With DATABASE_REPLICA_URL set, dashboards, exports and report builds read from a streaming replica
# of the primary; writes and the pages of one case stay on the primary (core/replica.py).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
DATABASE_REPLICA = "replica" if DATABASE_REPLICA_URL else ""


def add_replica(databases):
    """The `replica` connection, when DATABASE_REPLICA_URL names one (production calls it too)."""
    if DATABASE_REPLICA_URL:
        databases["replica"] = {
            **env.db_url_config(DATABASE_REPLICA_URL),
            "ENGINE": DATABASE_ENGINE,
            "CONN_MAX_AGE": databases["default"]["CONN_MAX_AGE"],
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {"options": TRIGRAM_OPTIONS},
            # Under the tests the alias is the test database itself, through its own connection.
            "TEST": {"MIRROR": "default"},
        }


add_replica(DATABASES)
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Views whose reads go to the replica: aggregates and exports, never a page right after a write.
REPLICA_READ_VIEWS = frozenset(
    {
        "reports:national_dashboard",
        "reports:national_export",
        "reports:organisation_dashboard",
        "children:case_export_xlsx",
        "children:case_export_csv",
        "api:aggregates",
    }
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Redis down: cached figures miss and the pages compute them from the database (RE-04).
    CACHES = {"default": {"BACKEND": "core.cache.ForgivingRedisCache", "LOCATION": REDIS_URL}}
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 1, "socket_timeout": 2}
else:
    # Only for `make run` on a machine without redis-server; production requires REDIS_URL.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = Path(
        env("CELERY_FILESYSTEM_BROKER_DIR", default=str(BASE_DIR / ".local/celery-broker"))
    )
    for _sub in ("out", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
    }
else:
    # Redis hands an unacknowledged task to another worker after this long (one hour by default).
    # Short, so a job whose worker was killed whole runs again within minutes (RE-07); every
    # job is safe to repeat and a long one that is still alive holds a lease (core.leases), so
    # its redelivered copy steps aside. Mail retries wait less than this (core.mail).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
# Jobs are written to be safe to repeat; redeliver them if a worker dies mid-way.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Tehran"
# One beat at a time: a second one stands by on a PostgreSQL advisory lock (core/beat.py).
CELERY_BEAT_SCHEDULER = "core.beat.SingleBeatScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Every periodic job, in one place. Beat runs as its own process (never `worker -B`).
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE = {
    # Every night at 03:30 Tehran time: remove expired sessions so the table stays small.
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=30),
    },
    # Every day at 05:00 Tehran time: stamp follow-ups that became overdue overnight.
    "mark-overdue-follow-ups": {
        "task": "children.tasks.mark_overdue_follow_ups",
        "schedule": crontab(hour=5, minute=0),
    },
    # Every day at 06:30 Tehran time, before the working day: one digest mail per caseworker.
    "send-daily-digests": {
        "task": "children.tasks.send_daily_digests",
        "schedule": crontab(hour=6, minute=30),
    },
    # Every day at 08:00 Tehran time, as offices open: remind receiving organisations' managers
    # of referrals not answered within REFERRAL_ANSWER_DAYS (each referral once).
    "send-referral-reminders": {
        "task": "children.tasks.send_referral_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # Every day at 08:05 Tehran time: tell sending organisations' managers of referrals still
    # unanswered REFERRAL_ESCALATION_DAYS after the receiver was reminded (each referral once).
    "escalate-referrals": {
        "task": "children.tasks.escalate_referrals",
        "schedule": crontab(hour=8, minute=5),
    },
    # Every day at 08:15 Tehran time: remind lead organisations' managers of working-group
    # resolutions past their due date (each resolution once per due date).
    "send-overdue-resolution-reminders": {
        "task": "meetings.tasks.send_overdue_resolution_reminders",
        "schedule": crontab(hour=8, minute=15),
    },
    # Every 15 minutes: rebuild the summary tables the ministry dashboard reads.
    "refresh-dashboard-summaries": {
        "task": "reports.tasks.refresh_summaries",
        "schedule": crontab(minute="*/15"),
    },
    # Every day at 01:30 Tehran time: build the reports whose period ended — the weekly backlog
    # of each organisation after Friday, the monthly referral and resolution reports after the
    # last day of a Jalali month, the quarterly national summary after a Jalali quarter. A
    # report that already exists is left alone, so a missed night is caught up the next one.
    "build-due-reports": {
        "task": "reports.tasks.build_due_reports",
        "schedule": crontab(hour=1, minute=30),
    },
}

# --- Outbox, leases and stuck work (RE-04, RE-07) ------------------------------------------
# Tasks are written to an outbox table with the work and sent after commit; a broker that does
# not answer within this many seconds leaves them to the relay (a page never waits longer).
OUTBOX_BROKER_TIMEOUT = env.float("OUTBOX_BROKER_TIMEOUT", default=2.0)
# Sent messages are kept this long (the stuck-work sweep reads when a job was last queued).
OUTBOX_KEEP_DAYS = env.int("OUTBOX_KEEP_DAYS", default=7)
# A long job renews its lease every third of this; a killed worker's lease expires after it.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=90)
# An import or report build still queued or running this long with no live worker is queued
# again by the sweep.
STUCK_WORK_MINUTES = env.int("STUCK_WORK_MINUTES", default=5)
CELERY_BEAT_SCHEDULE |= {
    # Every minute: send the tasks that could not be sent when their change was committed.
    "relay-outbox": {"task": "core.tasks.relay_outbox", "schedule": 60.0},
    # Every two minutes: queue again the imports and report builds whose worker is gone.
    "sweep-stuck-work": {"task": "core.tasks.sweep_stuck_work", "schedule": 120.0},
}

# --- Case work ---------------------------------------------------------------------------
# Days a receiving organisation has to answer a referral before it is overdue.
REFERRAL_ANSWER_DAYS = env.int("REFERRAL_ANSWER_DAYS", default=7)
# Days after the answer date (the receiver's managers were reminded then) before the sending
# organisation's managers are told that a referral is still unanswered (docs/adr/0039).
REFERRAL_ESCALATION_DAYS = env.int("REFERRAL_ESCALATION_DAYS", default=5)
# An accepted referral shows on "My work" as due this many days before its completion date.
REFERRAL_COMPLETION_SOON_DAYS = env.int("REFERRAL_COMPLETION_SOON_DAYS", default=7)
# A case with no contact for this many days shows on "My work".
CASE_UNSEEN_DAYS = env.int("CASE_UNSEEN_DAYS", default=30)
# A child's document expiring within this many days shows on "My work" and in the digest.
DOCUMENT_EXPIRY_DAYS = env.int("DOCUMENT_EXPIRY_DAYS", default=60)

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "core.backends.LockoutBackend",  # django-axes, hashing even when locked (AU-05)
    # Django's ModelBackend, reading a request's user with what every page needs in one query.
    "core.backends.SignedInUserBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Argon2 for new hashes; the others stay so that older hashes still verify and upgrade at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Length and blocklists, no composition rules (AU-02, following NIST 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60  # a reset link works for one hour, once

# Lockout per username + IP: NGO offices share one address (docs/security.md AU-01).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.auth.lockout_response"
AXES_VERBOSE = False

# --- Rate limits and the client address (RL-01, AU-05, docs/adr/0025) ----------------------
# Reverse proxies in front of the app that append to X-Forwarded-For; 0 = the peer is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"
# "count/period", period in s, m, h or d, optionally multiplied ("20/15m"); counted in the default
# cache by django-ratelimit. Sign-in counts failures only; the others count every request.
RATE_LIMITS = {
    "sign_in_address": env("RATE_LIMIT_SIGN_IN_ADDRESS", default="20/15m"),
    "sign_in_username": env("RATE_LIMIT_SIGN_IN_USERNAME", default="10/15m"),
    "password_reset_address": env("RATE_LIMIT_PASSWORD_RESET_ADDRESS", default="5/h"),
    "password_reset_account": env("RATE_LIMIT_PASSWORD_RESET_ACCOUNT", default="3/h"),
    "search": env("RATE_LIMIT_SEARCH", default="30/m"),
    "picker": env("RATE_LIMIT_PICKER", default="40/m"),
    "export": env("RATE_LIMIT_EXPORT", default="10/10m"),
    "import": env("RATE_LIMIT_IMPORT", default="10/h"),
    # Every API request, per token (or per user for the app's session) (RL-01, AC-11).
    "api": env("RATE_LIMIT_API", default="600/m"),
}
RATELIMIT_USE_CACHE = "default"
RATELIMIT_FAIL_OPEN = True  # a broken cache lets requests through (core/ratelimits.py logs it)

# Django's database sessions, read without building a queryset each request (core/sessions.py).
SESSION_ENGINE = "core.sessions"
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env.int("SESSION_MAX_HOURS", default=10))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# --- Security headers (CF-01) -------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Timestamps are stored in UTC; Tehran is the zone people read them in.
TIME_ZONE = "Asia/Tehran"

# --- Static and media ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# With S3_BUCKET set, uploads, meeting documents, report files and import files go to that bucket
# of an S3-compatible store (MinIO, or any S3), so several web and worker machines share them
# without a shared disk (docs/adr/0041). Credentials: S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY, or
# boto3's own (environment, instance role).
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    from core.storage import s3_storage  # noqa: E402

    STORAGES["default"] = s3_storage(
        bucket=S3_BUCKET,
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
        access_key=env.str("S3_ACCESS_KEY_ID", default=""),
        secret_key=env.str("S3_SECRET_ACCESS_KEY", default=""),
    )

# --- Email ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="no-reply@koodak.invalid")

# --- History and audit ----------------------------------------------------------------------
PGHISTORY_DEFAULT_TRACKERS = None  # set per model with @pghistory.track(...)
# History rows are read by object and by context only: the foreign keys they copy from the
# tracked model are not indexed (each index costs every write, bulk imports most of all).
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_CONTEXT_FIELD = pghistory.ContextForeignKey(db_index=True)
# Errors must not carry children's data into logs or mails (LG-02).
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.logging.RedactingExceptionReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "core.logging.RequestIdFilter"},
        # No query string (search words, filters) or database key value in any line (LG-04).
        "no_query": {"()": "core.logging.NoQueryStringFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id", "no_query"],
        },
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {
            "handlers": ["console"],
            "level": env("DJANGO_LOG_LEVEL", default="INFO"),
            "propagate": False,
        },
        # runserver's request log, through the filtered handler instead of Django's own (LG-04).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Backups and retention (RE-06, RT-01) ----------------------------------------------------
# `make backup` writes one dated folder here (core/backup.py); keep it off the database's disk.
BACKUP_DIR = Path(env("BACKUP_DIR", default=str(BASE_DIR / ".local/backups")))
# Retention (docs/adr/0028): a closed case is anonymised once it has been closed this many years
# AND the child is past 18 plus this margin. The nightly job only reports (a dry run) until
# RETENTION_ANONYMISE is true; `manage.py anonymise_cases --dry-run` lists what it would do.
RETENTION_YEARS_AFTER_CLOSURE = env.int("RETENTION_YEARS_AFTER_CLOSURE", default=5)
RETENTION_YEARS_AFTER_18 = env.int("RETENTION_YEARS_AFTER_18", default=2)
RETENTION_ANONYMISE = env.bool("RETENTION_ANONYMISE", default=False)
# An import's stored file and its row details (typed cells, changes) are removed this many days
# after the job finished (imports/retention.py); the job's counts stay.
IMPORT_FILES_KEEP_DAYS = env.int("IMPORT_FILES_KEEP_DAYS", default=30)
CELERY_BEAT_SCHEDULE["purge-old-import-files"] = {
    "task": "imports.tasks.purge_old_import_files",
    "schedule": crontab(hour=2, minute=15),
}
CELERY_BEAT_SCHEDULE["escalate-report-alerts"] = {
    # Every 15 minutes: duty-to-report alerts unacknowledged after 24 hours go to the
    # organisation's other managers (docs/adr/0036-duty-to-report.md).
    "task": "children.tasks.escalate_report_alerts",
    "schedule": crontab(minute="*/15"),
}
CELERY_BEAT_SCHEDULE["anonymise-expired-cases"] = {
    # Every day at 02:45 Tehran time, after the night's reports: the retention rule (RT-01).
    "task": "children.tasks.anonymise_expired_cases",
    "schedule": crontab(hour=2, minute=45),
}
CELERY_BEAT_SCHEDULE["recheck-labour-flags"] = {
    # Every day at 00:20 Tehran time: the Labour Law flags of children who turned 15 or 18
    # today (docs/adr/0035), before the summaries and the day's lists read them.
    "task": "children.tasks.recheck_labour_flags",
    "schedule": crontab(hour=0, minute=20),
}
# --- Second factor (AU-03, AC-10; ADR 0024) ------------------------------------------------
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = env("OTP_ISSUER", default="Koodak")
# Each wrong code doubles the wait before the next try (1, 2, 4, 8 ... seconds) on that device.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The demo's fixed TOTP key and `demo_code` work only with this on (or DEBUG); never in production.
DEMO_SECOND_FACTOR = env.bool("DEMO_SECOND_FACTOR", default=False)

# --- The JSON API (issue 19, docs/adr/0031-api.md, AC-11) -----------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.base.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Koodak API",
    "DESCRIPTION": "Cases, referrals, the directory and aggregate figures for partner systems.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Swagger UI from this server's own static files: the CSP allows only 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "children.models.choices.CaseStatus",
        "FollowUpStatusEnum": "children.models.choices.FollowUpStatus",
        "ResolutionStatusEnum": "meetings.models.Resolution.Status",
    },
}

# The offline app (RE-08; children/sync): its two endpoints use the pages' session and CSRF (the
# REST_FRAMEWORK block above); the release name goes into the service worker's cache name.
OFFLINE_RELEASE = env("RELEASE", default="")
