"""One registration link confirmed twice, the second time before or after the first
has created the account: the second answers "already exists", never a 500, and one
account exists (issue 12, defect 7)."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import User
from tests.conftest import csrf_from, registration_path
from tests.search.conftest import POSTGRES_URL

PASSWORD = "Tuulinen-Syyspäivä-42"
ALREADY_EXISTS = "An account with this email address already exists."


def _english_client(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def _link(app, email: str) -> str:
    client = app.test_client()
    response = client.post("/auth/register", data={
        "display_name": "Äijä", "email": email, "csrf_token": csrf_from(client, "/auth/register"),
    })
    assert response.status_code == 302
    return registration_path(email)


def _confirm_form(client, path: str) -> dict:
    return {"display_name": "Äijä", "password": PASSWORD, "password_confirm": PASSWORD,
            "csrf_token": csrf_from(client, path)}


def _accounts() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def test_second_confirmation_of_an_address_the_database_folds_differently(app):
    """SQLite's lower() leaves Ä as it is, so the existence check misses the first
    account and only the unique index notices."""
    path = _link(app, "Äijä@example.org")
    first, second = _english_client(app), _english_client(app)
    assert first.post(path, data=_confirm_form(first, path)).status_code == 302
    response = second.post(path, data=_confirm_form(second, path))
    assert response.status_code == 400
    assert ALREADY_EXISTS in response.get_data(as_text=True)
    assert _accounts() == 1


def _wait_until_blocked_by(pid: int, deadline_seconds: float = 30) -> None:
    """Until another PostgreSQL backend waits for a lock that backend `pid` holds."""
    engine = create_engine(POSTGRES_URL)
    try:
        deadline = time.monotonic() + deadline_seconds
        with engine.connect() as connection:
            while time.monotonic() < deadline:
                waiting = connection.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                    {"pid": pid},
                ).scalar_one()
                if waiting:
                    return
                time.sleep(0.05)
        pytest.fail("the second confirmation never waited for the first one's insert")
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_two_tabs_confirm_at_the_same_moment(app):
    """The first tab has inserted the account but not committed when the second checks
    for it; the second's insert waits for the first's commit, then hits the unique index."""
    path = _link(app, "maija@example.org")
    tabs = {name: _english_client(app) for name in ("tab-1", "tab-2")}
    forms = {name: _confirm_form(client, path) for name, client in tabs.items()}
    responses, inserted, release, first_backend = {}, threading.Event(), threading.Event(), []

    def hold_first_tab_before_commit(session, _context):
        if threading.current_thread().name == "tab-1" and any(isinstance(o, User) for o in session.new):
            first_backend.append(session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
            inserted.set()
            release.wait(30)

    def confirm():
        name = threading.current_thread().name
        responses[name] = tabs[name].post(path, data=forms[name])

    event.listen(Session, "after_flush", hold_first_tab_before_commit)
    threads = [threading.Thread(target=confirm, name=name) for name in tabs]
    try:
        threads[0].start()
        assert inserted.wait(30), "the first tab never inserted the account"
        threads[1].start()
        _wait_until_blocked_by(first_backend[0])
    finally:
        release.set()
        for thread in threads:
            if thread.ident is not None:
                thread.join(60)
        event.remove(Session, "after_flush", hold_first_tab_before_commit)

    assert responses["tab-1"].status_code == 302
    assert responses["tab-2"].status_code == 400
    assert ALREADY_EXISTS in responses["tab-2"].get_data(as_text=True)
    assert _accounts() == 1
