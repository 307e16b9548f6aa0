"""Small archives that inflate to a lot, for the tests that uploads are bounded by their
decompressed size, and a way to see the memory a request took."""
from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
from contextlib import contextmanager
from types import SimpleNamespace

MiB = 1024 * 1024


@contextmanager
def peak_memory():
    """The peak of Python's allocations inside the block, in `.peak` afterwards. It sees
    inflated bytes; memory that C libraries (lxml) allocate on their own it does not."""
    measured = SimpleNamespace(peak=None)
    tracemalloc.start()
    try:
        yield measured
    finally:
        measured.peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def write_spaces(member, count: int) -> None:
    """`count` spaces into an open archive member, a mebibyte at a time."""
    for start in range(0, count, MiB):
        member.write(b" " * min(MiB, count - start))


def claiming_size(data: bytes, name: str, claimed: int) -> bytes:
    """The archive with `name`'s uncompressed size rewritten to `claimed` in its local
    header and its central directory entry: a lying header (the stream is unchanged)."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    assert info.file_size < 0xFFFFFFFF and not info.extra, "a plain (not ZIP64) member is expected"
    struct.pack_into("<I", patched, info.header_offset + 22, claimed)
    position = struct.unpack("<I", data[-6:-2])[0]  # the end record: where the central directory starts
    while patched[position:position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack("<HHH", patched[position + 28:position + 34])
        if bytes(patched[position + 46:position + 46 + name_length]).decode() == name:
            struct.pack_into("<I", patched, position + 24, claimed)
            return bytes(patched)
        position += 46 + name_length + extra_length + comment_length
    raise AssertionError(f"{name} not in the central directory")
