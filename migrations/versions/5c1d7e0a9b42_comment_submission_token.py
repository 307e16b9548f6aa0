"""comment submission token: one comment per form sent

Revision ID: 5c1d7e0a9b42
Revises: 0d944cae343e
Create Date: 2026-12-05 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '5c1d7e0a9b42'
down_revision = '0d944cae343e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_token', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_comment_author_submission_token', ['author_id', 'submission_token'], unique=True)


def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('uq_comment_author_submission_token')
        batch_op.drop_column('submission_token')
