"""The Alembic migrations (top-level migrations/, configured in pyproject.toml): their
config, their head, and running them on the app's database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from ballard.db import get_engine

# The project's pyproject.toml holds the Alembic settings ([tool.alembic]).
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def alembic_config() -> Config:
    return Config(toml_file=str(PYPROJECT))


def migrations_head() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations have no head"
    return head


def upgrade_database(revision: str = "head") -> None:
    """Run the migrations on the app's database."""
    cfg = alembic_config()
    with get_engine().begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)
