"""Bounded reading of uploaded ZIP archives (DOCX drafts, attachment type checks).

A small archive can inflate to gigabytes. The sizes in the central directory are checked
before anything is inflated, and members are read in small chunks through a capped
reader, because a member's header can lie: `ZipFile.read` inflates a whole member
at once before it cuts the result to the size the header claims.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MiB = 1024 * 1024
_CHUNK = 64 * 1024


class ArchiveTooLarge(ValueError):
    """The archive would inflate beyond its limits."""


@dataclass(frozen=True)
class ZipLimits:
    max_total: int = 50 * MiB  # all members together, uncompressed
    max_ratio: int = 100  # uncompressed : compressed, per member ...
    ratio_floor: int = 1 * MiB  # ... once it is larger than this
    max_members: int = 2000


def check_sizes(archive: zipfile.ZipFile, limits: ZipLimits) -> None:
    """Refuse by the central directory alone, before any member is inflated."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise ArchiveTooLarge(f"{len(infos)} members")
    total = 0
    for info in infos:
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveTooLarge(f"{info.filename}: compressed {info.compress_size}, claims {info.file_size}")
        total += info.file_size
        if total > limits.max_total:
            raise ArchiveTooLarge(f"more than {limits.max_total} bytes uncompressed")


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    """The member's bytes, chunk by chunk; ArchiveTooLarge past `limit` bytes. zipfile
    itself stops at the size the header claims (and then fails on the checksum)."""
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                raise ArchiveTooLarge(f"{info.filename}: more than {limit} bytes")
            yield chunk


def read_small_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    return b"".join(read_member(archive, archive.getinfo(name), limit))


def bounded_copy(data: bytes, limits: ZipLimits) -> bytes:
    """The archive checked and rewritten uncompressed through the capped reader, so that
    whatever reads the copy (python-docx) cannot inflate more than `limits` allow.
    Raises ArchiveTooLarge, or zipfile.BadZipFile for a damaged archive."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(output, "w", zipfile.ZIP_STORED) as copy:
        check_sizes(archive, limits)
        budget = limits.max_total
        for info in archive.infolist():
            if info.is_dir():
                continue
            with copy.open(info.filename, "w") as target:
                for chunk in read_member(archive, info, budget):
                    target.write(chunk)
                    budget -= len(chunk)
    return output.getvalue()
