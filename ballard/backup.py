"""Online backups of a SQLite database, and restoring one.

SQLite's backup API copies a consistent snapshot while readers and writers carry on.
PostgreSQL deployments use pg_dump and pg_restore instead (see README "Backups").
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from contextlib import closing
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from ballard import shared_cache

PG_RECIPE = (
    "This database is PostgreSQL: use pg_dump, e.g.\n"
    '  pg_dump --format=custom --file=ballard-$(date +%Y%m%d-%H%M%S).dump "$DATABASE_URL"\n'
    "and restore with\n"
    '  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" FILE.dump\n'
    "then, behind a shared cache: flask --app app purge-shared-caches"
)


class BackupError(RuntimeError):
    pass


def sqlite_path() -> Path | None:
    url = make_url(current_app.config["DATABASE_URL"])
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def backup_sqlite(source: Path, directory: Path) -> Path:
    """Copy a consistent snapshot of `source` into `directory`; return the new file."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    target = directory / f"ballard-{stamp}.db"
    partial = target.with_suffix(".db.partial")
    # closing(): sqlite3's own context manager commits but leaves the connection open, and
    # a WAL-mode copy left open kept its -wal and -shm files beside the backup.
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
        src.backup(dst)
        # The copy is one file: rollback journal, not WAL (the live database's mode).
        dst.execute("PRAGMA journal_mode=DELETE")
    _check_integrity(partial)
    partial.rename(target)  # only complete, checked backups carry the .db name
    return target


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace `target` with `backup`, through the backup API so open readers stay safe."""
    _check_integrity(backup)
    with closing(sqlite3.connect(backup)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _check_integrity(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if result != "ok":
        raise BackupError(f"{path} failed the integrity check: {result}")
    if "alembic_version" not in tables:
        raise BackupError(f"{path} is not a Ballard Guide database (no alembic_version table)")


@click.command("backup")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_command(directory: Path) -> None:
    """Write a consistent online backup of the SQLite database into DIRECTORY."""
    try:
        source = sqlite_path()
        if source is None:
            click.echo(PG_RECIPE, err=True)
            sys.exit(2)
        click.echo(f"Backup written: {backup_sqlite(source, directory)}")
    except (BackupError, sqlite3.Error) as exc:
        click.echo(f"Backup failed: {exc}", err=True)
        sys.exit(1)


@click.command("restore")
@with_appcontext
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(backup: Path, yes: bool) -> None:
    """Replace the SQLite database with BACKUP (made by `flask backup`)."""
    try:
        target = sqlite_path()
        if target is None:
            click.echo(PG_RECIPE, err=True)
            sys.exit(2)
        if not yes:
            click.confirm(f"Replace {target} with {backup}?", abort=True)
        restore_sqlite(backup, target)
        click.echo(f"Restored {target} from {backup}.")
        shared_cache.content_changed()  # the shared caches drop pages of any other version
    except (BackupError, sqlite3.Error) as exc:
        click.echo(f"Restore failed, the database was not changed: {exc}", err=True)
        sys.exit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
