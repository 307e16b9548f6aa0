"""list item markers

Revision ID: 0d944cae343e
Revises: 9ef5e13556fb
Create Date: 2026-11-30 07:57:13.032922

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0d944cae343e'
down_revision = '9ef5e13556fb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('paragraph', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marker', sa.String(length=12), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('paragraph', schema=None) as batch_op:
        batch_op.drop_column('marker')

