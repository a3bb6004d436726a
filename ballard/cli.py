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
from ballard.content import season_file_name, shipped_packs
from ballard.content.audit import audit_lines
from ballard.content.importer import ImportProblem, import_episodes, import_seasons
from ballard.content.lint import ERROR, lint_pack
from ballard.content.pack import (
    PackError,
    assemble,
    dump_seasons,
    load_season_files,
    pack_to_yaml,
    read_pack,
)
from ballard.content.schema import PackIn
from ballard.content.seasons import season_of_entity
from ballard.db import get_engine, get_session
from ballard.editor.accounts import AccountError, create_editor, normalize_email, set_password
from ballard.horizon import NotVisible, open_gate
from ballard.migrate import alembic_config, upgrade_database
from ballard.models import Show, User

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
    """Read and check every season file first, then load them all in one transaction."""
    files = [(str(p), read_pack(p)) for p in paths]
    session = get_session()
    try:
        results = load_season_files(session, files)
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
    """Load season files (default: every shipped one). A bad file writes nothing; files
    of a show already loaded replace those seasons and keep the others."""
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
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="A folder to write season-<n>.yaml files to (or, for a show of one season, a .yaml file).",
)
def dump_command(show: str | None, output: Path | None) -> None:
    """Write SHOW (default: the only show) back as its season files."""
    session = get_session()
    if show is None:
        slugs = session.scalars(select(Show.slug).order_by(Show.slug)).all()
        if len(slugs) != 1:
            click.echo(f"Name the show to dump: {', '.join(slugs) or 'none loaded'}.", err=True)
            sys.exit(2)
        show = slugs[0]
    try:
        files = dump_seasons(session, show)
    except PackError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if output is not None and output.suffix == ".yaml" and len(files) == 1:
        output.write_text(files[0][1], encoding="utf-8")
    elif output is not None:
        output.mkdir(parents=True, exist_ok=True)
        for name, text in files:
            (output / name).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {', '.join(name for name, _ in files)} to {output}.", err=True)
    elif len(files) == 1:
        click.echo(files[0][1], nl=False)
    else:
        click.echo(f"{show} has {len(files)} seasons: give -o FOLDER to write one file each.", err=True)
        sys.exit(2)


@content_cli.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def lint_command(paths: tuple[Path, ...]) -> None:
    """Check season files for spoilers (default: every shipped one), each show's files
    together. Exits 1 on any error."""
    failed = False
    by_show: dict[str, list[tuple[str, PackIn]]] = {}
    for path in list(paths) or shipped_packs():
        try:
            file = read_pack(path)
        except PackError as exc:
            click.echo(str(exc), err=True)
            failed = True
            continue
        by_show.setdefault(file.show.slug, []).append((str(path), file))
    for slug, files in by_show.items():
        names = ", ".join(source for source, _ in files)
        try:
            content = assemble(files)
        except PackError as exc:
            click.echo(str(exc), err=True)
            failed = True
            continue
        findings = lint_pack(content)
        by_season = {file.season.number: source for source, file in files}
        errors = sum(f.level == ERROR for f in findings)
        for finding in findings:
            number = season_of_entity(content, finding.kind, finding.key, finding.row)
            where = slug if number is None else by_season.get(number, slug)
            click.echo(f"{where}: {finding}", err=True)
        click.echo(f"{names}: {errors} errors, {len(findings) - errors} warnings")
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
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the draft pack to this file instead of standard output.",
)
@click.option(
    "--table",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Which episode table on the page (1 = the first).",
)
@click.option(
    "--season",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="The season number the table holds.",
)
@click.option("--title", "show_title", help="The show's title (default: from the page).")
@click.option("--slug", "show_slug", help="The show's slug (default: from the title).")
@click.option(
    "--all-seasons",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Read every episode table as a season (table n = season n) and write "
    "one draft season-<n>.yaml per season into this folder.",
)
def import_episodes_command(
    html_file: Path,
    output: Path | None,
    table: int,
    season: int,
    show_title: str | None,
    show_slug: str | None,
    folder: Path | None,
) -> None:
    """Turn an HTML episode table (a Wikipedia "List of ... episodes" page) into a draft pack."""
    if folder is not None:
        _import_all_seasons(html_file, folder, show_title, show_slug)
        return
    try:
        imported = import_episodes(
            html_file.read_text(encoding="utf-8", errors="replace"),
            table=table,
            season=season,
            show_title=show_title,
            show_slug=show_slug,
        )
    except ImportProblem as exc:
        click.echo(f"{html_file}: {exc}", err=True)
        sys.exit(1)
    for warning in imported.warnings:
        click.echo(f"{html_file}: warning: {warning}", err=True)
    text = pack_to_yaml(imported.pack)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(
            f"Wrote {len(imported.pack.episodes)} episodes to {output}. It is a draft: "
            "write the premise, then add storylines, characters and plot points.",
            err=True,
        )
    else:
        click.echo(text, nl=False)


def _import_all_seasons(html_file: Path, folder: Path, show_title: str | None, show_slug: str | None) -> None:
    try:
        drafts = import_seasons(
            html_file.read_text(encoding="utf-8", errors="replace"),
            show_title=show_title,
            show_slug=show_slug,
        )
    except ImportProblem as exc:
        click.echo(f"{html_file}: {exc}", err=True)
        sys.exit(1)
    folder.mkdir(parents=True, exist_ok=True)
    for draft in drafts:
        for warning in draft.warnings:
            click.echo(f"{html_file}: season {draft.pack.season.number}: warning: {warning}", err=True)
        path = folder / season_file_name(draft.pack.season.number)
        path.write_text(pack_to_yaml(draft.pack), encoding="utf-8")
        click.echo(f"Wrote {len(draft.pack.episodes)} episodes to {path}.", err=True)
    click.echo(
        "They are drafts: write the premise, then add storylines, characters and plot points.", err=True
    )


editor_cli = AppGroup("editor", help="Editor accounts.")


@editor_cli.command("create")
@click.argument("email")
@click.password_option(
    "--password",
    prompt="Password",
    confirmation_prompt=True,
    help="Asked for twice on standard input when not given.",
)
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


@editor_cli.command("set-password")
@click.argument("email")
@click.password_option(
    "--password",
    prompt="New password",
    confirmation_prompt=True,
    help="Asked for twice on standard input when not given.",
)
def set_password_command(email: str, password: str) -> None:
    """Give the editor EMAIL a new password; every session they have ends at once."""
    session = get_session()
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        click.echo(f"There is no editor with the email {normalize_email(email)}.", err=True)
        sys.exit(1)
    try:
        set_password(session, user, password)
        session.commit()
    except AccountError as exc:
        session.rollback()
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"New password set for {user.email}; their sessions have ended.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(editor_cli)
