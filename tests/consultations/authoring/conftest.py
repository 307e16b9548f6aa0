"""The authority and its official, signed in with the English interface, that the
authoring tests work as."""
from __future__ import annotations

import pytest

from tests.consultations.authoring.helpers import use_language


@pytest.fixture
def authority(make_org):
    return make_org(name="Hyvinvointialue", slug="hva", kind="authority")


@pytest.fixture
def official(make_user, authority, login_as, client):
    user = make_user(role="official", orgs=[authority])
    login_as(user)
    use_language(client, "en")
    return user
