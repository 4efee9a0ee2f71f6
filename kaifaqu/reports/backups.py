"""Backup and restore of an installation: the database and the files of ``KFQ_VAR_DIR`` (the secret
key, uploads and job files). ``manage.py backup DIR`` / ``manage.py restore DIR``; docs/operations.md
says when and how.

A backup is a directory: ``manifest.json`` (what, when, the migrations applied, checksums), the
database (``database.sqlite3``, a consistent copy made with SQLite's backup API while the platform
runs, or ``database.pgdump``, ``pg_dump --format=custom``) and ``files.tar.gz`` (everything in the var
directory except the SQLite database itself). Restoring gives back every row (timestamps to the
microsecond, sequences) and every file exactly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
FILES = "files.tar.gz"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def var_dir() -> Path:
    return Path(settings.VAR_DIR).resolve()


def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"]).resolve()


def database_files() -> set[Path]:
    """The SQLite database and its companions (never copied as plain files: the backup API does it)."""
    if connection.vendor != "sqlite":
        return set()
    path = sqlite_path()
    return {path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    if connection.vendor not in DATABASE:
        raise CommandError(_("不支持备份此类数据库：%(v)s") % {"v": connection.vendor})
    return connection.vendor


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise CommandError(_("找不到 %(tool)s：请安装与数据库服务器版本相同的 PostgreSQL 客户端") % {"tool": name})
    return path


def _pg(tool: str, *args: str, database: str | None = None) -> None:
    """Run pg_dump / pg_restore against the configured database (connection from the settings)."""
    conf = connection.settings_dict
    command = [_tool(tool), "--no-password"]
    if conf.get("HOST"):
        command += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        command += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        command += ["--username", str(conf["USER"])]
    command += ["--dbname", database or conf["NAME"], *args]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    if (conf.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = conf["OPTIONS"]["sslmode"]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise CommandError(_("%(tool)s 失败：%(err)s") % {"tool": tool, "err": done.stderr.strip()})


def _sqlite_copy(source: Path, target: Path, *, standalone: bool) -> None:
    """Copy a live SQLite database page by page (consistent even while it is written to);
    ``standalone``: the copy is one self-contained file (no write-ahead log)."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        if standalone:
            dst.execute("PRAGMA journal_mode=DELETE")
        if dst.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise CommandError(_("数据库副本校验失败：%(p)s") % {"p": target})
    finally:
        dst.close()
        src.close()


def _migrations() -> list[str]:
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def backup(dest: Path) -> dict:
    """Back the installation up into the new or empty directory ``dest``; returns the manifest."""
    dest = Path(dest).resolve()
    if dest.exists() and any(dest.iterdir()):
        raise CommandError(_("备份目录已存在且不为空：%(d)s") % {"d": dest})
    engine = _engine()
    if engine == "sqlite" and not sqlite_path().exists():
        raise CommandError(_("数据库文件不存在：%(p)s") % {"p": sqlite_path()})
    migrations = _migrations()
    dest.mkdir(parents=True, exist_ok=True)
    database = dest / DATABASE[engine]
    if engine == "sqlite":
        connection.close()
        _sqlite_copy(sqlite_path(), database, standalone=True)
    else:
        _pg("pg_dump", "--format=custom", "--file", str(database))
    skip = database_files() | {dest}
    root = var_dir()
    with tarfile.open(dest / FILES, "w:gz") as tar:
        if root.exists():
            for path in sorted(root.rglob("*")):
                if any(_inside(path, s) for s in skip) or path.is_dir():
                    continue
                tar.add(path, arcname=str(path.relative_to(root)), recursive=False)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": database.name,
        "files": FILES,
        "migrations": migrations,
        "sha256": {name: _sha256(dest / name) for name in (database.name, FILES)},
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def read_manifest(source: Path) -> dict:
    """The manifest of the backup in ``source``, after checking that its files are intact."""
    path = Path(source) / MANIFEST
    if not path.exists():
        raise CommandError(_("不是备份目录（缺少 %(m)s）：%(d)s") % {"m": MANIFEST, "d": source})
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise CommandError(_("无法识别的备份格式：%(f)s") % {"f": manifest.get("format")})
    for name, digest in manifest["sha256"].items():
        file = Path(source) / name
        if not file.exists() or _sha256(file) != digest:
            raise CommandError(_("备份文件缺失或已损坏（校验和不符）：%(f)s") % {"f": file})
    return manifest


def _restore_postgresql(dump: Path) -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if not exists:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    if exists:  # start from an empty schema: nothing of the current data survives beside the backup's
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connection.close()
    _pg("pg_restore", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", str(dump))


def _restore_files(archive: Path, source: Path) -> int:
    """Replace the var directory's files (all but the SQLite database) by the archive's."""
    root = var_dir()
    root.mkdir(parents=True, exist_ok=True)
    keep = database_files() | {Path(source).resolve()}
    for child in root.iterdir():
        if any(_inside(k, child.resolve()) for k in keep):
            continue  # the database, or a directory holding it or the backup itself
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        tar.extractall(root, filter="data")
    return len(members)


def restore(source: Path) -> dict:
    """Replace the database and the var directory's files by the backup in ``source``."""
    source = Path(source).resolve()
    manifest = read_manifest(source)
    engine = _engine()
    if manifest["engine"] != engine:
        raise CommandError(
            _("备份来自 %(b)s 数据库，当前配置的是 %(c)s 数据库") % {"b": manifest["engine"], "c": engine}
        )
    database = source / manifest["database"]
    if engine == "sqlite":
        connection.close()
        sqlite_path().parent.mkdir(parents=True, exist_ok=True)
        _sqlite_copy(database, sqlite_path(), standalone=False)
    else:
        _restore_postgresql(database)
    manifest["restored_files"] = _restore_files(source / manifest["files"], source)
    return manifest
