"""Databases for tests that run the platform in another process (the job worker, backup and restore).

A subprocess cannot see SQLite's in-memory test database, nor data a test has not committed: such a
test uses ``transactional_db`` and one of these.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def url_of(settings_dict: dict) -> str:
    """A DATABASE_URL for a PostgreSQL connection's settings."""
    user = quote(settings_dict.get("USER") or "")
    password = settings_dict.get("PASSWORD")
    auth = f"{user}:{quote(password)}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{quote(settings_dict['NAME'])}"


def environment(database_url: str | None, var_dir: Path, **extra: str) -> dict:
    """The environment of a subprocess running the platform on ``database_url`` (None: the default,
    SQLite in the var directory) and ``var_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="kaifaqu.settings", KFQ_VAR_DIR=str(var_dir))
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def _copy_sqlite_to(path: Path) -> None:
    from django.db import connection

    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


@contextlib.contextmanager
def shared_with_subprocesses(tmp_path: Path):
    """A DATABASE_URL under which a subprocess sees the test database.

    PostgreSQL: the test database itself. SQLite: the in-memory test database is copied to a file,
    and when the block ends the file is copied back into it, so the test reads what was written.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        yield url_of(connection.settings_dict)
        return
    path = tmp_path / "shared.sqlite3"
    _copy_sqlite_to(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


@contextlib.contextmanager
def separate_database(tmp_path: Path, vendor: str, sqlite_path: Path | None = None):
    """A DATABASE_URL of a new migrated database of ``vendor``, which nothing done to it (dropping it)
    touches the test database with. Copied from the test database when it is of the same kind (fast),
    else migrated by a subprocess. PostgreSQL needs the test database to be PostgreSQL; it is dropped
    when the block ends."""
    import subprocess

    from django.db import connection

    if vendor == "sqlite":
        path = sqlite_path or tmp_path / "separate.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
        if connection.vendor == "sqlite":
            _copy_sqlite_to(path)
        else:
            subprocess.run(manage("migrate", "-v0"), env=environment(url, tmp_path / "migrate-var"), check=True)
        yield url
        return
    assert connection.vendor == "postgresql", "a PostgreSQL database needs PostgreSQL tests"
    source = connection.settings_dict["NAME"]
    name = f"{source}_copy"
    connection.close()  # a database cannot be a template while someone is connected to it
    with connection._nodb_cursor() as cursor:
        _wait_until_alone(cursor, source)
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield url_of({**connection.settings_dict, "NAME": name})
    finally:
        drop_database(name)


def _wait_until_alone(cursor, database: str, seconds: float = 5.0) -> None:
    """Wait for the other sessions on this worker's test database to end (a killed subprocess's
    session lingers for a moment), then end those left (connections a finished test left open)."""
    import time

    others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        cursor.execute(f"SELECT count(*) {others}", [database])
        if not cursor.fetchone()[0]:
            return
        time.sleep(0.1)
    cursor.execute(f"SELECT state, left(query, 200) {others}", [database])
    warnings.warn(f"ending sessions left on {database}: {cursor.fetchall()}", stacklevel=2)
    cursor.execute(f"SELECT pg_terminate_backend(pid) {others}", [database])
    time.sleep(0.2)
    # The ended sessions may include this process's own Django connection: let it reconnect on next use
    # rather than leave later tests on this worker with a closed connection.
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.vendor == "postgresql" and conn.connection is not None and conn.connection.closed:
            conn.connection = None


def drop_database(name: str) -> None:
    """Drop a PostgreSQL database of the test server (not the test database)."""
    from django.db import connection

    assert name != connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_rows(database_url: str) -> dict[str, list]:
    """Every table's rows (sorted) and, on PostgreSQL, every sequence's position: what a restore must
    give back exactly. Read with the database driver itself, not through Django."""
    if database_url.startswith("sqlite:///"):
        db = sqlite3.connect(database_url.removeprefix("sqlite:///"))
        try:
            names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
        finally:
            db.close()
    import psycopg

    with psycopg.connect(database_url) as db:
        names = [
            r[0]
            for r in db.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        rows = {n: sorted(db.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
        rows["(sequences)"] = db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
        return rows


def files_under(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``root`` with its bytes (and mode), by relative path."""
    return {
        str(p.relative_to(root)): (p.stat().st_mode, p.read_bytes()) for p in sorted(root.rglob("*")) if p.is_file()
    }
