"""Fifty people post at the same moment to a real threaded server on a SQLite file (as
`flask run` serves): every post is answered with a redirect, none with a 5xx (the pool
once ran out after 5 + 10 connections), every comment is stored once with exactly its
text and an HTML equal to a fresh render, and the search index is in step with no repair."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.markup import render_comment
from comments.models import Comment
from tests.conftest import PASSWORD
from tests.live import Browser, burst, hidden_fields

POSTERS = 50


def test_fifty_simultaneous_posters(app, live_server, make_org, make_user, make_consultation):
    org = make_org(slug="samanaikaiset")
    users = [make_user(orgs=[org]) for _ in range(POSTERS)]
    consultation = make_consultation(status="open")
    slug, org_slug, emails = consultation.slug, org.slug, [user.email for user in users]
    action = f"/consultations/{slug}/comments/"
    db.session.remove()  # the server's threads write; this test only reads afterwards

    forms = []
    for n, email in enumerate(emails):
        browser = Browser(live_server.url)
        browser.login(email, PASSWORD)
        _status, page = browser.get(f"/consultations/{slug}/")
        text = (f"Samaan aikaan {n}: katso https://example.org/{n} ja **huomaa** tämä, "
                f"merkki{n}x ei sekoitu muihin.")
        forms.append((browser, {**hidden_fields(page, f'action="{action}"'), "body": text, "paragraph": "",
                                "organization": org_slug}))

    answers = burst([lambda b=browser, f=fields: b.post(action, f) for browser, fields in forms])

    assert [status for status, _page in answers] == [200] * POSTERS  # each redirect was followed
    assert live_server.errors == []
    stored = db.session.execute(select(Comment.body_source, Comment.body_html)).all()
    assert sorted(source for source, _html in stored) == sorted(fields["body"] for _b, fields in forms)
    assert [source for source, html in stored if html != render_comment(source)] == []
    for n, (status, page) in enumerate(answers):
        assert re.search(rf"merkki{n}x\b", page), f"poster {n} did not land on a page with their comment"
    result = app.test_cli_runner().invoke(args=["search", "verify"])
    assert result.exit_code == 0, result.output
