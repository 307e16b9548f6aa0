"""The authority's published answers that the discussion shows under comments.

The discussion cannot import the responses room above it (tests/test_layout.py), so that
room hands its loader in at start-up (create_app); until then there are no answers.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

_loader: Callable[[Iterable[int]], dict[int, Any]] | None = None


def register_answers(loader: Callable[[Iterable[int]], dict[int, Any]]) -> None:
    """`loader(comment_ids)`: the published answers, by comment id (idempotent)."""
    global _loader
    _loader = loader


def published_answers(comment_ids: Iterable[int]) -> dict[int, Any]:
    """The published answers to these comments, by comment id: what the public may read."""
    return _loader(comment_ids) if _loader is not None else {}
