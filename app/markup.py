"""The one place where user or draft text becomes HTML.

Markdown is rendered by markdown-it-py with raw HTML off, then cleaned by bleach to an
allow-list. Templates mark only this module's output as safe (through `stored_html`).
"""
from __future__ import annotations

import threading

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

COMMENT_TAGS = frozenset(
    {"p", "br", "em", "strong", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr"}
)
DRAFT_TAGS = COMMENT_TAGS | {"table", "thead", "tbody", "tr", "th", "td", "s"}
ATTRIBUTES = {"a": ["href", "title", "rel"], "ol": ["start"]}
PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# "commonmark" plus tables and strikethrough; html=False escapes any raw HTML in the source.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_markdown.enable(["table", "strikethrough"])


def _set_rel(attrs, new=False):
    href_key = (None, "href")
    if href_key in attrs:
        attrs[(None, "rel")] = LINK_REL
    return attrs


# bleach's Linker keeps its parser's state on the instance and is not thread-safe: a shared
# one mixed texts between request threads. Each thread builds its own once.
_per_thread = threading.local()


def _linker() -> Linker:
    linker = getattr(_per_thread, "linker", None)
    if linker is None:
        linker = _per_thread.linker = Linker(callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)
    return linker


def _clean(html: str, tags) -> str:
    cleaned = bleach.clean(
        html,
        tags=tags,
        attributes=ATTRIBUTES,
        protocols=PROTOCOLS,
        strip=True,
    )
    return _linker().linkify(cleaned)


def render_comment(source: str) -> str:
    """Markdown of a comment to sanitized HTML."""
    return _clean(_markdown.render(source or ""), COMMENT_TAGS)


def render_markdown_inline(source: str) -> str:
    """The inline Markdown of one draft block (heading text, paragraph, list item)."""
    return _clean(_markdown.renderInline(source or ""), DRAFT_TAGS)


def render_markdown_tokens(tokens) -> str:
    """A run of block tokens (a table) rendered and cleaned."""
    return _clean(_markdown.renderer.render(tokens, _markdown.options, {}), DRAFT_TAGS)


def parse_markdown(source: str):
    return _markdown.parse(source)


def clean_draft_html(html: str) -> str:
    """HTML built from another format (a Word document) cleaned to the draft allow-list."""
    return _clean(html, DRAFT_TAGS)


def render_plain(text: str) -> str:
    """Plain text of a draft block: escaped, line breaks kept."""
    return str(escape(text)).replace("\n", "<br>\n")


def stored_html(html: str) -> Markup:
    """HTML that this module produced and the database kept."""
    return Markup(html)
