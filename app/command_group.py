"""The command group every `flask --app wsgi <group> <command>` of Kuulo belongs to: its
errors, usage errors too, are one line."""
from __future__ import annotations

import click
from flask.cli import AppGroup


class UsageLine(click.ClickException):
    """A mistyped command line, said in one line: "Error: Missing option '--email'."
    (Click would print the usage and a hint first; `--help` shows those.)"""

    exit_code = 2


class _OneLineCommand(click.Command):
    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise UsageLine(error.format_message()) from None


class CommandGroup(AppGroup):
    """`flask --app wsgi <group> <command>`: every error, a usage error too, is one line."""

    command_class = _OneLineCommand

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as error:
            raise UsageLine(error.format_message()) from None
