"""Secrets and data at rest on the hub (issue 11, items 12 and 13): district-app tokens only as hashes,
a user-only database and folders, and a vendor that learns of a district only once it authorized the app."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
import requests

from tests.hub_support import FAST, FakeClock, SignedUp, connect
from wizard.hub.dataapi import DataApiClient
from wizard.hub.errors import NotFound
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import VendorClient
from wizard.sandbox.server import RunningHub, start_hub
from wizard.sandbox.settings import HubSettings


def _stored_bytes(db_path: Path) -> bytes:
    return b"".join(part.read_bytes() for part in db_path.parent.glob(f"{db_path.name}*") if part.is_file())


def test_district_app_tokens_are_stored_only_as_hashes(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    credentials = connect(
        hub, clock, district, "amplify-curriculum", tmp_path / "roster", SharingSettings("district")
    )
    api = DataApiClient(hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    [first] = api.district_tokens()
    [second] = api.district_tokens()  # the hub cannot show a token again: it issues a new one
    assert first.access_token != second.access_token and first.district_id == second.district_id
    for token in (first, second):  # both work: a listing does not cut off a token in use
        assert next(api.for_district(token).districts()).id == district.district_id
    stored = _stored_bytes(hub.context.db.path)
    assert first.access_token.encode() not in stored and second.access_token.encode() not in stored
    with pytest.raises(Exception, match="not valid"):
        next(api.for_district("0" * 40).districts())


def test_the_hub_database_and_its_folders_are_user_only(tmp_path: Path, hub_settings: HubSettings) -> None:
    db_path = tmp_path / "new" / "data" / "hub.sqlite3"
    with start_hub(db_path, settings=hub_settings) as hub:
        requests.get(f"{hub.base_url}/healthz", timeout=5)
        for folder in (db_path.parent, db_path.parent.parent):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
        files = [p for p in db_path.parent.glob("hub.sqlite3*") if p.is_file()]
        assert db_path in files
        assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in files} == {p.name: 0o600 for p in files}


def test_a_vendor_sees_a_district_only_after_it_authorized_the_app(
    hub: RunningHub, district: SignedUp
) -> None:
    hub.settings.simulate_vendors = False
    client, district_id = district.client, district.district_id
    connection = client.add_connection(district_id, "amplify-curriculum")
    amplify = hub.reset_app_secret("amplify-curriculum")
    vendor = VendorClient(hub.base_url, amplify.client_id, amplify.client_secret, policy=FAST)
    assert vendor.connections() == []
    with pytest.raises(NotFound):
        vendor.decide(connection.id, "accept")
    client.authorize(district_id, connection.id)
    assert [c.id for c in vendor.connections()] == [connection.id]
