"""Settings shared by every environment.

Every environment variable Thesaban reads is read here, once, with its type and default.
The dev, test and production modules only change what differs.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


# --- The environment -------------------------------------------------------------------
SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
VAR_DIR = Path(env_str("THESABAN_VAR_DIR", str(BASE_DIR / "var")))
MEDIA_ROOT = env_str("MEDIA_ROOT", str(VAR_DIR / "media"))
STATIC_ROOT = env_str("STATIC_ROOT", str(VAR_DIR / "static"))
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds an anonymous page stays in the page cache; publishing clears it at once anyway.
PAGE_CACHE_SECONDS = int(env_str("PAGE_CACHE_SECONDS", "600"))
# Web operators, IT administrators and superusers must sign in with a TOTP code. Only the demo
# turns this off (dev.py); production refuses to start without it.
THESABAN_REQUIRE_TOTP = env_bool("THESABAN_REQUIRE_TOTP", True)
# Bangkok time of the daily site check (announcement 3.2), HH:MM; "off" for none.
THESABAN_SITE_CHECK_AT = env_str("THESABAN_SITE_CHECK_AT", "06:00")
# Working days an item may wait for a reviewer before the site check reports it.
THESABAN_WORKFLOW_MAX_WORKING_DAYS = int(env_str("THESABAN_WORKFLOW_MAX_WORKING_DAYS", "3"))

# --- Applications ----------------------------------------------------------------------
INSTALLED_APPS = [
    "thesaban.core",
    "thesaban.accounts",
    "thesaban.pages",
    "thesaban.publishing",
    "thesaban.monitoring",
    "thesaban.reports",
    # The demo municipality (`load_demo`): may import every app, nothing imports it.
    "thesaban.demo",
    "wagtail.contrib.forms",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's user screens, limited for the IT administrator (accounts/views/users.py).
    "thesaban.accounts.apps.WagtailUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: a cached page is answered before any other middleware runs. The cached response
    # already carries the security headers it was rendered with, and the cache key includes
    # the scheme, so plain-HTTP requests still reach SecurityMiddleware's HTTPS redirect.
    "thesaban.core.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too (an SVG can hold a script).
    "thesaban.core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "thesaban.core.page_cache.SiteCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Admin pages wait until the TOTP code and a first-login password change are done.
    "thesaban.accounts.middleware.SignInStepMiddleware",
    # An admin address naming another municipality's record answers 404 (accounts.access).
    "thesaban.accounts.middleware.MunicipalityGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 410 with a Thai page for an item whose publication window has ended; before Wagtail's
    # redirects so that a redirect set up for the old address still wins.
    "thesaban.publishing.middleware.ExpiredPageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: turns a lockout into its (Thai) 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "thesaban.urls"
WSGI_APPLICATION = "thesaban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database --------------------------------------------------------------------------
if not DATABASE_URL:
    # The zero-set-up default: a SQLite file under var/, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}", conn_max_age=600
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the background worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# Reconnecting (and re-running SQLite's PRAGMAs) costs milliseconds on every request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Caches ----------------------------------------------------------------------------
# "pages" holds whole anonymous responses; it must be shared by every worker process so that
# publishing clears it for all of them at once: Redis when configured, else files on disk.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "pages",
        },
        "renditions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "renditions",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "default"),
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache" / "pages"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        },
        # Wagtail writes a rendition to its cache on every {% image %}; a file cache would
        # write (and list its directory) each time. A rendition never changes, so each
        # process may keep its own.
        "renditions": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "renditions",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

# --- Background tasks ------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Authentication --------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# django-axes first: it refuses a locked-out account before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The name staff see for the account in their authenticator app.
OTP_TOTP_ISSUER = "Thesaban"
# Five wrong passwords or codes for one account from one address lock that pair for 15
# minutes; wrong tries during the lockout do not extend it, so the page can say when it ends.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "thesaban.accounts.views.sign_in.locked_out"

# --- Content-Security-Policy (thesaban/core/csp.py) -------------------------------------
# The public site: only its own files, nothing inline. JSON-LD is a data block, not a script
# (browsers never run it), so `script-src` does not apply to it and it needs no nonce.
_OWN_FILES_ONLY = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF],
    "font-src": [SELF],
    "connect-src": [SELF],
    "media-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    # Wagtail's preview shows the page in a frame of the admin (X_FRAME_OPTIONS, the same).
    "frame-ancestors": [SELF],
}
CONTENT_SECURITY_POLICY = {"DIRECTIVES": _OWN_FILES_ONLY}
# /admin/ and /django-admin/: Wagtail's admin writes inline scripts (inline panels, date
# pickers, chooser modals) and inline styles; an upload's preview is a blob: URL; the
# dashboard asks releases.wagtail.org whether an upgrade is out. Previews are frames of this
# site, which default-src allows. The least that works: pages/tests/test_admin_csp_browser.py
# fails without any one of these.
THESABAN_STAFF_CSP = {
    **_OWN_FILES_ONLY,
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "blob:"],
    "connect-src": [SELF, "https://releases.wagtail.org"],
}
# Staff avatars from gravatar.com would tell a third party who works in the admin, and need
# the policy to allow it: Wagtail's own default avatar instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- Language and time -----------------------------------------------------------------
LANGUAGE_CODE = "th"
LANGUAGES = [("th", "ไทย")]
WAGTAILADMIN_PERMITTED_LANGUAGES = [("th", "ไทย"), ("en", "English")]
WAGTAIL_CONTENT_LANGUAGES = [("th", "ไทย")]
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PROJECT_DIR / "locale"]

# --- Static and media files ------------------------------------------------------------
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_URL = "/static/"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A citizen's phone on a slow link should not have to fetch a 100 MB scan.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ods",
    "odt",
    "csv",
    "zip",
    "jpg",
    "png",
]

# --- Wagtail ---------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Thesaban"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = False
# Wagtail's database backend, given only the words of a query (quotes broke SQLite's).
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "thesaban.core.search_backend"}}
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# Only the workflow publishes, after checking three distinct people (thesaban.publishing).
WAGTAIL_FINISH_WORKFLOW_ACTION = "thesaban.publishing.workflow.publish_after_three_people"
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# --- Mail ------------------------------------------------------------------------------
EMAIL_SUBJECT_PREFIX = "[Thesaban] "

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "thesaban": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
WAGTAILIMAGES_IMAGE_MODEL = "core.SiteImage"
WAGTAILDOCS_DOCUMENT_MODEL = "core.SiteDocument"
