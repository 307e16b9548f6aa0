"""search outbox: index changes recorded in the transaction of the change

Revision ID: 5a1c0e7d2b90
Revises: 5c1d7e0a9b42
Create Date: 2026-12-05 09:50:00

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '5a1c0e7d2b90'
down_revision = '5c1d7e0a9b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'search_outbox',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('object_id', sa.Integer(), nullable=False),
        sa.Column('created_at', app.timeutil.UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('comment', 'version', 'consultation')", name=op.f('ck_search_outbox_kind')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox')),
        sqlite_autoincrement=True,
    )


def downgrade():
    op.drop_table('search_outbox')
