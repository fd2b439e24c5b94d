"""Production settings: secrets and addresses come from the environment, with no defaults."""

from .base import *  # noqa: F403
from .base import DATABASE_ENGINE, TRIGRAM_OPTIONS, add_replica, env, split_database_roles

DEBUG = False
# No default: a missing value stops the process at start rather than running insecurely.
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ENGINE"] = DATABASE_ENGINE  # the health check without a round trip
DATABASES["default"].setdefault("OPTIONS", {})["options"] = TRIGRAM_OPTIONS
DATABASE_APP_ROLE = split_database_roles(DATABASES)  # LG-03
add_replica(DATABASES)  # ADR 0040
REDIS_URL = env("REDIS_URL")
CACHES = {
    "default": {
        "BACKEND": "core.cache.ForgivingRedisCache",  # RE-04: Redis down is a cache miss
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
