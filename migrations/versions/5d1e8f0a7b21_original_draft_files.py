"""original draft files

The .md, .txt or .docx file a draft version was read from, kept as uploaded so readers
can download it (issue 15 §7). Versions imported earlier have none.

Revision ID: 5d1e8f0a7b21
Revises: 3b7e9c2a1d40
Create Date: 2026-12-06 02:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '5d1e8f0a7b21'
down_revision = '3b7e9c2a1d40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('original_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', app.timeutil.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_original_file_version_id_document_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_original_file')),
    sa.UniqueConstraint('version_id', name=op.f('uq_original_file_version_id'))
    )


def downgrade():
    op.drop_table('original_file')
