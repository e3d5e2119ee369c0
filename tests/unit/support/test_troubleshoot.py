from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest

from tests.hub_support import FAST
from tests.unit.support.conftest import TODAY, Demo
from wizard.hub.dataapi import DataDistrict
from wizard.hub.onboarding import OnboardingClient, VendorClient
from wizard.roster.vendor import Outcome
from wizard.sandbox.seed import demo_tables
from wizard.support import linkcheck as lc
from wizard.support.onboarding_state import onboarding_state
from wizard.support.reading import DistrictSnapshot
from wizard.support.troubleshoot import explain_login, find_users


@pytest.fixture(scope="module")
def links(demo: Demo, snapshot: DistrictSnapshot) -> lc.LinkCheck:
    return lc.check_login_links(snapshot, lc.read_vendor_roster(demo.roster_path))


def _first(links: lc.LinkCheck, outcome: str) -> lc.StudentLink:
    return next(s for s in links.students if s.outcome == outcome)


def test_lookup_by_hub_id_sis_id_email_and_name(snapshot: DistrictSnapshot) -> None:
    someone = next(u for u in snapshot.students if u.email)
    assert find_users(snapshot, someone.id) == [someone]
    assert find_users(snapshot, f" {someone.sis_id} ") == [someone]
    assert find_users(snapshot, (someone.email or "").upper()) == [someone]
    assert someone in find_users(snapshot, f"{someone.last_name.lower()} {someone.first_name}")


def test_linked_student_sees_the_app(snapshot: DistrictSnapshot, links: lc.LinkCheck) -> None:
    linked = next(
        s for s in links.students if s.linked and any(s.student.id in x.students for x in snapshot.sections)
    )
    diagnosis = explain_login(
        snapshot, linked.student.sis_id or "", today=TODAY, app="Symphony Math", links=links
    )
    assert diagnosis.sees_app and diagnosis.reasons == ()
    assert "signs straight into their account" in diagnosis.headline


def test_lost_zeros_student_needs_the_vendor(snapshot: DistrictSnapshot, links: lc.LinkCheck) -> None:
    lost = _first(links, Outcome.EXTERNAL_ID_LOST_ZEROS)
    diagnosis = explain_login(
        snapshot, lost.student.sis_id or "", today=TODAY, app="Symphony Math", links=links
    )
    assert not diagnosis.sees_app and diagnosis.actors == ("vendor",)
    assert diagnosis.school == "Cedar Middle"
    assert (
        "leading zeros" in diagnosis.reasons[-1].text
        and (lost.student.sis_id or "") in diagnosis.reasons[-1].text
    )


def test_before_launch_the_district_must_act(snapshot: DistrictSnapshot, links: lc.LinkCheck) -> None:
    linked = next(s for s in links.students if s.linked)
    diagnosis = explain_login(snapshot, linked.student.id, today=dt.date(2026, 8, 20), links=links)
    assert not diagnosis.sees_app and diagnosis.actors == ("district",)
    assert "launches the app on 2026-09-01" in diagnosis.reasons[0].text
    unlaunched = dataclasses.replace(
        snapshot, district=DataDistrict.from_json({**snapshot.district.raw, "launch_date": ""})
    )
    assert "not launched" in explain_login(unlaunched, linked.student.id, today=TODAY).reasons[0].text


def test_teacher_without_email_under_google_sign_in(snapshot: DistrictSnapshot) -> None:
    diagnosis = explain_login(snapshot, "T20101", today=TODAY)
    assert diagnosis.role == "teacher" and not diagnosis.sees_app
    assert "no email address" in diagnosis.reasons[0].text and "Google" in diagnosis.reasons[0].text


def test_several_matches_ask_to_choose(snapshot: DistrictSnapshot) -> None:
    common = snapshot.students[0].last_name
    diagnosis = explain_login(snapshot, common, today=TODAY)
    assert len(diagnosis.candidates) > 1 and "choose one" in diagnosis.headline


def test_unshared_student_with_and_without_the_portal(demo: Demo, snapshot: DistrictSnapshot) -> None:
    lakeside = next(s for s in demo_tables(random.Random(2026))["students"] if s["School_id"] == "301")
    plain = explain_login(snapshot, lakeside["Student_id"], today=TODAY, app="Symphony Math")
    assert plain.user is None and plain.actors == ("district",) and "sharing setting" in plain.reasons[0].text
    with OnboardingClient(demo.hub.base_url, demo.seed.admin_token, policy=FAST) as admin:
        portal = lambda sis: admin.portal(demo.seed.district_id, sis)  # noqa: E731
        found = explain_login(
            snapshot, lakeside["Student_id"], today=TODAY, app="Symphony Math", portal=portal
        )
        missing = explain_login(snapshot, "no-such-id", today=TODAY, app="Symphony Math", portal=portal)
    assert found.person == f"{lakeside['First_name']} {lakeside['Last_name']}"
    assert "does not include this user" in found.reasons[0].text
    assert "not in the district's roster" in missing.headline.lower() or "roster" in missing.reasons[0].text


def test_onboarding_state_from_the_vendor_api(demo: Demo, snapshot: DistrictSnapshot) -> None:
    vendor = demo.vendor()
    with OnboardingClient(demo.hub.base_url, policy=FAST) as catalog:
        state = onboarding_state(vendor, demo.seed.district_id, catalog.app)
    assert state.app is not None and state.app.name == "Symphony Math" and state.links_by_external_id
    student = snapshot.students[0].id
    note = explain_login(snapshot, student, today=TODAY, app="Symphony Math", onboarding=state).reasons
    assert any("Load Symphony Math's roster export" in r.text and not r.blocking for r in note)
    assert state.available and state.connection is not None and state.status_words == "connected"
    assert "sharing by schools, confirmed by the vendor" in state.note and "2026-09-01" in state.note
    assert onboarding_state(vendor, "other-district").connection is None


def test_amplify_is_not_launched_yet(demo: Demo) -> None:
    from wizard.support.reading import connected_districts, read_district

    amplify = demo.client(demo.seed.credentials["amplify-curriculum"])
    [district] = connected_districts(amplify)
    snapshot = read_district(amplify.for_district(district.token), sleep=demo.clock.sleep)
    credentials = demo.seed.credentials["amplify-curriculum"]
    vendor = VendorClient(demo.hub.base_url, credentials.client_id, credentials.client_secret, policy=FAST)
    with OnboardingClient(demo.hub.base_url, policy=FAST) as catalog:
        onboarding = onboarding_state(vendor, demo.seed.district_id, catalog.app)
    assert onboarding.app is not None and not onboarding.links_by_external_id  # Secure Sync: no ExternalIDs
    diagnosis = explain_login(
        snapshot, snapshot.students[0].id, today=TODAY, app="Amplify Curriculum", onboarding=onboarding
    )
    assert not diagnosis.sees_app and diagnosis.actors == ("district",)
    assert diagnosis.reasons[0].text.startswith("The district has not launched the app yet")
    assert not any("roster export" in r.text for r in diagnosis.reasons)
