"""user emails stored lowercased with Python's Unicode lower (app.models.User): SQLite's
lower() folds ASCII only, so an address with a non-ASCII capital was never found again.
An address whose lowered form another account already holds is left as it is.

Revision ID: e8a4c1f07b52
Revises: c4f1a9d2e7b3
Create Date: 2026-12-06 06:50:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e8a4c1f07b52'
down_revision = 'c4f1a9d2e7b3'
branch_labels = None
depends_on = None

USERS = sa.table("user", sa.column("id", sa.Integer), sa.column("email", sa.String))


def upgrade():
    connection = op.get_bind()
    rows = connection.execute(sa.select(USERS.c.id, USERS.c.email)).all()
    taken = {email for _id, email in rows}
    for user_id, email in rows:
        lowered = email.strip().lower()
        if lowered != email and lowered not in taken:
            connection.execute(USERS.update().where(USERS.c.id == user_id).values(email=lowered))
            taken.discard(email)
            taken.add(lowered)


def downgrade():
    pass  # the typed capitals are not kept; lowercased addresses work either way
