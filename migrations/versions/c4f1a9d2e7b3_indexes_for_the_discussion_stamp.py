"""indexes for the discussion stamp: the latest hiding and the visible and held counts of a
consultation read from an index alone (comments/page_parts.py, issue 15 §4)

Revision ID: c4f1a9d2e7b3
Revises: 5d1e8f0a7b21
Create Date: 2026-12-06 02:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4f1a9d2e7b3'
down_revision = '5d1e8f0a7b21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.create_index('ix_comment_consultation_hidden', ['consultation_id', 'hidden_at'], unique=False)
        batch_op.create_index('ix_comment_consultation_visibility',
                              ['consultation_id', 'visibility', 'pending_review'], unique=False)


def downgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_consultation_visibility')
        batch_op.drop_index('ix_comment_consultation_hidden')
