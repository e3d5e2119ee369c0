"""Rehearse Instant Login: the real authorization-code flow into the hub's simulated vendor app."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.hub_support import FAST, FakeClock, SignedUp, small_roster, upload_roster
from wizard.hub.dataapi import DataApiClient
from wizard.hub.errors import NotFound
from wizard.hub.models import SharingSettings
from wizard.hub.vendor import VendorClient
from wizard.sandbox.server import RunningHub
from wizard.support.linkcheck import PLAIN_WORDS, check_login_links, read_vendor_roster
from wizard.support.reading import connected_districts, read_district
from wizard.support.rehearsal import rehearse_checked_student, rehearse_instant_login
from wizard.wire.onboarding import VendorAccountIn

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


def test_the_vendor_gives_the_rehearsal_app_its_roster_only_for_a_district_that_authorized_it(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    district_id = district.district_id
    symphony, lexia = hub.reset_app_secret(APP), hub.reset_app_secret("lexia-core5")
    account = [VendorAccountIn(username="mathwiz1", external_id="1")]
    vendor = VendorClient(hub.base_url, symphony.client_id, symphony.client_secret, policy=FAST)
    other = VendorClient(hub.base_url, lexia.client_id, lexia.client_secret, policy=FAST)
    api = DataApiClient(hub.base_url, symphony.client_id, symphony.client_secret, policy=FAST)
    try:
        with pytest.raises(NotFound):  # the district has not added the app
            vendor.load_vendor_accounts(district_id, APP, account)
        _shared(hub, clock, district, tmp_path, "Cedar Middle")
        assert vendor.load_vendor_accounts(district_id, APP, account).accounts == 1
        with pytest.raises(NotFound):  # another app's roster is not this vendor's to give
            vendor.load_vendor_accounts(district_id, "lexia-core5", account)
        with pytest.raises(NotFound):  # nor a district that did not authorize that app
            other.load_vendor_accounts(district_id, "lexia-core5", account)

        # the support view's rehearsal: the vendor's credentials, and the link check's own reasons
        cedar = [s for s in small_roster()["students"] if s["School_id"] == "201"]
        roster_file = tmp_path / "symphony.csv"
        roster_file.write_text(
            "Username,ExternalID,FirstName,LastName\n"
            f"mathwiz1,{cedar[0]['Student_id']},{cedar[0]['First_name']},{cedar[0]['Last_name']}\n",
            encoding="utf-8",
        )
        roster = read_vendor_roster(roster_file)
        [connected] = connected_districts(api)
        links = check_login_links(read_district(api.for_district(connected.token)), roster)
        by_sis = {link.student.sis_id: link for link in links.students}
        ok = rehearse_checked_student(vendor, district_id, APP, by_sis[cedar[0]["Student_id"]], roster)
        assert ok.signed_in and ok.headline == "Signed in to account mathwiz1 (progress kept)."
        unlinked = by_sis[cedar[1]["Student_id"]]
        missing = rehearse_checked_student(vendor, district_id, APP, unlinked, roster)
        assert not missing.signed_in
        assert missing.headline == f"No account links this student: {PLAIN_WORDS[unlinked.outcome]}."
    finally:
        vendor.close()
        other.close()
        api.close()
