"""Rehearse Instant Login: the real authorization-code flow into the hub's simulated vendor app."""

from __future__ import annotations

from pathlib import Path

import requests

from tests.hub_support import FakeClock, SignedUp, small_roster, upload_roster
from wizard.hub.models import SharingSettings
from wizard.sandbox.server import RunningHub
from wizard.support.linkcheck import read_vendor_roster
from wizard.support.rehearsal import rehearse_instant_login

APP = "symphony-math"


def _shared(hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path, school: str) -> str:
    upload_roster(signed, tmp_path / "roster")
    client, district_id = signed.client, signed.district_id
    connection = client.add_connection(district_id, APP)
    client.authorize(district_id, connection.id)
    clock.advance(hub.settings.vendor_delay + 1)
    client.send_message(district_id, connection.id, "The import is done.")
    clock.advance(hub.settings.vendor_delay + 1)
    schools = {s.name: s.id for s in client.schools(district_id)}
    client.set_sharing(district_id, connection.id, SharingSettings("schools", school_ids=(schools[school],)))
    return connection.id


def test_a_linked_student_lands_in_their_account_and_an_unlinked_one_is_explained(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    connection_id = _shared(hub, clock, district, tmp_path, "Cedar Middle")
    cedar = [s for s in small_roster()["students"] if s["School_id"] == "201"]
    linked, zeros = cedar[0], cedar[1]
    roster_file = tmp_path / "symphony.csv"
    roster_file.write_text(
        "Username,ExternalID,FirstName,LastName\n"
        f"mathwiz1,{linked['Student_id']},{linked['First_name']},{linked['Last_name']}\n"
        f"oldacct2,,{zeros['First_name']},{zeros['Last_name']}\n",
        encoding="utf-8",
    )
    roster = read_vendor_roster(roster_file)
    hub.reset_app_secret(APP)  # the simulated vendor app signs in with the app's current credentials
    shared = {u.sis_id: u for u in client.shared_users(district_id, connection_id, role="student")}

    ok = rehearse_instant_login(client, district_id, APP, shared[linked["Student_id"]], roster)
    assert ok.signed_in and ok.account == "mathwiz1"
    assert ok.headline == "Signed in to account mathwiz1 (progress kept)."

    missing = rehearse_instant_login(client, district_id, APP, shared[zeros["Student_id"]], roster)
    assert not missing.signed_in and missing.account == ""
    assert missing.headline.startswith("No account links this student: an account with the same name exists")
    assert "oldacct2" in missing.what_to_do

    # a student the district does not share never reaches the app: the hub's own words say so
    maple = next(s for s in small_roster()["students"] if s["School_id"] == "101")
    outsider = next(iter(client.find_users(district_id, maple["Student_id"])))
    refused = rehearse_instant_login(client, district_id, APP, outsider, roster)
    assert not refused.signed_in and "not shared with the app" in refused.headline


def test_the_callback_is_a_registered_redirect_uri_and_a_foreign_one_is_refused(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    _shared(hub, clock, district, tmp_path, "Cedar Middle")
    sis_id = next(s for s in small_roster()["students"] if s["School_id"] == "201")["Student_id"]
    credentials = hub.reset_app_secret(APP)
    params = {
        "response_type": "code",
        "client_id": credentials.client_id,
        "district_id": district.district_id,
        "login_hint": sis_id,
    }
    own = requests.get(
        f"{hub.base_url}/oauth/authorize",
        params={**params, "redirect_uri": f"{hub.base_url}/vendor-apps/{APP}/callback"},
        allow_redirects=False,
        timeout=5,
    )
    assert own.status_code == 302 and own.headers["location"].startswith(
        f"{hub.base_url}/vendor-apps/{APP}/callback?code="
    )
    foreign = requests.get(
        f"{hub.base_url}/oauth/authorize",
        params={**params, "redirect_uri": f"{hub.base_url}/vendor-apps/lexia-core5/callback"},
        allow_redirects=False,
        timeout=5,
    )
    assert foreign.status_code == 400 and "not one registered" in foreign.json()["error_description"]
