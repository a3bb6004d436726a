"""Alembic environment: run from `flask --app app db upgrade` or the plain `alembic` CLI.

The Flask command hands over a connection in config.attributes; the plain CLI builds the
app to read BALLARD_DATABASE_URL the same way the app does.
"""

from alembic import context

from ballard import models  # noqa: F401  (registers every table on Base.metadata)
from ballard.db import Base

config = context.config
target_metadata = Base.metadata


def include_name(name, type_, parent_names) -> bool:
    # The search engines' own objects (the FTS5 table and its shadow tables, the GIN
    # index) are made by the search-index migration and are not in the models.
    return not (name or "").startswith("search_fts")


def run_migrations(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_migrations(connection)
        return
    from ballard import create_app
    from ballard.db import get_engine

    with create_app().app_context(), get_engine().connect() as connection:
        run_migrations(connection)
        connection.commit()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; run against a database.")
run_online()
