"""Backup and restore round trips (manage.py backup / restore, docs/operations.md): every table's rows
and every file of the var directory come back exactly. Each runs on a separate database and var
directory made for it, in subprocesses, so the test database of the other tests is never touched."""

import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from kaifaqu.testing import databases

STAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"
SEED = "import django; django.setup(); from kaifaqu.testing.sample_installation import seed; seed()"


def run(env, *command, check=True):
    done = subprocess.run(command, env=env, cwd=databases.BASE_DIR, capture_output=True, text=True, timeout=300)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def has_microseconds(rows) -> bool:
    stamps = [v for row in rows for v in row if isinstance(v, datetime.datetime | str)]
    return any(
        v.microsecond % 1000 if isinstance(v, datetime.datetime) else re.fullmatch(STAMP, v) and int(v[-3:])
        for v in stamps
    )


def state(url: str, var: Path, skip: set[str]):
    files = {k: v for k, v in databases.files_under(var).items() if k not in skip}
    return databases.table_rows(url), files


def round_trip(tmp_path: Path, env: dict, url: str, var: Path, wipe, skip: set[str] = frozenset()):
    run(env, sys.executable, "-c", SEED)
    before = state(url, var, skip)
    tables, files = before
    assert tables["projects_project"] and tables["reports_job"] and tables["accounts_user"]
    (docx,) = [name for name in files if name.endswith("/bulletin-2025-09.docx")]  # media/jobs/<id>/
    job_files = Path(docx).parent
    assert {"secret_key", docx, str(job_files / "upload.xlsx")} <= set(files)
    assert files["secret_key"][0] & 0o777 == 0o600
    assert has_microseconds([r for rows in tables.values() for r in rows])  # dumpdata would cut them to ms

    backup = tmp_path / "backup"
    out = run(env, *databases.manage("backup", str(backup))).stdout
    assert "已备份到" in out
    assert sorted(p.name for p in backup.iterdir()) == sorted(
        ["manifest.json", "files.tar.gz", "database.sqlite3" if url.startswith("sqlite") else "database.pgdump"]
    )

    wipe()
    out = run(env, *databases.manage("restore", "--noinput", str(backup))).stdout
    assert "已恢复" in out
    assert state(url, var, skip) == before

    # Restoring over a changed installation gives back the backup, not a mixture.
    (var / job_files / "later.docx").write_bytes(b"written after the backup")
    (var / "secret_key").write_text("another key")
    run(
        env,
        sys.executable,
        "-c",
        "import django; django.setup(); from kaifaqu.testing import factories as f; "
        "f.CityFactory(code='140600', name='朔州')",
    )
    assert state(url, var, skip) != before
    run(env, *databases.manage("restore", "--noinput", str(backup)))
    assert state(url, var, skip) == before

    # A damaged backup is refused before anything is touched.
    (backup / "files.tar.gz").write_bytes(b"damaged")
    refused = run(env, *databases.manage("restore", "--noinput", str(backup)), check=False)
    assert refused.returncode != 0 and "校验和不符" in refused.stderr
    assert state(url, var, skip) == before


def test_sqlite_backup_and_restore_round_trip(transactional_db, tmp_path):
    """The default installation: SQLite in the var directory beside the secret key and the files."""
    var = tmp_path / "var"
    database = var / "kaifaqu.sqlite3"
    with databases.separate_database(tmp_path, "sqlite", sqlite_path=database) as url:
        env = databases.environment(None, var)  # no DATABASE_URL: var/kaifaqu.sqlite3

        def wipe():
            shutil.rmtree(var)

        skip = {"kaifaqu.sqlite3", "kaifaqu.sqlite3-wal", "kaifaqu.sqlite3-shm"}
        round_trip(tmp_path, env, url, var, wipe, skip)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DATABASE_URL is not PostgreSQL")
def test_postgresql_backup_and_restore_round_trip(transactional_db, tmp_path):
    var = tmp_path / "var"
    with databases.separate_database(tmp_path, "postgresql") as url:
        env = databases.environment(url, var)

        def wipe():
            databases.drop_database(url.rsplit("/", 1)[1])
            shutil.rmtree(var)

        round_trip(tmp_path, env, url, var, wipe)
