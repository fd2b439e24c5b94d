"""Private PostgreSQL and Redis for development, so that `make run` and `make test` need no setup.

Koodak is built on PostgreSQL and on Celery with Redis. A developer should not have to install,
configure or share those servers to try the product or run its tests, so this script starts private
ones inside the project folder when the environment does not point at real ones, runs a command
with them and stops them again. It uses only the standard library: it runs before Django and
before the virtual environment has anything in it.

    python -m core.devstack with-services -- COMMAND [ARG...]
        For each of DATABASE_URL and REDIS_URL that is not set, start a private server, export the
        variable to COMMAND, run it, stop what was started and exit with COMMAND's exit code.
    python -m core.devstack run
        With the services: migrate, load the demo data (seed_demo), then run the web server, a
        Celery worker and Celery beat side by side until Ctrl-C or until one of them stops.
    python -m core.devstack status      say which private servers are running (exit 1 if any)
    python -m core.devstack clean       delete .local and the temporary fallback folder, if no
                                        private server is running

PostgreSQL: the machine's initdb and pg_ctl (PATH, then /usr/lib/postgresql/*/bin, newest first).
Without them, the PyPI package pgserver (PostgreSQL 16 in a wheel) is installed into .venv and its
binaries are used the same way. Data lives in .local/postgres; the server listens only on a unix
socket in .local/run, with trust authentication and fsync off (a throwaway development server).
PostgreSQL refuses to run as root: under root the server runs as the `postgres` user (or `nobody`),
and if that user cannot reach the project folder, data and socket move to a folder under the system
temp dir named after a hash of the project path. DATABASE_URL is then
postgres://postgres@/koodak?host=<socket folder>, which both psql and django-environ understand.

Redis: redis-server on a unix socket (.local/run/redis.sock), nothing saved to disk. REDIS_URL is
unix://...?db=0 and CELERY_BROKER_URL the matching redis+socket:// address (kombu has no unix://).
Without redis-server, Celery gets kombu's filesystem transport (CELERY_BROKER_URL=filesystem:// and
CELERY_FILESYSTEM_BROKER_DIR) and REDIS_URL stays unset, so the settings use an in-process cache.

Several commands can share the servers (say `make test` while `make run` is up): each one that uses
a private server registers in .local/devstack, a server that is already running is reused, and the
last user to leave stops it, but only if this script started it.

Test knobs: DEVSTACK_PG=pgserver forces the pgserver binaries; DEVSTACK_REDIS=none acts as if
there were no redis-server.
"""
