# SPDX-License-Identifier: Apache-2.0
"""Settings, all from the environment.

SQLite by default; PostgreSQL when DATABASE_URL is set; Redis for the cache when REDIS_URL is set.
In production (SHAILOO_PRODUCTION=1) the secret key must come from the environment and the
local test identity provider cannot be switched on.
"""
import os
import secrets
import time
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from shailoo.tunduk.keys import demo_client_secret, test_idp_private_key


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("SHAILOO_DATA_DIR", PROJECT_DIR / "var")).resolve()
# What a shailoo process writes (the SQLite database, the demo register, passport scans, keys) is the
# owner's alone: files 0600, directories 0700, whoever else has an account on the machine.
os.umask(0o077)
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATA_DIR.chmod(0o700)

PRODUCTION = env_bool("SHAILOO_PRODUCTION")
DEBUG = env_bool("SHAILOO_DEBUG") and not PRODUCTION


def _secret_key() -> str:
    key = os.environ.get("SHAILOO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SHAILOO_SECRET_KEY must be set in production")
    # A development machine keeps a generated key in its data directory, never in the code.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> bytes:
    """The audit chain's HMAC key (shailoo.audit): outside the database, so whoever can write the database
    alone cannot recompute the chain after a rewrite."""
    key = os.environ.get("SHAILOO_AUDIT_KEY", "").strip()
    if key:
        if PRODUCTION and len(key) < 32:
            raise ImproperlyConfigured("SHAILOO_AUDIT_KEY must have at least 32 characters")
        return key.encode()
    if PRODUCTION:
        raise ImproperlyConfigured("SHAILOO_AUDIT_KEY must be set in production (the audit chain's HMAC key)")
    key_file = DATA_DIR / "audit_key"
    try:  # created once, readable by this user only; another process starting at once reads the same key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    for _attempt in range(50):
        key = key_file.read_text().strip()
        if key:
            return key.encode()
        time.sleep(0.1)
    raise ImproperlyConfigured(f"{key_file} is empty: delete it, or set SHAILOO_AUDIT_KEY")


AUDIT_KEY = _audit_key()
# Signed checkpoints of the audit chain's head, appended outside the database (shailoo.audit.checkpoints):
# after every AUDIT_CHECKPOINT_EVERY entries, and when the last one a process wrote is older than
# AUDIT_CHECKPOINT_SECONDS (the worker also writes one that often).
AUDIT_CHECKPOINT_FILE = Path(
    os.environ.get("SHAILOO_AUDIT_CHECKPOINT_FILE", DATA_DIR / "audit-checkpoints.log")
).resolve()
AUDIT_CHECKPOINT_EVERY = int(os.environ.get("SHAILOO_AUDIT_CHECKPOINT_EVERY", "100"))
AUDIT_CHECKPOINT_SECONDS = int(os.environ.get("SHAILOO_AUDIT_CHECKPOINT_SECONDS", "60"))
# Keyed hashing of PINs in logs, metrics and rate-limit keys.
PIN_HASH_KEY = os.environ.get("SHAILOO_PIN_HASH_KEY", SECRET_KEY)

ALLOWED_HOSTS = env_list("SHAILOO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("SHAILOO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "oauth2_provider",  # the local test identity provider (shailoo.tunduk.test_idp); URLs live only when TEST_IDP
    "ninja",  # serves the API docs (Swagger UI) from our own static files, no CDN
    "shailoo.web",
    "shailoo.geography",
    "shailoo.elections",
    "shailoo.register",
    "shailoo.audit",
    "shailoo.messaging",
    "shailoo.staff",
    "shailoo.commission",
    "shailoo.lookup",
    "shailoo.tunduk",
    "shailoo.cabinet",
    "shailoo.ceremony",
    "shailoo.evoting",
    "shailoo.results",
]

MIDDLEWARE = [
    "shailoo.web.middleware.BodyCapMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shailoo.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The hottest public endpoints (voter-list check API, SMS 119 webhooks) are served through this short chain
# (shailoo.web.lean): anonymous or gateway-authenticated, they use no session, cookie, CSRF token or login.
# SHAILOO_LEAN_PATHS=0 sends them through MIDDLEWARE like every other path.
LEAN_PATHS = (
    ["/api/v1/lookup", "/sms/kannel", "/sms/jasmin", "/sms/inbound"] if env_bool("SHAILOO_LEAN_PATHS", True) else []
)
LEAN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "shailoo.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",  # outside Common: on its 400s too
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",  # ALLOWED_HOSTS is checked here, and Content-Length set
]

ROOT_URLCONF = "shailoo.urls"
WSGI_APPLICATION = "shailoo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shailoo.tunduk.session.voter_context",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'shailoo.sqlite3'}",
        conn_max_age=int(os.environ.get("SHAILOO_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web workers read while an import writes; the timeout rides out short write locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PostgreSQL streaming replicas for the public reads (shailoo.replicas): comma-separated URLs. A replica is
# used while it answers and lags at most REPLICA_MAX_LAG_SECONDS behind; otherwise reads go to the primary.
REPLICA_URLS = env_list("SHAILOO_REPLICA_URLS", "")
for _number, _url in enumerate(REPLICA_URLS, start=1):
    DATABASES[f"replica{_number}"] = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES[f"replica{_number}"]["OPTIONS"] = {"connect_timeout": 2}
    # The test run's replicas mirror the test database unless the run points at a real replica of it.
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("SHAILOO_REPLICA_MAX_LAG_SECONDS", "10"))
REPLICA_CHECK_SECONDS = float(os.environ.get("SHAILOO_REPLICA_CHECK_SECONDS", "2"))
DATABASE_ROUTERS = ["shailoo.replicas.PublicReadRouter"]

REDIS_URL = os.environ.get("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Without Redis (`make run`), a table in the database: every gunicorn worker shares it, so the rate
    # limits count one client once (`migrate` makes it: shailoo.web's post_migrate handler).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "shailoo_cache"}}

# Sessions (the voter's after the Tunduk login, staff's): with Redis, read from the cache and written through to
# the database (Django's cached_db): a cast ballot's request reads its session without a query (docs/evoting.md
# "Performance"), and the database stays the sessions' record. Without Redis the cache is a database table,
# which would only add a query: sessions then come from the database alone.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("SHAILOO_AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SHAILOO_AXES_COOLOFF_HOURS", "1"))
# Locked out per user name from every address (guesses spread over many addresses), and per address
# (one address trying many user names).
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "ky"
LANGUAGES = [("ky", _("Kyrgyz")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Bishkek"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded passport scans live outside the web root and are never served as static files.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("SHAILOO_PRIVATE_MEDIA_ROOT", DATA_DIR / "private")).resolve()

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SHAILOO_SECURE_COOKIES", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SHAILOO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SHAILOO_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if os.environ.get("SHAILOO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGIN_URL = "admin:login"
CSRF_FAILURE_VIEW = "shailoo.web.views.csrf_failure"
# Where `shailoo demo` says the demo is served (`make run` passes its HOST and PORT).
DEMO_BASE_URL = os.environ.get("SHAILOO_DEMO_BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_pins": {"()": "shailoo.web.logging.RedactPinsFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_pins"], "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("SHAILOO_LOG_LEVEL", "INFO")},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

# Rate limits of the public check, "count/seconds" per scope (shailoo.lookup.ratelimit); 0/1 = off.
LOOKUP_RATE_LIMITS = {
    "ip": os.environ.get("SHAILOO_RATE_LIMIT_IP", "20/3600"),
    "ip_day": os.environ.get("SHAILOO_RATE_LIMIT_IP_DAY", "25/86400"),
    "ip_free": os.environ.get("SHAILOO_RATE_LIMIT_IP_FREE", "3/3600"),
    "pin": os.environ.get("SHAILOO_RATE_LIMIT_PIN", "20/3600"),
    "sms_sender": os.environ.get("SHAILOO_RATE_LIMIT_SMS_SENDER", "10/3600"),
    "operator": os.environ.get("SHAILOO_RATE_LIMIT_OPERATOR", "600/3600"),
}
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (0: use the peer address).
LOOKUP_PROXY_HOPS = int(os.environ.get("SHAILOO_PROXY_HOPS", "0"))
# The voter lookup and the SMS 119 statements as server-side prepared statements on PostgreSQL
# (shailoo.lookup.prepared); switch off behind a pooler that
# cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
LOOKUP_PREPARED_STATEMENTS = env_bool("SHAILOO_LOOKUP_PREPARED_STATEMENTS", True)
# The proof of work of the public check (shailoo.lookup.challenge, docs/api.md): seconds a challenge stays
# valid, and the range of its counter (a client does about half as many SHA-256 hashes).
LOOKUP_CHALLENGE_MAX_AGE = int(os.environ.get("SHAILOO_CHALLENGE_MAX_AGE", "600"))
LOOKUP_CHALLENGE_MAX_NUMBER = int(os.environ.get("SHAILOO_CHALLENGE_MAX_NUMBER", "200000"))

# Voter login through Tunduk ESIA (OpenID Connect); see docs/tunduk.md. The local test identity
# provider (SHAILOO_TEST_IDP=1) stands in for Tunduk in the demo and in tests, never in production.
TEST_IDP = env_bool("SHAILOO_TEST_IDP")
if TEST_IDP and PRODUCTION:
    raise ImproperlyConfigured("SHAILOO_TEST_IDP cannot be switched on in production (SHAILOO_PRODUCTION=1)")
TEST_IDP_PASSWORD = os.environ.get("SHAILOO_TEST_IDP_PASSWORD", "tunduk-demo")
TUNDUK_DISCOVERY_URL = os.environ.get(
    "SHAILOO_OIDC_DISCOVERY_URL",
    "http://127.0.0.1:8000/test-idp/.well-known/openid-configuration" if TEST_IDP else "",
)
TUNDUK_CLIENT_ID = os.environ.get("SHAILOO_OIDC_CLIENT_ID", "shailoo-demo" if TEST_IDP else "")
TUNDUK_CLIENT_SECRET = os.environ.get("SHAILOO_OIDC_CLIENT_SECRET") or (
    demo_client_secret(SECRET_KEY) if TEST_IDP else ""
)
TUNDUK_PIN_CLAIM = os.environ.get("SHAILOO_OIDC_PIN_CLAIM", "pin")
TUNDUK_RESPONSE_MODE = os.environ.get("SHAILOO_OIDC_RESPONSE_MODE", "form_post")
TUNDUK_SCOPES = os.environ.get("SHAILOO_OIDC_SCOPES", "openid profile")
TUNDUK_REDIRECT_URI = os.environ.get("SHAILOO_OIDC_REDIRECT_URI", "")  # default: built from the request
TUNDUK_HTTP_TIMEOUT = float(os.environ.get("SHAILOO_OIDC_TIMEOUT_SECONDS", "10"))
VOTER_SESSION_SECONDS = int(os.environ.get("SHAILOO_VOTER_SESSION_MINUTES", "30")) * 60
# Logins started per client address, "count/seconds" (each start writes a pending-login row).
TUNDUK_LOGIN_RATE_LIMIT = os.environ.get("SHAILOO_RATE_LIMIT_TUNDUK_LOGIN", "20/60")
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": not PRODUCTION,
    "OIDC_RSA_PRIVATE_KEY": "" if PRODUCTION else test_idp_private_key(DATA_DIR),
    "PKCE_REQUIRED": True,
    "SCOPES": {"openid": "OpenID Connect", "profile": "name and PIN"},
    "OAUTH2_VALIDATOR_CLASS": "shailoo.tunduk.test_idp.validator.TestIdpValidator",
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 300,
    "ID_TOKEN_EXPIRE_SECONDS": 300,
}

# Import batch size: rows per transaction when merging the register on SQLite.
REGISTER_IMPORT_BATCH = int(os.environ.get("SHAILOO_REGISTER_IMPORT_BATCH", "50000"))

# SMS 119 (docs/sms.md). Inbound webhooks: per gateway a shared secret and/or an HMAC key (a gateway
# with neither is refused); outbound: one sender, log | jasmin | kannel.
SMS_INBOUND = {
    gateway: {
        "secret": os.environ.get(f"SHAILOO_SMS_{gateway.upper()}_SECRET", "" if PRODUCTION else "demo-sms-secret"),
        "hmac_key": os.environ.get(f"SHAILOO_SMS_{gateway.upper()}_HMAC_KEY", ""),
        "allowed_ips": env_list(f"SHAILOO_SMS_{gateway.upper()}_ALLOWED_IPS", ""),
    }
    for gateway in ("jasmin", "kannel", "inbound")
}
SMS_SENDER = os.environ.get("SHAILOO_SMS_SENDER", "log")
SMS_GATEWAY_URL = os.environ.get("SHAILOO_SMS_GATEWAY_URL", "")
SMS_GATEWAY_USERNAME = os.environ.get("SHAILOO_SMS_GATEWAY_USERNAME", "")
SMS_GATEWAY_PASSWORD = os.environ.get("SHAILOO_SMS_GATEWAY_PASSWORD", "")
SMS_FROM = os.environ.get("SHAILOO_SMS_FROM", "119")
SMS_DLR_BASE_URL = os.environ.get("SHAILOO_SMS_DLR_BASE_URL", "")
SMS_MAX_ATTEMPTS = int(os.environ.get("SHAILOO_SMS_MAX_ATTEMPTS", "5"))
# A worker's claim on a message: after it, a message with no answer recorded and no delivery report is sent again.
SMS_CLAIM_LEASE_SECONDS = int(os.environ.get("SHAILOO_SMS_CLAIM_LEASE_SECONDS", "120"))
# /healthz answers 503 when no worker beat for this long, or a message waited this long to be sent.
SMS_WORKER_STALE_SECONDS = int(os.environ.get("SHAILOO_SMS_WORKER_STALE_SECONDS", "30"))
SMS_QUEUE_STUCK_SECONDS = int(os.environ.get("SHAILOO_SMS_QUEUE_STUCK_SECONDS", "300"))
SMS_DEFAULT_LANGUAGE = os.environ.get("SHAILOO_SMS_DEFAULT_LANGUAGE", "ky")

# The voter's electronic signature on e-voting applications (shailoo.cabinet.signing): dotted paths of a
# Signer and a SignatureVerifier. The demo signer (real Ed25519 keys per PIN) is refused in production.
SHAILOO_SIGNER = os.environ.get("SHAILOO_SIGNER", "shailoo.cabinet.signing.DemoCloudSignature")
SHAILOO_SIGNATURE_VERIFIER = os.environ.get("SHAILOO_SIGNATURE_VERIFIER", "")
SHAILOO_DEMO_SIGNER_SECRET = os.environ.get("SHAILOO_DEMO_SIGNER_SECRET", "")
# Largest passport scan accepted in the Voter's Cabinet and at the precinct, in bytes.
SHAILOO_SCAN_MAX_BYTES = int(os.environ.get("SHAILOO_SCAN_MAX_BYTES", str(5 * 1024 * 1024)))
# The largest body any page takes: a scan and its form (shailoo.web.middleware.BodyCapMiddleware).
MAX_REQUEST_BYTES = int(os.environ.get("SHAILOO_MAX_REQUEST_BYTES", str(SHAILOO_SCAN_MAX_BYTES + 1024 * 1024)))

# E-voting (shailoo.evoting, docs/evoting.md): the commission's key (signs the credential lists) and the
# board's key (signs receipts and close entries), each a file holding the secret scalar in hex (mode 0600).
# Outside production they are generated into the data directory; production refuses to start without them.
EVOTING_COMMISSION_KEY_FILE = os.environ.get("SHAILOO_EVOTING_COMMISSION_KEY_FILE", str(DATA_DIR / "evoting-commission.key"))
EVOTING_BOARD_KEY_FILE = os.environ.get("SHAILOO_EVOTING_BOARD_KEY_FILE", str(DATA_DIR / "evoting-board.key"))
if PRODUCTION and not (os.environ.get("SHAILOO_EVOTING_COMMISSION_KEY_FILE") and os.environ.get("SHAILOO_EVOTING_BOARD_KEY_FILE")):
    raise ImproperlyConfigured("SHAILOO_EVOTING_COMMISSION_KEY_FILE and SHAILOO_EVOTING_BOARD_KEY_FILE must name the "
                               "e-voting signing keys' files in production")
if PRODUCTION and not all(Path(os.environ[name]).is_file() for name in ("SHAILOO_EVOTING_COMMISSION_KEY_FILE",
                                                                         "SHAILOO_EVOTING_BOARD_KEY_FILE")):
    raise ImproperlyConfigured("the e-voting signing key files named in the environment do not exist")
# Largest body of a cast or challenge request, in bytes (a ballot of 1,000 options is about 600 KB).
EVOTING_MAX_BODY_BYTES = int(os.environ.get("SHAILOO_EVOTING_MAX_BODY_BYTES", str(1024 * 1024)))
# Polls of an e-voting board by default: election day from to (local time, Asia/Bishkek).
EVOTING_DEFAULT_OPENS = os.environ.get("SHAILOO_EVOTING_OPENS", "08:00")
EVOTING_DEFAULT_CLOSES = os.environ.get("SHAILOO_EVOTING_CLOSES", "20:00")
# A closed board of at most this many entries is verified by the first holder's decryption request itself;
# a larger one by the worker (shailoo evoting_worker), which holders wait for.
EVOTING_INLINE_VERIFY_ENTRIES = int(os.environ.get("SHAILOO_EVOTING_INLINE_VERIFY_ENTRIES", "5000"))
# Where the published records keep what never changes (shailoo.evoting.published): board.jsonl deflated once per
# run of entries, and a closed board's whole record.zip, served from the file. Safe to delete at any time.
EVOTING_RECORD_DIR = Path(os.environ.get("SHAILOO_EVOTING_RECORD_DIR", DATA_DIR / "records")).resolve()
