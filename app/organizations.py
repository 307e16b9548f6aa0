"""Creating organizations (CLI, demo data and administration share this)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import ORGANIZATION_KINDS, Organization, valid_business_id, valid_slug


class OrganizationError(ValueError):
    """Input that cannot become an organization."""


def organization_by_slug(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


def create_organization(name: str, slug: str, business_id: str | None = None, kind: str = "association") -> Organization:
    if not (name or "").strip():
        raise OrganizationError(_l("The name is required."))
    if not valid_slug(slug):
        raise OrganizationError(_l("The slug may contain only a-z, 0-9 and hyphens."))
    if kind not in ORGANIZATION_KINDS:
        raise OrganizationError(_l("Unknown kind of organization."))
    if organization_by_slug(slug) is not None:
        raise OrganizationError(_l("An organization with the slug %(slug)s already exists.", slug=slug))
    if business_id and not valid_business_id(business_id):
        raise OrganizationError(_l("Invalid business ID (Y-tunnus): %(value)s", value=business_id))
    if business_id and db.session.scalar(select(Organization.id).where(Organization.business_id == business_id)):
        raise OrganizationError(_l("An organization with the business ID %(value)s already exists.", value=business_id))
    organization = Organization(name=name.strip(), slug=slug, business_id=business_id or None, kind=kind)
    db.session.add(organization)
    db.session.flush()
    return organization


_FOLD = str.maketrans({"ä": "a", "å": "a", "ö": "o", "ü": "u", "é": "e", "è": "e"})


def unique_slug(name: str) -> str:
    """A free slug made of the name: "Etelä-Savon Yhdistys ry" → "etela-savon-yhdistys-ry"."""
    base = re.sub(r"[^a-z0-9]+", "-", (name or "").lower().translate(_FOLD)).strip("-")[:70].strip("-") or "org"
    slug, n = base, 1
    while organization_by_slug(slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug
