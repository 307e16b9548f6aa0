"""index for the latest comment edit per consultation

Revision ID: 9ef5e13556fb
Revises: b23e72f84d24
Create Date: 2026-11-30 07:52:45.970958

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '9ef5e13556fb'
down_revision = 'b23e72f84d24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_consultation_edited', ['consultation_id', 'edited_at'], unique=False)



def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_consultation_edited')

