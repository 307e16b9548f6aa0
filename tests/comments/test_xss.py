"""XSS payloads in comment bodies, display names, organization names, consultation titles
and draft text render inert on every page that shows them (SECURITY.md, "Input and
output"); links in comments get rel="nofollow ugc noopener"."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import csrf_from, login, paragraphs_of, register_by_email



PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<javascript:alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[v](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '<div onmouseover="alert(1)">hover</div>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<object data=javascript:alert(1)></object>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '[x](https://example.org "a\\" onmouseover=alert(1) x=\\"b")',
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",  # indented code block
]

FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "style", "base", "applet",
                  "video", "audio", "source", "math", "link", "form", "meta", "svg"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background", "srcset", "ping"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


# The templates' charts: bar charts are images; the heat strip is a group, as its columns
# are links (issue 15 §6). A comment cannot produce an <svg> at all (bleach drops it).
TEMPLATE_CHARTS = {("bar-chart", "img"), ("heat-strip", "group")}


def _template_chart(css_class: str | None, role: str | None) -> bool:
    return (css_class, role) in TEMPLATE_CHARTS


def _template_tag(tag: str, attributes: dict) -> bool:
    """Tags the templates themselves may use; a payload cannot produce them."""
    if tag in ("script", "img"):  # only files of our own
        return (attributes.get("src") or "").startswith("/static/")
    if tag == "svg":  # the accessible charts of the templates
        return _template_chart(attributes.get("class"), attributes.get("role")) and not attributes.get("onload")
    if tag == "link":
        return attributes.get("rel") == "stylesheet" and (attributes.get("href") or "").startswith("/static/")
    if tag == "meta":
        return set(attributes) <= {"charset", "name", "content"} and "http-equiv" not in attributes
    if tag == "form":
        action = attributes.get("action") or ""
        return action.startswith("/") and not action.startswith("//")
    return False


class DangerFinder(HTMLParser):
    """Collects everything in a page that could run script, as a browser would parse it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.body_seen = 0
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        attributes = {name.lower(): value for name, value in attrs}
        if tag == "body":
            self.body_seen += 1
            if self.body_seen > 1 or attrs:
                self.problems.append(f"extra <body {attrs}>")
        elif tag in FORBIDDEN_TAGS | {"script", "img"} and not _template_tag(tag, attributes):
            self.problems.append(f"<{tag} {attrs}>")
        if tag == "script":
            self.in_script = True
        for name, value in attributes.items():
            if name.startswith("on"):
                self.problems.append(f"event attribute {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                if squeezed.startswith(BAD_SCHEMES):
                    self.problems.append(f"{name}={value!r} on <{tag}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() == "script":
            self.in_script = False

    def handle_endtag(self, tag):
        if tag.lower() == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script {data[:60]!r}")


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


RAW_TAG = re.compile(r"<(script|svg|iframe|math|style|object|embed)\b[^>]*>", re.I)


def assert_inert(html: str, payload: str, where: str):
    finder = DangerFinder()
    finder.feed(html)
    finder.close()
    assert not finder.problems, f"{where}: {finder.problems} for payload {payload!r}"
    # The same, on the raw text: no dangerous tag opens unless it is one of the templates'.
    for match in RAW_TAG.finditer(html):
        tag = match.group(0)
        allowed = ('src="/static/' in tag and match.group(1).lower() == "script") or (
            match.group(1).lower() == "svg" and "onload" not in tag.lower()
            and _template_chart(*(_attribute(tag, name) for name in ("class", "role")))
        )
        assert allowed, f"{where}: {tag} for payload {payload!r}"
    if any(ch in payload for ch in "<>\""):
        assert payload not in html, f"{where}: raw payload {payload!r} in page"


@pytest.fixture
def stage(app, make_org, make_user, make_consultation, make_comment):
    """Everything with the payload in it: author, organizations, consultation, comments."""

    def build(payload: str):
        authority = make_org(name=f"Alue {payload}", kind="authority")
        organization = make_org(name=f"Yhdistys {payload}")
        author = make_user(name=f"Kirjoittaja {payload}"[:120], orgs=[organization])
        source = f"# Luku\n\nKappale, jossa on {payload} mukana.\n\nToinen kappale.\n"
        consultation = make_consultation(organizer=authority, title=f"Kuuleminen {payload}", source=source)
        anchor = paragraphs_of(consultation)[1].anchor
        root = make_comment(consultation, author, organization, body=f"Yleinen: {payload}")
        on_paragraph = make_comment(consultation, author, organization, body=payload, anchor=anchor)
        reply = make_comment(consultation, author, organization, body=f"Vastaus {payload}", parent=root)
        return consultation, author, organization, anchor, (root, on_paragraph, reply)

    return build


def _pages(consultation, organization, anchor, comments):
    slug = consultation.slug
    yield f"/consultations/{slug}/"
    yield f"/consultations/{slug}/comments/"
    yield f"/consultations/{slug}/comments/?paragraph={anchor}"
    yield f"/consultations/{slug}/comments/?organization={organization.slug}"
    yield "/"
    yield "/consultations/"
    for comment in comments:
        yield f"/comments/{comment.id}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_inert_everywhere(app, stage, make_user, payload):
    consultation, author, organization, anchor, comments = stage(payload)
    urls = list(_pages(consultation, organization, anchor, comments))

    anonymous = app.test_client()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), payload, f"anonymous {url}")

    # Logged in as the author: their name in the header, their organization in the form,
    # and their own comment in the edit form's textarea.
    author_client = app.test_client()
    assert login(author_client, author).status_code == 302
    for url in [*urls, f"/comments/{comments[1].id}/edit"]:
        response = author_client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.get_data(as_text=True), payload, f"author {url}")

    # The administration page lists names and organizations.
    admin = make_user(role="admin")
    admin_client = app.test_client()
    assert login(admin_client, admin).status_code == 302
    response = admin_client.get("/admin/users")
    assert response.status_code == 200
    assert_inert(response.get_data(as_text=True), payload, "admin /admin/users")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_posted_through_the_form_is_stored_sanitized(app, make_org, make_user, make_consultation, payload):
    from app.extensions import db
    from comments.models import Comment
    from sqlalchemy import select

    organization = make_org()
    author = make_user(orgs=[organization])
    consultation = make_consultation()
    client = app.test_client()
    assert login(client, author).status_code == 302
    token = csrf_from(client, f"/consultations/{consultation.slug}/")
    response = client.post(
        f"/consultations/{consultation.slug}/comments/",
        data={"body": payload, "organization": organization.slug, "paragraph": "", "csrf_token": token},
    )
    assert response.status_code == 302
    db.session.expire_all()
    stored = db.session.scalars(select(Comment).where(Comment.consultation_id == consultation.id)).one()
    assert stored.body_source == payload.strip()  # the source is kept as written
    assert_inert(f"<html><body>{stored.body_html}</body></html>", payload, "stored body_html")
    assert_inert(client.get(response.headers["Location"]).get_data(as_text=True), payload, "after posting")


def test_reflected_query_string_is_escaped(client, make_consultation):
    consultation = make_consultation()
    payload = '"><script>alert(1)</script><img src=x onerror=alert(1)>'
    for url in (f"/consultations/{consultation.slug}/?x={payload}", f"/consultations/{consultation.slug}/comments/?x={payload}",
                f"/auth/login?next={payload}", f"/nonexistent?{payload}"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert_inert(response.get_data(as_text=True), payload, url)


def test_payload_in_rejected_form_is_escaped(app, make_org, make_user, make_consultation):
    """The text given back after an error is escaped, too."""
    organization = make_org()
    author = make_user(orgs=[organization])
    consultation = make_consultation()
    client = app.test_client()
    assert login(client, author).status_code == 302
    token = csrf_from(client, f"/consultations/{consultation.slug}/")
    payload = "</textarea><script>alert(1)</script>"
    response = client.post(
        f"/consultations/{consultation.slug}/comments/",
        data={"body": payload, "organization": "not-my-org", "paragraph": "", "csrf_token": token},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert_inert(html, payload, "rejected form")
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_register_form_echo_is_escaped(client):
    payload = '"><script>alert(1)</script>'
    token = csrf_from(client, "/auth/register")
    response = client.post("/auth/register", data={
        "display_name": payload, "email": "not-an-address", "csrf_token": token})
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), payload, "register")


def test_choose_password_form_echo_is_escaped(client):
    payload = '"><script>alert(1)</script>'
    response = register_by_email(client, payload, "x@example.org", "short")
    assert response.status_code == 400
    assert_inert(response.get_data(as_text=True), payload, "choose password")


LINK_COMMENT = (
    "See [the plan](https://example.org/plan), <https://example.org/auto>, "
    "http://example.org/bare, www.example.org and [mail](mailto:info@example.org)."
)


def _comment_links(html: str) -> list[dict]:
    class Links(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.depth, self.links = 0, []

        def handle_starttag(self, tag, attrs):
            attributes = dict(attrs)
            if self.depth:
                self.depth += tag not in ("br", "hr")
                if tag == "a":
                    self.links.append(attributes)
            elif tag == "div" and "comment-body" in (attributes.get("class") or ""):
                self.depth = 1

        def handle_endtag(self, tag):
            if self.depth:
                self.depth -= 1

    parser = Links()
    parser.feed(html)
    return parser.links


def test_links_in_comments_are_nofollow_ugc_noopener(app, client, make_org, make_user, make_consultation, make_comment):
    organization = make_org()
    author = make_user(orgs=[organization])
    consultation = make_consultation()
    comment = make_comment(consultation, author, organization, body=LINK_COMMENT)
    for url in (f"/consultations/{consultation.slug}/", f"/consultations/{consultation.slug}/comments/",
                f"/comments/{comment.id}"):
        links = _comment_links(client.get(url).get_data(as_text=True))
        web = [link for link in links if link.get("href", "").startswith(("http://", "https://"))]
        assert {link["href"] for link in web} >= {
            "https://example.org/plan", "https://example.org/auto", "http://example.org/bare",
        }, links
        for link in links:
            assert set((link.get("rel") or "").split()) >= {"nofollow", "ugc", "noopener"}, link
            assert link["href"].startswith(("http://", "https://", "mailto:")), link


def test_template_syntax_in_text_is_printed_not_evaluated(client, make_org, make_user, make_consultation, make_comment):
    organization = make_org(name="Yhdistys {{ 6*7 }} ry")
    author = make_user(orgs=[organization], name="Nimi {{ config.SECRET_KEY }}")
    consultation = make_consultation()
    comment = make_comment(consultation, author, organization, body="Laske {{ 7*7 }} ja {% raw %}")
    html = client.get(f"/comments/{comment.id}").get_data(as_text=True)
    assert "Laske {{ 7*7 }} ja {% raw %}" in html
    assert "Yhdistys {{ 6*7 }} ry" in html
    assert "Nimi {{ config.SECRET_KEY }}" in html
    assert "test-secret" not in html


@pytest.mark.parametrize(
    "bad_html",
    [
        "<p><script>alert(1)</script></p>",
        '<p><img src=x onerror="alert(1)"></p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<a href="data:text/html,x">x</a>',
        "<svg onload=alert(1)>",
        "<svg><circle/></svg>",
        '<svg role="group"><circle/></svg>',
        '<svg class="bar-chart" role="group"></svg>',
        "<iframe src=//evil.example></iframe>",
        "<math><mi>x</mi></math>",
        "<style>p{}</style>",
        '<p style="color:red">x</p>',
        '<div onmouseover="alert(1)">x</div>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<form action="javascript:alert(1)"></form>',
        "<body onload=alert(1)>",
    ],
)
def test_the_checker_catches_live_markup(bad_html):
    """The assertions above would fail if anything of this kind reached a page."""
    page = f'<!doctype html><html><head><meta charset="utf-8"></head><body><main>{bad_html}</main></body></html>'
    with pytest.raises(AssertionError):
        assert_inert(page, "unrelated payload", "self-test")


def test_the_checker_accepts_escaped_text_and_template_markup():
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/static/css/kuulo.css">'
        '<script src="/static/js/app.js"></script></head><body>'
        '<form method="post" action="/language"><input type="hidden" name="next" value="/?a=&lt;b onload=x&gt;"></form>'
        '<p>&lt;script&gt;alert(1)&lt;/script&gt; [x](javascript:alert(1))</p>'
        '<svg class="bar-chart" role="img"></svg>'
        '<svg class="heat-strip" role="group"><a href="#p-1" tabindex="-1" aria-hidden="true"><rect/></a></svg>'
        '<a href="https://example.org" rel="nofollow ugc noopener" title="a&quot; onmouseover=alert(1)">x</a>'
        "</body></html>"
    )
    assert_inert(page, "<script>alert(1)</script>", "self-test")
