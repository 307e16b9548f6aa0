"""The sections of a consultation's management page (/consultations/<slug>/manage).

Each package that has a part in managing a consultation registers it at start-up
(create_app); templates/manage/index.html shows the registered sections in `order`.
A section's template gets the page's context (`consultation` and the page's forms).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ManageSection:
    key: str  # the heading's id is "<key>-heading"
    title: Any  # a lazy string, translated when shown
    template: str
    order: int = 100


_SECTIONS: dict[str, ManageSection] = {}


def register_section(key: str, title, template: str, order: int = 100) -> None:
    """Add (or replace, for the same key) a section of the management page."""
    _SECTIONS[key] = ManageSection(key, title, template, order)


def sections() -> list[ManageSection]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))
