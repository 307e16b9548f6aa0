"""Notifications: written to the outbox in the caller's transaction, sent by `flask outbox send`."""
from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage

import click
from flask import Flask, current_app
from flask_babel import force_locale
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.command_group import CommandGroup
from app.extensions import db
from app.models import User
from app.timeutil import UTCDateTime, utcnow


class OutboxMessage(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


def notify(user: User, kind: str, subject, body) -> OutboxMessage:
    """Queue a message to a user, in the user's own language. `subject` and `body` are
    callables returning text, evaluated under the recipient's locale."""
    return notify_address(user.email, user.locale, kind, subject, body)


def notify_address(email: str, locale: str | None, kind: str, subject, body) -> OutboxMessage:
    """Queue a message to an address that may have no account yet (registration)."""
    with force_locale(locale or "fi"):
        message = OutboxMessage(to_email=email, kind=kind, subject=str(subject()), body=str(body()))
    db.session.add(message)
    return message


# Packages that queue mails of their own before each send (followers' notifications):
# callables run inside `flask outbox send`, in its transaction, returning how many they queued.
_producers: list = []


def add_producer(produce) -> None:
    if produce not in _producers:
        _producers.append(produce)


def _deliver(message: OutboxMessage) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        current_app.logger.info("Outbox %s to %s: %s\n%s", message.id, message.to_email, message.subject, message.body)
        click.echo(f"[{message.kind}] to {message.to_email}: {message.subject}\n{message.body}\n")
        return
    email = EmailMessage()
    email["From"] = cfg["MAIL_FROM"]
    email["To"] = message.to_email
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


outbox_cli = CommandGroup("outbox", help="Notifications.")


@outbox_cli.command("send")
def send_command():
    """Queue the due notifications, then send queued messages (SMTP when MAIL_SERVER is
    set, else to the log)."""
    for produce in _producers:
        produce()
        db.session.commit()
    pending = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)
    ).all()
    sent = 0
    for message in pending:
        try:
            _deliver(message)
        except (OSError, smtplib.SMTPException) as error:
            db.session.commit()
            raise click.ClickException(f"sending message {message.id} failed: {error}") from None
        message.sent_at = utcnow()
        sent += 1
    db.session.commit()
    click.echo(f"Sent {sent} message(s).")


def register(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
