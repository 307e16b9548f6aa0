"""`flask orgs create` and `flask users create`."""
from __future__ import annotations

import click
from flask import Flask

from app.auth.services import AuthError, create_user
from app.command_group import CommandGroup
from app.extensions import db
from app.models import ORGANIZATION_KINDS
from app.organizations import OrganizationError, create_organization

orgs_cli = CommandGroup("orgs", help="Manage organizations.")
users_cli = CommandGroup("users", help="Manage users.")


@orgs_cli.command("create")
@click.option("--name", required=True)
@click.option("--slug", required=True)
@click.option("--business-id", default=None, help="Y-tunnus, e.g. 1234567-1")
@click.option("--kind", default="association", type=click.Choice(ORGANIZATION_KINDS))
def create_org_command(name, slug, business_id, kind):
    """Create an organization."""
    try:
        create_organization(name, slug, business_id, kind)
    except OrganizationError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created organization {slug}.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", required=True)
@click.option("--role", default="member", type=click.Choice(["member", "official", "admin"]))
@click.option("--org", "orgs", multiple=True, help="Organization slug; repeat for several.")
def create_user_command(email, password, name, role, orgs):
    """Create a user, optionally as a member of organizations."""
    try:
        create_user(email, password, name, role, orgs)
    except AuthError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created user {email}.")


def register(app: Flask) -> None:
    app.cli.add_command(orgs_cli)
    app.cli.add_command(users_cli)
