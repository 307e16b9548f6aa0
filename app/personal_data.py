"""The personal-data registry: each package registers what it holds about a person, for
the GDPR export and for erasure, so that app/ never imports the packages above it.

A part's `export(user)` returns JSON-ready data; its `erase(user)` removes or anonymizes
the person's data in that package (flushing, never committing). Parts erase in `order`,
the account itself last, while the user's row still has the name and address to find."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

# What an erased person's name becomes everywhere (the wording, kept in Finnish
# as the statements it stands under are Finnish public documents).
ERASED_NAME = "(henkilö poistanut tilinsä)"


@dataclass(frozen=True)
class PersonalDataPart:
    name: str
    export: Callable[[Any], Any]
    erase: Callable[[Any], None]
    order: int = 100


_PARTS: dict[str, PersonalDataPart] = {}


def register(name: str, export: Callable[[Any], Any], erase: Callable[[Any], None], order: int = 100) -> None:
    """Called once at import by each package's personal-data module (idempotent)."""
    _PARTS[name] = PersonalDataPart(name, export, erase, order)


def parts() -> list[PersonalDataPart]:
    return sorted(_PARTS.values(), key=lambda part: (part.order, part.name))


def export_all(user) -> dict[str, Any]:
    return {part.name: part.export(user) for part in parts()}


def erase_all(user) -> None:
    for part in parts():
        part.erase(user)


def iso(value) -> str | None:
    return value.isoformat() if value is not None else None
