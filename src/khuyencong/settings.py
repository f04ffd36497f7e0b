"""Settings, configured by environment variables (see README: "Cấu hình" / "Configuration").

DEBUG defaults to on for a developer's machine; production sets DEBUG=false, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL (PostgreSQL).
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("KHUYENCONG_HOME", PACKAGE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("KHUYENCONG_VAR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
_DEV_SECRET = "django-insecure-development-only-key-change-me-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",
    "simple_history",
    "django_tasks_db",
    "django_filters",
    "khuyencong.core",
    "khuyencong.geo",
    "khuyencong.accounts",
    "khuyencong.catalog",
    "khuyencong.establishments",
    "khuyencong.plans",
    "khuyencong.projects",
    "khuyencong.finance",
    "khuyencong.events",
    "khuyencong.reporting",
    "khuyencong.demo",
    "khuyencong.api",
    "khuyencong.ui",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khuyencong.core.locale.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "khuyencong.core.middleware.RefuseBadInput",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "khuyencong.core.middleware.LoginRequired",
    "khuyencong.core.middleware.AccessRefusals",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "khuyencong.urls"
WSGI_APPLICATION = "khuyencong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khuyencong.ui.context_processors.shell",
            ],
        },
    }
]

# Covering indexes (INCLUDE) exist on PostgreSQL only; on SQLite the same index is built without the
# included column, which is what we want there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- database: SQLite file in var/ by default, PostgreSQL through DATABASE_URL ---
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'khuyencong.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two users writing at once: each write transaction takes the database's write lock when it
    # begins (IMMEDIATE), so the second waits for the first to commit (up to `timeout` seconds) and
    # then reads what the first wrote — the same outcome as PostgreSQL's row locks (a clean 409, not
    # "database is locked"). WAL lets readers go on meanwhile.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # Tests on a file, as in production: an in-memory database shared between threads locks whole
    # tables ("database table is locked") instead of waiting, which is not what users meet.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", str(VAR_DIR / "test-khuyencong.sqlite3"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- users and security ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "khuyencong.accounts.backends.RoleBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Joining the browsers' HSTS preload list binds the whole parent domain and cannot be undone
        # quickly: the operator opts in with SECURE_HSTS_PRELOAD=true, so the reminder is silenced.
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (Django 6 built-in): everything is served from this origin.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- language, numbers, dates ---
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["khuyencong.formats"]

# --- static files: npm packages served from node_modules through WhiteNoise, no CDN ---
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # filled by collectstatic in production
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
NODE_MODULES = Path(os.environ.get("KHUYENCONG_NODE_MODULES", BASE_DIR / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("KHUYENCONG_MEDIA", VAR_DIR / "media"))  # outside the web root
# Uploaded dossier documents: never served from MEDIA_URL, only through the permission-checked view.
KHUYENCONG_UPLOAD_MAX_BYTES = int(os.environ.get("KHUYENCONG_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = KHUYENCONG_UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Bodies are refused by their declared length before they are read (core.middleware.RefuseBadInput):
# a multipart upload above the upload limit, any other body (JSON, a form) above this.
KHUYENCONG_BODY_MAX_BYTES = int(os.environ.get("KHUYENCONG_BODY_MAX_BYTES", 1024 * 1024))
# What an imported file may hold once opened (core.spreadsheets.ImportLimits): a workbook's unpacked
# size, rows per sheet (header included), columns, characters per cell; errors listed in full.
# An import file larger than this is checked and imported by the worker, with progress on its page.
KHUYENCONG_IMPORT_BACKGROUND_BYTES = int(os.environ.get("KHUYENCONG_IMPORT_BACKGROUND_BYTES", 300_000))
KHUYENCONG_IMPORT_MAX_BYTES = int(os.environ.get("KHUYENCONG_IMPORT_MAX_BYTES", 30 * 1024 * 1024))
KHUYENCONG_IMPORT_LIMITS = {
    "uncompressed": int(os.environ.get("KHUYENCONG_IMPORT_MAX_UNPACKED", 50 * 1024 * 1024)),
    "rows": int(os.environ.get("KHUYENCONG_IMPORT_MAX_ROWS", 100_002)),
    "columns": 50,
    "cell": 1000,
    "errors": 200,
}
# An establishment's profile warns when it gets machinery support again within this many years.
# A list export with more rows than this is made by the worker, with progress, instead of in the request.
EXPORT_BACKGROUND_ROWS = int(os.environ.get("KHUYENCONG_EXPORT_BACKGROUND_ROWS", 20_000))
KHUYENCONG_MACHINERY_REPEAT_YEARS = int(os.environ.get("KHUYENCONG_MACHINERY_REPEAT_YEARS", 3))

# --- logs: console and var/log/khuyencong.log ---
LOG_DIR = Path(os.environ.get("KHUYENCONG_LOG_DIR", VAR_DIR / "log"))
LOG_DIR.mkdir(parents=True, exist_ok=True)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
        "file": {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": LOG_DIR / "khuyencong.log",
            "maxBytes": 10 * 1024 * 1024,
            "backupCount": 5,
            "formatter": "plain",
            "encoding": "utf-8",
        },
    },
    "root": {"handlers": ["console", "file"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- API ---
NINJA_PAGINATION_PER_PAGE = 100

# --- background jobs: Django's Tasks API on the database (worker: `khuyencong db_worker`) ---
# Long exports run there; KHUYENCONG_TASKS=immediate runs them in the request instead (tests).
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("KHUYENCONG_TASKS") == "immediate"
        else "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
