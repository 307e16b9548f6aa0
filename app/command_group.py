"""The command group every `flask --app wsgi <group> <command>` of Kuulo belongs to: its
errors, usage errors too, are one line."""
from __future__ import annotations

from contextlib import contextmanager

import click
from flask.cli import AppGroup


class UsageLine(click.ClickException):
    """A mistyped command line, said in one line: "Error: Missing option '--email'."
    (Click would print the usage and a hint first; `--help` shows those.)"""

    exit_code = 2


@contextmanager
def _usage_in_one_line():
    try:
        yield
    except click.UsageError as error:
        raise UsageLine(error.format_message()) from None


class _OneLineCommand(click.Command):
    def parse_args(self, ctx, args):
        with _usage_in_one_line():
            return super().parse_args(ctx, args)


class CommandGroup(AppGroup):
    """`flask --app wsgi <group> <command>`: every error, a usage error too, is one line."""

    command_class = _OneLineCommand

    def resolve_command(self, ctx, args):
        with _usage_in_one_line():
            return super().resolve_command(ctx, args)
