"""versions, search index, responses and summary

Revision ID: b23e72f84d24
Revises: 64cf9b5e98a3
Create Date: 2026-11-30 07:38:32.504021

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = 'b23e72f84d24'
down_revision = '64cf9b5e98a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_document',
    sa.Column('key', sa.String(length=24), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('date', app.timeutil.UTCDateTime(), nullable=False),
    sa.Column('opens_at', app.timeutil.UTCDateTime(), nullable=False),
    sa.Column('closes_at', app.timeutil.UTCDateTime(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('fingerprint', sa.String(length=40), nullable=False),
    sa.Column('terms', sa.Text().with_variant(postgresql.TSVECTOR(), 'postgresql'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_search_document'))
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_document_consultation_id'), ['consultation_id'], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index('ix_search_document_terms', 'search_document', ['terms'], unique=False, postgresql_using='gin')

    op.create_table('summary',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', app.timeutil.UTCDateTime(), nullable=False),
    sa.Column('published_source', sa.Text(), nullable=True),
    sa.Column('published_html', sa.Text(), nullable=True),
    sa.Column('published_at', app.timeutil.UTCDateTime(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_summary_author_id_user')),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_summary_consultation_id_consultation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary')),
    sa.UniqueConstraint('consultation_id', name=op.f('uq_summary_consultation_id'))
    )
    op.create_table('response',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', app.timeutil.UTCDateTime(), nullable=False),
    sa.Column('updated_at', app.timeutil.UTCDateTime(), nullable=False),
    sa.Column('published_decision', sa.String(length=20), nullable=True),
    sa.Column('published_source', sa.Text(), nullable=True),
    sa.Column('published_html', sa.Text(), nullable=True),
    sa.Column('published_at', app.timeutil.UTCDateTime(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_response_author_id_user')),
    sa.ForeignKeyConstraint(['comment_id'], ['comment.id'], name=op.f('fk_response_comment_id_comment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_response')),
    sa.UniqueConstraint('comment_id', name=op.f('uq_response_comment_id'))
    )
    # Versions written before this revision were all published when they were created.
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', app.timeutil.UTCDateTime(), nullable=True))
    op.execute("UPDATE document_version SET created_at = published_at")
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=app.timeutil.UTCDateTime(), nullable=False)
        batch_op.alter_column('published_at', existing_type=app.timeutil.UTCDateTime(), nullable=True)



def downgrade():
    op.execute("UPDATE document_version SET published_at = created_at WHERE published_at IS NULL")
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.alter_column('published_at', existing_type=app.timeutil.UTCDateTime(), nullable=False)
        batch_op.drop_column('created_at')

    op.drop_table('response')
    op.drop_table('summary')
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index('ix_search_document_terms', table_name='search_document', postgresql_using='gin')
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_document_consultation_id'))

    op.drop_table('search_document')
