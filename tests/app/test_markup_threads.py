"""The sanitizer is called from many request threads at once (gunicorn threads, `flask
run`): every call must return exactly its own text. bleach's linkifier keeps parser state
on the instance, so one shared `Linker` mixed texts between threads and raised."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from app.markup import render_comment, render_markdown_inline

THREADS = 4
CALLS = 400


def _text(worker: int, i: int) -> str:
    # Links make the linkifier do real work; the marker tells whose text came back.
    return f"Kommentti merkki{worker}x{i} ja https://example.org/{worker}/{i} sekä *korostus*."


def _expected(worker: int, i: int) -> str:
    return (
        f'<p>Kommentti merkki{worker}x{i} ja <a href="https://example.org/{worker}/{i}" '
        f'rel="nofollow ugc noopener">https://example.org/{worker}/{i}</a> sekä <em>korostus</em>.</p>\n'
    )


def _run(worker: int, start: threading.Barrier, render) -> list[str]:
    start.wait()
    problems = []
    for i in range(CALLS):
        try:
            html = render(_text(worker, i))
        except Exception as error:  # noqa: BLE001 - every failure is a finding
            problems.append(f"{worker}/{i}: {error!r}")
            continue
        if html != _expected(worker, i):
            problems.append(f"{worker}/{i}: {html!r}")
    return problems


def test_render_comment_returns_each_threads_own_text():
    assert render_comment(_text(0, 0)) == _expected(0, 0)
    start = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda w: _run(w, start, render_comment), range(THREADS)))
    problems = [p for result in results for p in result]
    assert problems == [], f"{len(problems)} of {THREADS * CALLS} renders wrong, e.g. {problems[:3]}"


def test_draft_rendering_is_thread_safe_too():
    def inline(text):
        return f"<p>{render_markdown_inline(text)}</p>\n"

    start = threading.Barrier(THREADS)
    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda w: _run(w, start, inline), range(THREADS)))
    assert [p for result in results for p in result] == []
