"""plot point keys

A plot point gets a key of its own (a slug, unique within its show), so loading never
renumbers it and revisions, editor URLs and the API keep naming the same point. Points
already in a database get a stand-in key from their old place, "legacy-s1e3-2" for sort
slot 2 of S1E3, and their revisions follow. (Content loads adopted a stand-in at the same
place into the pack's key until issue 27; a load now replaces a stand-in by a new row.)

Revision ID: 7b3d9e2a4c10
Revises: a0c80659c045
Create Date: 2026-12-02 11:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '7b3d9e2a4c10'
down_revision: Union[str, Sequence[str], None] = 'a0c80659c045'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The tables as this revision knows them, not as the models may later be.
_points = sa.table(
    "plot_points", sa.column("id", sa.Integer), sa.column("show_id", sa.Integer),
    sa.column("episode_position", sa.Integer), sa.column("sort_order", sa.Integer),
    sa.column("slug", sa.String))
_episodes = sa.table(
    "episodes", sa.column("show_id", sa.Integer), sa.column("position", sa.Integer),
    sa.column("number", sa.Integer), sa.column("season_id", sa.Integer))
_seasons = sa.table("seasons", sa.column("id", sa.Integer), sa.column("number", sa.Integer))
_revisions = sa.table(
    "revisions", sa.column("id", sa.Integer), sa.column("show_id", sa.Integer),
    sa.column("entity_kind", sa.String), sa.column("entity_key", sa.String))


def _points_in_place(bind) -> list:
    """(id, show_id, slug, sort slot, season number, episode number) of every point."""
    return bind.execute(
        sa.select(_points.c.id, _points.c.show_id, _points.c.slug, _points.c.sort_order,
                  _seasons.c.number, _episodes.c.number)
        .select_from(_points.join(_episodes, sa.and_(
            _episodes.c.show_id == _points.c.show_id,
            _episodes.c.position == _points.c.episode_position))
            .join(_seasons, _seasons.c.id == _episodes.c.season_id))
    ).all()


def upgrade() -> None:
    # A plain ADD COLUMN, never a batch copy: SQLite would drop the old plot_points table,
    # and with foreign keys on that deletes every plot_point_characters row. The default
    # only lets the column be added NOT NULL; every point gets its key below.
    op.add_column("plot_points", sa.Column("slug", sa.String(length=80), nullable=False,
                                           server_default=""))
    bind = op.get_bind()
    for point_id, show_id, _slug, slot, season, number in _points_in_place(bind):
        key = f"legacy-s{season}e{number}-{slot}"
        bind.execute(_points.update().where(_points.c.id == point_id).values(slug=key))
        bind.execute(
            _revisions.update()
            .where(_revisions.c.show_id == show_id, _revisions.c.entity_kind == "plot_point",
                   _revisions.c.entity_key == f"s{season}e{number}/{slot}")
            .values(entity_key=key))
    if bind.dialect.name != "sqlite":  # SQLite cannot drop a default in place; harmless
        op.alter_column("plot_points", "slug", server_default=None)
    op.create_index("uq_plot_points_show_id_slug", "plot_points", ["show_id", "slug"],
                    unique=True)


def downgrade() -> None:
    bind = op.get_bind()
    for _id, show_id, slug, slot, season, number in _points_in_place(bind):
        bind.execute(
            _revisions.update()
            .where(_revisions.c.show_id == show_id, _revisions.c.entity_kind == "plot_point",
                   _revisions.c.entity_key == slug)
            .values(entity_key=f"s{season}e{number}/{slot}"))
    op.drop_index("uq_plot_points_show_id_slug", table_name="plot_points")
    op.drop_column("plot_points", "slug")  # SQLite 3.35+ drops a column in place
