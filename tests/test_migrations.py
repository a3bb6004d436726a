"""The schema comes from the migrations, and the migrations match the models."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from ballard.cli import alembic_config
from ballard.db import Base, get_engine


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
