"""Staff admins with roles, school tech leads with their own tokens, and school-site sharing they decide."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.hub_support import FAST, FakeClock, SignedUp, data_for, sign_up, small_roster, upload_roster
from wizard.hub.errors import AuthError, Conflict, NotFound, ValidationFailed
from wizard.hub.models import SharingSettings
from wizard.hub.onboarding import OnboardingClient
from wizard.sandbox.server import RunningHub
from wizard.wire.vocab import SchoolShare, StaffRole

APP = "amplify-curriculum"


def _schools(signed: SignedUp) -> dict[str, str]:
    """School name -> hub id."""
    return {school.name: school.id for school in signed.client.schools(signed.district_id)}


def _as_staff(hub: RunningHub, clock: FakeClock, token: str) -> OnboardingClient:
    return OnboardingClient(hub.base_url, token, policy=FAST, sleep=clock.sleep)


def test_staff_admins_have_roles_refuse_duplicates_and_can_be_removed(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    upload_roster(district, tmp_path / "roster")
    cedar = _schools(district)["Cedar Middle"]
    boss = client.add_staff_admin(district_id, "Pat Kim", "pat.kim@riverside.k12.ca.us", "IT director")
    viewer = client.add_staff_admin(
        district_id, "Ana Ruiz", "ana.ruiz@riverside.k12.ca.us", "Data clerk", role=StaffRole.ADVANCED_USER
    )
    lead = client.add_staff_admin(
        district_id,
        "Sam Ode",
        "sam.ode@riverside.k12.ca.us",
        "Cedar tech lead",
        role=StaffRole.SCHOOL_TECH_LEAD,
        school_ids=[cedar],
    )
    assert boss.role == StaffRole.DISTRICT_ADMIN and boss.staff_token is None and viewer.staff_token is None
    assert lead.school_ids == [cedar] and lead.staff_token and lead.staff_token not in repr(lead)
    listed = client.staff_admins(district_id)
    assert [(a.email, a.role) for a in listed] == [
        (boss.email, StaffRole.DISTRICT_ADMIN),
        (viewer.email, StaffRole.ADVANCED_USER),
        (lead.email, StaffRole.SCHOOL_TECH_LEAD),
    ]
    assert all("staff_token" not in a.model_dump() for a in listed)  # returned once, never listed
    with pytest.raises(Conflict) as duplicate:
        client.add_staff_admin(
            district_id, "Pat K.", "PAT.KIM@Riverside.k12.ca.us", role=StaffRole.ADVANCED_USER
        )
    assert duplicate.value.status == 409 and "already a staff admin" in str(duplicate.value)
    with pytest.raises(ValidationFailed) as no_school:
        client.add_staff_admin(district_id, "Lee", "lee@riverside.k12.ca.us", role=StaffRole.SCHOOL_TECH_LEAD)
    assert set(no_school.value.fields) == {"school_ids"}
    with pytest.raises(ValidationFailed) as unknown:
        client.add_staff_admin(
            district_id,
            "Lee",
            "lee@riverside.k12.ca.us",
            role=StaffRole.SCHOOL_TECH_LEAD,
            school_ids=["nope"],
        )
    assert "not schools of this district" in unknown.value.fields["school_ids"]
    with pytest.raises(ValidationFailed) as wrong_role:
        client.add_staff_admin(
            district_id, "Lee", "lee@riverside.k12.ca.us", role=StaffRole.ADVANCED_USER, school_ids=[cedar]
        )
    assert "Only a school tech lead" in wrong_role.value.fields["school_ids"]
    raw = requests.post(
        f"{hub.base_url}/api/v1/districts/{district_id}/admins",
        json={"name": "Lee", "email": "lee@riverside.k12.ca.us", "role": "principal"},
        headers={"Authorization": f"Bearer {district.admin_token}"},
        timeout=5,
    )
    assert raw.status_code == 422 and "role" in raw.json()["error"]["fields"]

    # the token is kept hashed: neither the database nor a replayed answer holds it
    stored = b"".join(p.read_bytes() for p in Path(hub.context.db.path).parent.glob("hub.sqlite3*"))
    assert lead.staff_token.encode() not in stored
    assert _as_staff(hub, clock, lead.staff_token).staff_session().admin.email == lead.email

    assert client.remove_staff_admin(district_id, lead.id).email == lead.email
    assert [a.email for a in client.staff_admins(district_id)] == [boss.email, viewer.email]
    with pytest.raises(AuthError):
        _as_staff(hub, clock, lead.staff_token).staff_session()
    with pytest.raises(NotFound):
        client.remove_staff_admin(district_id, lead.id)
    other = sign_up(hub, clock, "Other Unified")
    with pytest.raises(NotFound):
        other.client.remove_staff_admin(district_id, viewer.id)


def test_a_replayed_add_does_not_hand_out_the_tech_leads_token_again(
    hub: RunningHub, district: SignedUp, tmp_path: Path
) -> None:
    upload_roster(district, tmp_path / "roster")
    cedar = _schools(district)["Cedar Middle"]
    url = f"{hub.base_url}/api/v1/districts/{district.district_id}/admins"
    headers = {"Authorization": f"Bearer {district.admin_token}", "Idempotency-Key": "add-sam-1"}
    body = {
        "name": "Sam",
        "email": "sam@riverside.k12.ca.us",
        "role": "school_tech_lead",
        "school_ids": [cedar],
    }
    first = requests.post(url, json=body, headers=headers, timeout=5)
    again = requests.post(url, json=body, headers=headers, timeout=5)
    assert first.status_code == again.status_code == 201 and first.json()["staff_token"]
    assert again.headers.get("idempotent-replayed") == "true"
    assert again.json()["staff_token"] is None and again.json()["id"] == first.json()["id"]
    assert first.json()["staff_token"] not in again.text


def _school_site(
    hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path
) -> tuple[str, dict[str, str]]:
    upload_roster(signed, tmp_path / "roster")
    client, district_id = signed.client, signed.district_id
    connection = client.add_connection(district_id, APP)
    client.authorize(district_id, connection.id)
    clock.advance(hub.settings.vendor_delay + 1)
    if client.connection(district_id, connection.id).status == "vendor_requested_info":
        client.send_message(district_id, connection.id, "Done.")
        clock.advance(hub.settings.vendor_delay + 1)
    return connection.id, _schools(signed)


def test_school_site_sharing_is_decided_by_each_schools_tech_lead(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    connection_id, schools = _school_site(hub, clock, district, tmp_path)
    cedar, other_school = schools["Cedar Middle"], next(i for n, i in schools.items() if n != "Cedar Middle")
    lead = client.add_staff_admin(
        district_id, "Sam Ode", "sam@riverside.k12.ca.us", role=StaffRole.SCHOOL_TECH_LEAD, school_ids=[cedar]
    )
    assert lead.staff_token
    chosen = SharingSettings("school_site", school_ids=(cedar, other_school))
    saved = client.set_sharing(district_id, connection_id, chosen)
    assert saved.counts.students == 0 and saved.counts.schools == 0  # no school has opted in yet
    assert [(s.school_id, s.opted_in, s.share) for s in saved.schools] == [
        (cedar, False, SchoolShare.NOT_DECIDED),
        (other_school, False, SchoolShare.NOT_DECIDED),
    ]
    assert [t.email for t in saved.schools[0].tech_leads] == [lead.email] and not saved.schools[1].tech_leads

    tech = _as_staff(hub, clock, lead.staff_token)
    session = tech.staff_session()
    assert session.district_id == district_id and session.admin.role == StaffRole.SCHOOL_TECH_LEAD
    assert [(c.connection_id, c.school_ids) for c in session.connections] == [(connection_id, [cedar])]
    whole = tech.set_school_sharing(district_id, connection_id, cedar, SchoolShare.WHOLE_SCHOOL)
    cedar_students = sum(1 for row in small_roster()["students"] if row["School_id"] == "201")
    assert (
        whole.opted_in and whole.share == SchoolShare.WHOLE_SCHOOL and whole.counts.students == cedar_students
    )
    district_view = client.sharing(district_id, connection_id)
    assert district_view.counts.schools == 1 and district_view.counts.students == cedar_students
    assert next((s.school_name, s.opted_in) for s in district_view.schools) == ("Cedar Middle", True)

    # a tech lead touches only their own schools: another school answers 404, read or write
    with pytest.raises(NotFound):
        tech.set_school_sharing(district_id, connection_id, other_school, SchoolShare.WHOLE_SCHOOL)
    with pytest.raises(NotFound):
        tech.school_sharing(district_id, connection_id, other_school)
    assert not client.sharing(district_id, connection_id).schools[1].opted_in
    # ... and nothing of the district's own settings
    with pytest.raises(AuthError) as forbidden:
        tech.set_sharing(district_id, connection_id, SharingSettings("district"))
    assert forbidden.value.status == 403 and "own schools" in str(forbidden.value)

    # chosen sections of the school: the counts and the app's Data API follow
    sections = list(client.sections(district_id, school_id=cedar))
    foreign = next(iter(client.sections(district_id, school_id=other_school)))
    with pytest.raises(ValidationFailed) as wrong:
        tech.set_school_sharing(district_id, connection_id, cedar, SchoolShare.SECTIONS, [foreign.id])
    assert "not sections of this school" in wrong.value.fields["section_ids"]
    picked = sections[0]
    only = tech.set_school_sharing(district_id, connection_id, cedar, SchoolShare.SECTIONS, [picked.id])
    assert only.share == SchoolShare.SECTIONS and only.section_ids == [picked.id]
    assert only.counts.sections == 1 and only.counts.students == picked.student_count
    credentials = hub.reset_app_secret(APP)
    shared = data_for(hub, clock, credentials)
    assert [s.id for s in shared.sections()] == [picked.id]

    # the district adds a school: Cedar's decision stays; taking Cedar off drops it
    kept = client.set_sharing(district_id, connection_id, SharingSettings("school_site", school_ids=(cedar,)))
    assert kept.schools[0].share == SchoolShare.SECTIONS and kept.counts.sections == 1
    out = tech.set_school_sharing(district_id, connection_id, cedar, SchoolShare.NOT_DECIDED)
    assert not out.opted_in and client.sharing(district_id, connection_id).counts.students == 0


def test_a_tech_lead_of_another_district_or_a_school_not_chosen_gets_nothing(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    connection_id, schools = _school_site(hub, clock, district, tmp_path)
    cedar, other_school = schools["Cedar Middle"], next(i for n, i in schools.items() if n != "Cedar Middle")
    client.set_sharing(district_id, connection_id, SharingSettings("school_site", school_ids=(other_school,)))
    lead = client.add_staff_admin(
        district_id, "Sam Ode", "sam@riverside.k12.ca.us", role=StaffRole.SCHOOL_TECH_LEAD, school_ids=[cedar]
    )
    assert lead.staff_token
    tech = _as_staff(hub, clock, lead.staff_token)
    with pytest.raises(Conflict) as not_chosen:
        tech.set_school_sharing(district_id, connection_id, cedar, SchoolShare.WHOLE_SCHOOL)
    assert not_chosen.value.code == "school_not_chosen"
    assert tech.staff_session().connections == []
    other = sign_up(hub, clock, "Other Unified")
    with pytest.raises(NotFound):
        tech.school_sharing(other.district_id, connection_id, cedar)
    with pytest.raises(NotFound):
        other.client.set_school_sharing(district_id, connection_id, other_school, SchoolShare.WHOLE_SCHOOL)
    # the district admin may decide for any chosen school
    decided = client.set_school_sharing(district_id, connection_id, other_school, SchoolShare.WHOLE_SCHOOL)
    assert decided.opted_in and decided.counts.schools == 1


def test_a_tech_lead_lists_the_sections_of_their_own_schools_only(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    """To pick what their school shares, a tech lead lists its sections with their own token; any other
    school, or all of the district's sections, answers 404."""
    client, district_id = district.client, district.district_id
    _, schools = _school_site(hub, clock, district, tmp_path)
    cedar, other_school = schools["Cedar Middle"], next(i for n, i in schools.items() if n != "Cedar Middle")
    lead = client.add_staff_admin(
        district_id, "Sam Ode", "sam@riverside.k12.ca.us", role=StaffRole.SCHOOL_TECH_LEAD, school_ids=[cedar]
    )
    assert lead.staff_token
    tech = _as_staff(hub, clock, lead.staff_token)
    own = sorted(s.id for s in tech.sections(district_id, school_id=cedar))
    assert own and own == sorted(s.id for s in client.sections(district_id, school_id=cedar))
    with pytest.raises(NotFound):
        list(tech.sections(district_id, school_id=other_school))
    with pytest.raises(NotFound):
        list(tech.sections(district_id))
    with pytest.raises(AuthError):  # the rest of the directory stays the district admin's
        list(tech.schools(district_id))
