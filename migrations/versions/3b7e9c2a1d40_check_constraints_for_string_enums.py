"""check constraints for string enums

Every column that holds one of a fixed set of strings gets a CHECK constraint
(app/string_enums.py). The sets are written out here as they are today: a later change
of a set is a migration of its own.

On SQLite the tables are rebuilt (batch mode); the rebuild cannot reflect partial and
expression indexes (uq_report_open_per_reporter, uq_user_email_lower, ...), so each
table's index definitions are read from sqlite_master first and put back as they were.

Revision ID: 3b7e9c2a1d40
Revises: 7e2b4c1d9a30
Create Date: 2026-12-06 00:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3b7e9c2a1d40'
down_revision = '7e2b4c1d9a30'
branch_labels = None
depends_on = None

REASONS = ("spam", "offensive", "personal_data", "off_topic", "other")
DECISIONS = ("accepted", "partly", "not_accepted", "noted")
ORGANIZATION_KINDS = ("authority", "association", "foundation", "company", "other")
NOTIFICATION_MODES = ("immediate", "daily")

# table -> column -> allowed values
CHECKS = {
    "organization": {"kind": ORGANIZATION_KINDS},
    "user": {
        "locale": ("fi", "sv", "en"),
        "role": ("member", "official", "admin"),
        "notification_mode": NOTIFICATION_MODES,
    },
    "membership": {"role": ("member", "admin")},
    "membership_request": {
        "kind": ("join", "register"),
        "org_kind": ORGANIZATION_KINDS,
        "status": ("pending", "approved", "declined"),
    },
    "admin_action": {
        "action": (
            "user_role", "user_lock", "user_unlock", "membership_add", "membership_remove", "membership_role",
            "org_create", "org_edit", "org_verify", "org_unverify", "org_merge",
        ),
    },
    "notification_run": {"mode": NOTIFICATION_MODES},
    "consultation": {"language": ("fi", "sv"), "commenters": ("organizations", "registered")},
    "document_version": {"source_format": ("markdown", "text", "docx")},
    "paragraph": {"kind": ("heading", "paragraph", "list_item", "table", "figure")},
    "comment": {"visibility": ("visible", "hidden"), "hide_reason": REASONS},
    "report": {"reason": REASONS, "status": ("open", "upheld", "dismissed")},
    "moderation_event": {
        "action": ("report", "hide", "restore", "dismiss", "auto_hide", "appeal"),
        "reason": REASONS,
    },
    "response": {"decision": DECISIONS, "published_decision": DECISIONS},
}


def _condition(column, values):
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f'"{column}" IN ({listed})'


def _name(table, column):
    return op.f(f"ck_{table}_{column}")


def _index_sql(table):
    rows = op.get_bind().exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,)
    )
    return dict(rows.all())


def _change(table, alter):
    """Run `alter(batch_or_op)` on one table; on SQLite in batch mode, keeping its indexes."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        alter(None)
        return
    before = _index_sql(table)
    with op.batch_alter_table(table) as batch:
        alter(batch)
    after = _index_sql(table)
    for name, sql in before.items():
        if after.get(name) != sql:
            if name in after:
                bind.exec_driver_sql(f'DROP INDEX "{name}"')
            bind.exec_driver_sql(sql)


def upgrade():
    for table, columns in CHECKS.items():
        def alter(batch, table=table, columns=columns):
            for column, values in columns.items():
                if batch is None:
                    op.create_check_constraint(_name(table, column), table, _condition(column, values))
                else:
                    batch.create_check_constraint(_name(table, column), _condition(column, values))
        _change(table, alter)


def downgrade():
    for table, columns in CHECKS.items():
        def alter(batch, table=table, columns=columns):
            for column in columns:
                if batch is None:
                    op.drop_constraint(_name(table, column), table, type_="check")
                else:
                    batch.drop_constraint(_name(table, column), type_="check")
        _change(table, alter)
