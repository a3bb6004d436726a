"""The schema comes from the migrations, and the migrations match the models."""

import ast
from pathlib import Path

import pytest
from alembic import command
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from ballard.cli import alembic_config
from ballard.db import Base, close_session, get_engine
from tests.conftest import make_app


def test_single_migration_head():
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


def test_alembic_check_finds_no_drift(app):
    cfg = alembic_config()
    with app.app_context(), get_engine().connect() as connection:
        cfg.attributes["connection"] = connection
        command.check(cfg)  # raises if autogenerate would emit any operation


def test_migrated_database_has_every_model_table(app):
    with app.app_context():
        tables = set(inspect(get_engine()).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_db_upgrade_command(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database at head." in result.output


# --- the search migrations: self-contained, and their downgrades ---------------------------------

BEFORE_SEARCH, SEARCH = "2279cbda2fbf", "5e4c0a1f9b21"
BEFORE_ENTRY_FORMAT = "e5a7c9b1d203"  # role and actor run together, plot points by place
FIRST_COLUMNS = (
    "show_id",
    "document",
    "kind",
    "target",
    "title",
    "weight",
    "body",
    "folded",
    "words",
    "sort_order",
    "visible_from",
)  # search_entries as SEARCH made it


def test_migrations_import_nothing_from_the_app():
    """A migration that imports app code runs whatever that code says today, so a later
    change to the models could break an old upgrade path. Only env.py may."""
    versions = Path(__file__).resolve().parents[1] / "migrations" / "versions"
    for path in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            assert not [n for n in names if n.split(".")[0] in {"ballard", "tests"}], path.name


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """A database of its own (SQLite: a file; PostgreSQL: a schema), to go down and up in."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "scratch.db")
        return
    schema = "migration_scratch"
    owner = make_app(database_url)
    with owner.app_context(), get_engine().begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{database_url}{'&' if '?' in database_url else '?'}options=-csearch_path%3D{schema}"
    with owner.app_context(), get_engine().begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))


def _migrate(revision: str) -> None:
    """Up or down to `revision`, whichever way it lies from where the database is."""
    cfg = alembic_config()
    newest_first = [r.revision for r in ScriptDirectory.from_config(cfg).walk_revisions()]
    with get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        current = MigrationContext.configure(connection).get_current_revision()
        down = (
            revision != "head"
            and current is not None
            and (newest_first.index(revision) > newest_first.index(current))
        )
        (command.downgrade if down else command.upgrade)(cfg, revision)


def _entries(columns: tuple[str, ...]) -> list[tuple]:
    with get_engine().connect() as conn:
        return sorted(
            tuple(r) for r in conn.execute(text(f"SELECT {', '.join(columns)} FROM search_entries"))
        )


def _engine_finds(word: str) -> int:
    """How many entries the engine's own index, as the current revision built it, matches."""
    with get_engine().connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        marked = "tokens" in {c["name"] for c in inspect(conn).get_columns("search_entries")}
        if sqlite and marked:
            sql = (
                "SELECT count(*) FROM shows s JOIN search_fts ON search_fts MATCH "
                "'\"s' || s.id || 'x' || :w || '\"'"
            )
        elif sqlite:
            sql = "SELECT count(*) FROM search_fts WHERE search_fts MATCH 'body : ' || :w"
        elif marked:
            sql = (
                "SELECT count(*) FROM search_entries WHERE to_tsvector('search_english'::"
                "regconfig, tokens) @@ to_tsquery('search_english', 's' || show_id || 'x' || :w)"
            )
        else:
            sql = (
                "SELECT count(*) FROM search_entries WHERE to_tsvector('english'::regconfig, "
                "folded) @@ to_tsquery('english', :w)"
            )
        if not sqlite:  # and the GIN index is the one over that expression
            index = conn.execute(
                text(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = "
                    "'search_fts_gin' AND schemaname = current_schema()"
                )
            )
            assert ("tokens" if marked else "folded") in index.scalar_one()
        return conn.execute(text(sql), {"w": word}).scalar_one()


def test_search_migrations_index_existing_rows_and_go_down_and_up(scratch_url, tmp_path):
    """Story rows loaded at head, then both search revisions down and up again: each
    revision builds the same entries from the rows by itself, and its engine index finds
    them; each downgrade brings back the index its predecessor had."""
    from ballard.cli import load_packs
    from tests.conftest import TINY_PACK
    from tests.test_search import PACK

    (words := tmp_path / "words.yaml").write_text(PACK)
    # Relationships come after the search revisions: going below them drops those rows,
    # so the show here has none and every revision sees the same rows.
    tiny = TINY_PACK.read_text()
    (no_ties := tmp_path / "tiny.yaml").write_text(tiny[: tiny.index("relationships:")])
    app = make_app(scratch_url)
    with app.app_context():
        _migrate("head")
        load_packs([no_ties, words])
        close_session()
        head_columns = (*FIRST_COLUMNS, "tokens")
        wanted = _entries(head_columns)
        finds = _engine_finds("detective")
        assert len({row[0] for row in wanted}) == 2 and finds > 2
        assert any(" · " in row[head_columns.index("body")] for row in wanted)

        _migrate(BEFORE_ENTRY_FORMAT)  # the entries as the earlier revisions build them
        first = sorted(_entries(FIRST_COLUMNS))
        assert first != sorted(row[: len(FIRST_COLUMNS)] for row in wanted)
        assert not any(" · " in row[FIRST_COLUMNS.index("body")] for row in first)
        assert _engine_finds("detective") == finds

        _migrate(BEFORE_SEARCH)  # both search revisions down: their tables and objects go
        with get_engine().connect() as conn:
            assert not [t for t in inspect(conn).get_table_names() if t.startswith("search")]

        _migrate(SEARCH)  # the first revision indexes the rows there are, by itself
        assert _entries(FIRST_COLUMNS) == first
        assert _engine_finds("detective") == finds

        _migrate("head")  # the show markers: the same entries, and the engine finds them
        # but for plot-point keys: going below their revision dropped them, and coming
        # back up gave each point a stand-in key, which its document now names.
        with get_engine().connect() as conn:
            keys = {
                (show, position * 1000 + order): slug
                for show, position, order, slug in conn.execute(
                    text("SELECT show_id, episode_position, sort_order, slug FROM plot_points")
                )
            }
        at = {
            name: head_columns.index(name) for name in ("show_id", "document", "kind", "target", "sort_order")
        }
        rekeyed = [
            row
            if row[at["kind"]] != "plot point"
            else (
                *row[: at["document"]],
                f"plot:{row[at['target']]}/{keys[row[at['show_id']], row[at['sort_order']]]}",
                *row[at["document"] + 1 :],
            )
            for row in wanted
        ]
        assert any(row != new for row, new in zip(wanted, rekeyed, strict=True))
        assert _entries(head_columns) == sorted(rekeyed)
        assert _engine_finds("detective") == finds
        found = app.test_client().get("/api/v1/shows/tiny/at/4/search?q=detective")
        assert found.status_code == 200 and found.get_json()["total"] > 0
        close_session()  # the request ran in this app context: its session ends here

        _migrate(SEARCH)  # down one: the index over the unmarked text is back
        assert _entries(FIRST_COLUMNS) == first
        assert _engine_finds("detective") == finds
        _migrate("head")
        assert _engine_finds("detective") == finds


def test_plot_point_keys_migration_gives_stand_ins_and_moves_revisions(scratch_url):
    """Points already in a database get a stand-in key from their place, their revisions
    the same key, and their plot_point_characters rows survive (no table copy)."""
    app = make_app(scratch_url)
    with app.app_context():
        _migrate("a0c80659c045")  # the revision before plot point keys
        with get_engine().begin() as conn:
            for sql in (
                "INSERT INTO shows (id, slug, title, premise) VALUES (1, 'old', 'Old', 'P')",
                "INSERT INTO seasons (id, show_id, number, first_position) VALUES (1, 1, 2, 1)",
                "INSERT INTO episodes (id, show_id, season_id, position, number) VALUES (1, 1, 1, 1, 1)",
                "INSERT INTO storylines (id, show_id, slug, title, summary, introduced_in, "
                "sort_order) VALUES (1, 1, 'case', 'Case', 'S', 1, 0)",
                "INSERT INTO characters (id, show_id, slug, name, short_names, introduced_in, "
                "role, sort_order) VALUES (1, 1, 'ann', 'Ann', '[]', 1, 'R', 0)",
                "INSERT INTO plot_points (id, show_id, episode_position, revealed_in, "
                "storyline_id, spoiler_level, sort_order, text, confidence, sources) "
                "VALUES (7, 1, 1, 1, 1, 'minor', 3, 'T', 'sure', '[]')",
                "INSERT INTO plot_point_characters (plot_point_id, character_id) VALUES (7, 1)",
                "INSERT INTO users (id, email, password_hash, created_at) "
                "VALUES (1, 'e@example.com', 'x', '2025-01-01 00:00:00')",
                "INSERT INTO revisions (show_id, user_id, created_at, entity_kind, entity_key, "
                "content_version) VALUES (1, 1, '2025-01-01 00:00:00', 'plot_point', 's2e1/3', 1)",
            ):
                conn.execute(text(sql))
        _migrate("7b3d9e2a4c10")
        with get_engine().connect() as conn:
            assert conn.execute(text("SELECT slug FROM plot_points")).scalar() == "legacy-s2e1-3"
            assert conn.execute(text("SELECT entity_key FROM revisions")).scalar() == "legacy-s2e1-3"
            assert conn.execute(text("SELECT count(*) FROM plot_point_characters")).scalar() == 1
        _migrate("a0c80659c045")  # and back: the old key again
        with get_engine().connect() as conn:
            assert conn.execute(text("SELECT entity_key FROM revisions")).scalar() == "s2e1/3"
        _migrate("head")
        close_session()
    app.extensions["ballard.engine"].dispose()
