"""The bench database: its name, creating it, the lock around preparing it, and its marker table.

The bench never touches the database DATABASE_URL names. It uses `<name>_bench_<scale>` on the
same server (koodak -> koodak_bench_small), created through the `postgres` maintenance database,
migrated with Django and filled once per scale. A small table, `bench_meta`, records what was
generated (scale, seed, generator version, row counts, the users and records the scenarios use),
so the next run reuses the data; `--regenerate`, another seed or a new generator version drops
the database and builds it again.
"""

import contextlib
import json
import zlib
from urllib.parse import urlsplit, urlunsplit

import environ
import psycopg
from psycopg import sql

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/koodak"
META_TABLE = "bench_meta"


def bench_database_url(database_url, scale):
    """DATABASE_URL with the database name replaced by `<name>_bench_<scale>`; query kept."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "koodak"
    return urlunsplit(parts._replace(path=f"/{name}_bench_{scale}"))


def connect_kwargs(database_url, dbname=None):
    """psycopg keyword arguments for a DATABASE_URL (unix-socket URLs included)."""
    config = environ.Env.db_url_config(database_url)
    options = dict(config.get("OPTIONS") or {})
    kwargs = {"dbname": dbname or config["NAME"], "user": config.get("USER") or None}
    if config.get("PASSWORD"):
        kwargs["password"] = config["PASSWORD"]
    host = config.get("HOST") or options.pop("host", None)
    if host:
        kwargs["host"] = host
    if config.get("PORT"):
        kwargs["port"] = config["PORT"]
    kwargs.update(options)
    return {key: value for key, value in kwargs.items() if value is not None}


def database_name(database_url):
    return environ.Env.db_url_config(database_url)["NAME"]


def connect(database_url, dbname=None, **extra):
    return psycopg.connect(**connect_kwargs(database_url, dbname), **extra)


@contextlib.contextmanager
def preparation_lock(database_url):
    """Hold a server-wide advisory lock named after the bench database while preparing it.

    Two runs (say two developers' `make test`) that want the same bench database wait for each
    other instead of both creating and filling it. The lock lives on a maintenance-database
    connection, so dropping and recreating the bench database underneath it is fine.
    """
    key = zlib.crc32(database_name(database_url).encode()) - 2**31
    with connect(database_url, dbname="postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [key])


def database_exists(database_url):
    name = database_name(database_url)
    with connect(database_url, dbname="postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def create_database(database_url):
    name = database_name(database_url)
    with connect(database_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(database_url):
    """Drop the bench database. Refuses (PostgreSQL does) while someone else is connected to it."""
    name = database_name(database_url)
    if "_bench_" not in name:
        raise RuntimeError(f"refusing to drop {name!r}: not a bench database")
    with connect(database_url, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def read_meta(database_url, scale):
    """The bench_meta row for `scale` as a dict, or None (no database, no table or no row)."""
    if not database_exists(database_url):
        return None
    with connect(database_url, autocommit=True) as conn:
        exists = conn.execute("SELECT to_regclass(%s)", [META_TABLE]).fetchone()[0]
        if exists is None:
            return None
        query = sql.SQL(
            "SELECT scale, seed, generator_version, generated_at, generation_seconds, "
            "row_counts, fixtures FROM {} WHERE scale = %s"
        ).format(sql.Identifier(META_TABLE))
        row = conn.execute(query, [scale]).fetchone()
    if row is None:
        return None
    keys = [
        "scale",
        "seed",
        "generator_version",
        "generated_at",
        "generation_seconds",
        "row_counts",
        "fixtures",
    ]
    return dict(zip(keys, row, strict=True))


def write_meta(conn, *, scale, seed, generator_version, seconds, row_counts, fixtures):
    table = sql.Identifier(META_TABLE)
    create = sql.SQL(
        """
        CREATE TABLE IF NOT EXISTS {} (
            scale text PRIMARY KEY,
            seed integer NOT NULL,
            generator_version integer NOT NULL,
            generated_at timestamptz NOT NULL DEFAULT now(),
            generation_seconds double precision NOT NULL,
            row_counts jsonb NOT NULL,
            fixtures jsonb NOT NULL
        )
        """
    )
    conn.execute(create.format(table))
    upsert = sql.SQL(
        """
        INSERT INTO {}
            (scale, seed, generator_version, generation_seconds, row_counts, fixtures)
        VALUES (%s, %s, %s, %s, %s, %s)
        ON CONFLICT (scale) DO UPDATE SET seed = EXCLUDED.seed,
            generator_version = EXCLUDED.generator_version, generated_at = now(),
            generation_seconds = EXCLUDED.generation_seconds,
            row_counts = EXCLUDED.row_counts, fixtures = EXCLUDED.fixtures
        """
    )
    conn.execute(
        upsert.format(table),
        [scale, seed, generator_version, seconds, json.dumps(row_counts), json.dumps(fixtures)],
    )
