"""The process's cache of rendered pages and exports: a byte-bounded LRU whose entries
expire after RENDER_CACHE_SECONDS. What goes in, and under which content stamp, is decided
by its users (the discussion pages, the summary and exports)."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app


class RenderCache:
    """A byte-bounded LRU of rendered outputs; thread-safe, entries expire after `ttl`."""

    def __init__(self, max_bytes: int, ttl: float) -> None:
        self.max_bytes, self.ttl = max_bytes, ttl
        self._entries: OrderedDict[tuple, tuple[float, object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if time.monotonic() - entry[0] > self.ttl:
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key: tuple, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic(), value, size)
            self._size += size
            while self._size > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        _, _, size = self._entries.pop(key)
        self._size -= size


def render_cache() -> RenderCache:
    """This application's cache (dropped whole when a person's data is erased)."""
    cache = current_app.extensions.get("kuulo_render_cache")
    if cache is None:
        cache = RenderCache(current_app.config["RENDER_CACHE_MAX_BYTES"], current_app.config["RENDER_CACHE_SECONDS"])
        current_app.extensions["kuulo_render_cache"] = cache
    return cache
