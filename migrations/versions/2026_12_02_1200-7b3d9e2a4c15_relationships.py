"""relationships

A tie between two characters (who, kind, whom) with its note, the episode a viewer
learns it in and, optionally, the episode that ends it. Revisions may now record
relationship changes.

Revision ID: 7b3d9e2a4c15
Revises: 7b3d9e2a4c10
Create Date: 2026-12-02 12:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '7b3d9e2a4c15'
down_revision: Union[str, Sequence[str], None] = '7b3d9e2a4c10'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KINDS = ("'parent', 'child', 'sibling', 'grandparent', 'spouse', 'partner', 'former-partner', "
         "'romance', 'works-for', 'mentor', 'informant', 'rival', 'suspect-of'")
ENTITY_KINDS_BEFORE = "'episode', 'storyline', 'character', 'plot_point', 'question'"
ENTITY_KINDS_AFTER = ENTITY_KINDS_BEFORE + ", 'relationship'"


def upgrade() -> None:
    op.create_table('relationships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('show_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('who_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('whom_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('revealed_in', sa.Integer(), nullable=False),
    sa.Column('ended_in', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.String(length=10), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.CheckConstraint(f"kind IN ({KINDS})", name=op.f('ck_relationships_kind_known')),
    sa.CheckConstraint("confidence IN ('sure', 'likely', 'unplaced')", name=op.f('ck_relationships_confidence_known')),
    sa.CheckConstraint('ended_in IS NULL OR ended_in > revealed_in', name=op.f('ck_relationships_ended_after_revealed')),
    sa.CheckConstraint('who_id <> whom_id', name=op.f('ck_relationships_two_characters')),
    sa.ForeignKeyConstraint(['show_id'], ['shows.id'], name=op.f('fk_relationships_show_id_shows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['who_id'], ['characters.id'], name=op.f('fk_relationships_who_id_characters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['whom_id'], ['characters.id'], name=op.f('fk_relationships_whom_id_characters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_relationships')),
    sa.UniqueConstraint('show_id', 'slug', name=op.f('uq_relationships_show_id_slug'))
    )
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_relationships_who_id'), ['who_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_relationships_whom_id'), ['whom_id'], unique=False)
    _entity_kinds(ENTITY_KINDS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM revisions WHERE entity_kind = 'relationship'")
    _entity_kinds(ENTITY_KINDS_BEFORE)
    with op.batch_alter_table('relationships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_relationships_whom_id'))
        batch_op.drop_index(batch_op.f('ix_relationships_who_id'))
    op.drop_table('relationships')


def _entity_kinds(values: str) -> None:
    with op.batch_alter_table('revisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_revisions_entity_kind_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_revisions_entity_kind_known'),
                                         f"entity_kind IN ({values})")
