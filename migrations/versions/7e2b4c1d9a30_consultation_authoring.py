"""consultation authoring: diary number, preview key, scheduled publishing, public note,
contact persons, invited organizations and the change log

Revision ID: 7e2b4c1d9a30
Revises: 2446a760c2b8
Create Date: 2026-12-05 23:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import app.timeutil  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '7e2b4c1d9a30'
down_revision = '2446a760c2b8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('diary_number', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('preview_key', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('publish_at', app.timeutil.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('public_note', sa.Text(), server_default='', nullable=False))
    op.create_table(
        'contact_person',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('ordinal', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_contact_person_consultation_id_consultation')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_person')),
    )
    op.create_index(op.f('ix_contact_person_consultation_id'), 'contact_person', ['consultation_id'], unique=False)
    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('organization_id', sa.Integer(), nullable=False),
        sa.Column('created_at', app.timeutil.UTCDateTime(), nullable=False),
        sa.Column('opening_notified_at', app.timeutil.UTCDateTime(), nullable=True),
        sa.Column('reminded_at', app.timeutil.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_invitation_consultation_id_consultation')),
        sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_invitation_organization_id_organization')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('consultation_id', 'organization_id', name='uq_invitation_consultation_org'),
    )
    op.create_index(op.f('ix_invitation_consultation_id'), 'invitation', ['consultation_id'], unique=False)
    op.create_index(op.f('ix_invitation_organization_id'), 'invitation', ['organization_id'], unique=False)
    op.create_table(
        'consultation_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('changed_at', app.timeutil.UTCDateTime(), nullable=False),
        sa.Column('field', sa.String(length=40), nullable=False),
        sa.Column('old_value', sa.Text(), nullable=False),
        sa.Column('new_value', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_consultation_change_consultation_id_consultation')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_consultation_change_user_id_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_change')),
    )
    op.create_index(op.f('ix_consultation_change_consultation_id'), 'consultation_change', ['consultation_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_consultation_change_consultation_id'), table_name='consultation_change')
    op.drop_table('consultation_change')
    op.drop_index(op.f('ix_invitation_organization_id'), table_name='invitation')
    op.drop_index(op.f('ix_invitation_consultation_id'), table_name='invitation')
    op.drop_table('invitation')
    op.drop_index(op.f('ix_contact_person_consultation_id'), table_name='contact_person')
    op.drop_table('contact_person')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('public_note')
        batch_op.drop_column('publish_at')
        batch_op.drop_column('preview_key')
        batch_op.drop_column('diary_number')
