"""Command-line interface: `flask db ...`, `flask content ...` and `flask editor ...`.

Command bodies stay thin; the work is in plain functions that tests call too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from alembic import command
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ballard.availability import UPGRADE_COMMAND, describe, is_outage
from ballard.content import shipped_packs
from ballard.content.audit import audit_lines
from ballard.content.importer import ImportProblem, import_episodes
from ballard.content.lint import ERROR, lint_pack
from ballard.content.pack import PackError, dump_show, load_pack, pack_to_yaml, read_pack
from ballard.db import get_engine, get_session
from ballard.editor.accounts import AccountError, create_editor
from ballard.horizon import NotVisible, open_gate
from ballard.migrate import alembic_config, upgrade_database
from ballard.models import Show

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")
content_cli = AppGroup("content", help="Content packs: load, dump, lint.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Migrate the database to REVISION (default: head)."""
    upgrade_database(revision)
    click.echo(f"Database at {revision}.")


@db_cli.command("check")
def check_command() -> None:
    """Fail if the models and the migrations disagree."""
    cfg = alembic_config()
    with get_engine().connect() as connection:
        cfg.attributes["connection"] = connection
        command.check(cfg)
    click.echo("Models and migrations agree.")


def load_packs(paths: list[Path]) -> list[str]:
    """Read and check every pack first, then load them all in one transaction."""
    packs = [read_pack(p) for p in paths]
    session = get_session()
    try:
        results = [load_pack(session, pack) for pack in packs]
        session.commit()
    except Exception:
        session.rollback()
        raise
    return [
        f"{r.show_slug}: {'loaded' if r.changed else 'unchanged'} (content version {r.version})"
        for r in results
    ]


@content_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_command(paths: tuple[Path, ...]) -> None:
    """Load content packs (default: the shipped packs). A bad pack writes nothing."""
    try:
        for line in load_packs(list(paths) or shipped_packs()):
            click.echo(line)
    except PackError as exc:
        click.echo(f"Pack rejected, nothing was written:\n{exc}", err=True)
        sys.exit(1)
    except DBAPIError as exc:
        # One transaction, rolled back: the database is as it was before the load.
        hint = "" if is_outage(exc) else f" (is the database migrated? {UPGRADE_COMMAND})"
        click.echo(f"Load failed, nothing was written: {describe(exc)}{hint}", err=True)
        sys.exit(1)


@content_cli.command("dump")
@click.argument("show", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
def dump_command(show: str | None, output: Path | None) -> None:
    """Write SHOW (default: the only show) back as a content pack."""
    session = get_session()
    if show is None:
        slugs = session.scalars(select(Show.slug).order_by(Show.slug)).all()
        if len(slugs) != 1:
            click.echo(f"Name the show to dump: {', '.join(slugs) or 'none loaded'}.", err=True)
            sys.exit(2)
        show = slugs[0]
    try:
        text = dump_show(session, show)
    except PackError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@content_cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def lint_command(paths: tuple[Path, ...]) -> None:
    """Check packs for spoilers (default: the shipped packs). Exits 1 on any error."""
    failed = False
    for path in list(paths) or shipped_packs():
        try:
            findings = lint_pack(read_pack(path))
        except PackError as exc:
            click.echo(str(exc), err=True)
            failed = True
            continue
        errors = sum(f.level == ERROR for f in findings)
        for finding in findings:
            click.echo(f"{path}: {finding}", err=True)
        click.echo(f"{path}: {errors} errors, {len(findings) - errors} warnings")
        failed = failed or errors > 0
    sys.exit(1 if failed else 0)


@content_cli.command("audit")
@click.option("--at", "horizon", required=True, help="The horizon to audit (0 = premise only).")
@click.argument("show", default="ballard")
def audit_command(horizon: str, show: str) -> None:
    """Print every string a viewer of SHOW at horizon --at can see."""
    try:
        gate = open_gate(get_session(), show, horizon)
    except NotVisible:
        click.echo(f"No show {show!r} with an episode position {horizon!r}.", err=True)
        sys.exit(2)
    for line in audit_lines(gate):
        click.echo(line)


@content_cli.command("import-episodes")
@click.argument("html_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the draft pack to this file instead of standard output.")
@click.option("--table", default=1, show_default=True, type=click.IntRange(min=1),
              help="Which episode table on the page (1 = the first).")
@click.option("--season", default=1, show_default=True, type=click.IntRange(min=1),
              help="The season number the table holds.")
@click.option("--title", "show_title", help="The show's title (default: from the page).")
@click.option("--slug", "show_slug", help="The show's slug (default: from the title).")
def import_episodes_command(html_file: Path, output: Path | None, table: int, season: int,
                            show_title: str | None, show_slug: str | None) -> None:
    """Turn an HTML episode table (a Wikipedia "List of ... episodes" page) into a draft pack."""
    try:
        imported = import_episodes(
            html_file.read_text(encoding="utf-8", errors="replace"), table=table, season=season,
            show_title=show_title, show_slug=show_slug)
    except ImportProblem as exc:
        click.echo(f"{html_file}: {exc}", err=True)
        sys.exit(1)
    for warning in imported.warnings:
        click.echo(f"{html_file}: warning: {warning}", err=True)
    text = pack_to_yaml(imported.pack)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {len(imported.pack.episodes)} episodes to {output}. It is a draft: "
                   "write the premise, then add storylines, characters and plot points.",
                   err=True)
    else:
        click.echo(text, nl=False)


editor_cli = AppGroup("editor", help="Editor accounts.")


@editor_cli.command("create")
@click.argument("email")
@click.password_option("--password", prompt="Password", confirmation_prompt=True,
                       help="Asked for twice on standard input when not given.")
def create_editor_command(email: str, password: str) -> None:
    """Create an editor account for EMAIL (the password is asked for twice)."""
    session = get_session()
    try:
        user = create_editor(session, email, password)
        session.commit()
    except AccountError as exc:
        session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"Editor {user.email} created.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(editor_cli)
