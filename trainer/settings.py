"""One settings file, driven by environment variables.

Local use needs none of them: SQLite, DEBUG on, a development secret key, no
Redis (sessions in the database, limits counted per process). Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL
(deploy/trainer.env.example lists them all); leaving SECRET_KEY out with DEBUG
off is refused at start-up, and SQLite or no Redis with DEBUG off fail
`manage.py check` unless explicitly allowed (trainer/ops/checks.py).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from trainer.env import env_bool, env_int

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"
if not DEBUG and "CHANGE-ME" in SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is still the example's (deploy/trainer.env.example): "
                               "set a random one.")

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
                 if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "rules",
    "django_htmx",
    "template_partials",
    "trainer.catalog",
    "trainer.accounts",
    "trainer.walkthrough",
    "trainer.lab",
    "trainer.quizzes",
    "trainer.classes",
    "trainer.progress",
    "trainer.tools",
    "trainer.ops",
    "trainer.web",
    "trainer.panel",
    "trainer.drafts",
    "trainer.playground",
    "trainer.sharing",
]

MIDDLEWARE = [
    # Probes answer before host checks and HTTPS redirects: kubelet asks by the pod's IP over HTTP.
    "trainer.ops.middleware.HealthCheckMiddleware",
    "trainer.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads request.POST (CSRF does): a body Django cannot decode is a 400 here.
    "trainer.ops.middleware.Utf8BodyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "trainer.ops.middleware.OutageMiddleware",
]

ROOT_URLCONF = "trainer.urls"
WSGI_APPLICATION = "trainer.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trainer.web.context.content",
                "trainer.classes.context.classwork",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 0),
        # A kept connection is checked before each request, so a restarted PostgreSQL costs no errors.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait their turn instead of failing with "database is locked": WAL lets
    # readers run beside a writer, IMMEDIATE takes the write lock when a transaction starts (a
    # deferred one fails, without waiting, when it later tries to upgrade), and the busy timeout waits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
    # Tests share one file, not an in-memory database, so that threads meet real file locks; one
    # per test run (process), so that two runs in one checkout do not write into each other's.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-db-{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Fail fast when PostgreSQL is down, so the outage page comes quickly.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)

# Redis holds the sessions, the rate-limit counters and the sign-in lockouts, shared by every app
# instance; the walkthrough keeps working from it while the database is away. Without REDIS_URL
# (development): sessions in the database and counters per process.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "trainer"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # axes warns that a per-process cache does not share lockouts between processes: true, and
    # production is refused without Redis (ops.E002), so development need not hear it.
    SILENCED_SYSTEM_CHECKS = ["axes.W001"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username or address is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: hashed names (cached for a year by WhiteNoise) and gzip/brotli copies, made by
    # collectstatic. Development serves the files as they are, so an edit shows at once.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy in production: redirect to HTTPS and send HSTS when asked to.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front append to X-Forwarded-For (nginx: 1); 0 trusts only REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_FAILURE_VIEW = "trainer.ops.errors.csrf_failure"

# No inline script or style anywhere: every script is a file under static/, htmx runs without eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Sign-in lockout (django-axes), counted in the shared cache: per username and per address, the
# admin's sign-in included. Locked attempts are refused before a password is hashed.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "trainer.ops.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "trainer.ops.errors.locked_out"
AXES_VERBOSE = False  # the lockout is logged once by our own handler, not per attempt

# Rate limits (trainer/ops/ratelimit.py): RATE_LIMITS=0 turns them off (benchmarks of the engine
# alone); RATE_LIMIT_IP_FACTOR scales the per-address ceilings (a class behind one NAT address).
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS", True)
# Production refuses SQLite and a per-process cache (trainer/ops/checks.py) unless these say otherwise.
ALLOW_SQLITE = env_bool("ALLOW_SQLITE", False)
ALLOW_LOCAL_CACHE = env_bool("ALLOW_LOCAL_CACHE", False)
RATE_LIMIT_IP_FACTOR = env_int("RATE_LIMIT_IP_FACTOR", 1)

# What an anonymous learner may keep in the session, and graded attempts kept per exercise.
ANONYMOUS_LAB_BYTES = env_int("ANONYMOUS_LAB_BYTES", 192 * 1024)
LAB_ATTEMPTS_KEPT = env_int("LAB_ATTEMPTS_KEPT", 50)
# Drafts (the latest text typed at each stage and in the playground) an anonymous session keeps.
ANONYMOUS_DRAFT_BYTES = env_int("ANONYMOUS_DRAFT_BYTES", 192 * 1024)
# Share links live this long; the scheduled clean-up deletes older ones.
SHARE_LINK_DAYS = env_int("SHARE_LINK_DAYS", 180)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Where the content lives (lessons, exercises, quiz bank).
LESSONS_DIR = Path(os.environ.get("LESSONS_DIR", BASE_DIR / "lessons"))

# The engine's input limits (NETPOL_WEB_MAX_BYTES, ...) are read from the environment
# by trainer/limits.py, so that `manage.py netpol` can use them before Django starts.

# One line per event, with the time, level, request id and user id: JSON in production (a
# traceback is a field of its line), text in development.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "trainer.ops.logs.RequestContextFilter"},
                "outage": {"()": "trainer.ops.logs.OutageFilter"}},
    "formatters": {
        "json": {"()": "trainer.ops.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s user=%(user_id)s] "
                           "%(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request", "outage"],
                             "formatter": os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        # The request logger repeats what the handler already logged with the traceback.
        "django.request": {"level": "ERROR"},
    },
}
AUTH_USER_MODEL = "accounts.User"
