"""The data browser over HTTP: find a student or teacher, see which apps they are shared with and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hub_support import FakeClock, SignedUp, small_roster, upload_roster
from wizard.hub.errors import AuthError, NotFound, ValidationFailed
from wizard.hub.models import SharingRule, SharingSettings
from wizard.sandbox.server import RunningHub
from wizard.wire.onboarding import BrowserEntryOut
from wizard.wire.vocab import StaffRole

APP = "amplify-curriculum"


def _connected(hub: RunningHub, clock: FakeClock, signed: SignedUp, tmp_path: Path, *apps: str) -> list[str]:
    upload_roster(signed, tmp_path / "roster")
    client, district_id = signed.client, signed.district_id
    ids = []
    for app in apps or (APP,):
        connection = client.add_connection(district_id, app)
        client.authorize(district_id, connection.id)
        ids.append(connection.id)
    clock.advance(hub.settings.vendor_delay + 1)
    for connection_id in ids:
        if client.connection(district_id, connection_id).status == "vendor_requested_info":
            client.send_message(district_id, connection_id, "Done.")
    clock.advance(hub.settings.vendor_delay + 1)
    return ids


def _verdict(entry: BrowserEntryOut, app_id: str) -> tuple[bool, str]:
    [app] = [a for a in entry.apps if a.app_id == app_id]
    return app.shared, app.reason


def test_browser_finds_people_by_sis_id_email_and_name_and_says_why(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    by_school, by_section, by_rule = _connected(
        hub, clock, district, tmp_path, APP, "lexia-core5", "symphony-math"
    )
    students = small_roster()["students"]
    cedar_kid = next(s for s in students if s["School_id"] == "201")
    maple_kid = next(s for s in students if s["School_id"] == "101")
    # before sharing is set: found, and not shared because nothing is set
    [unset] = client.browse(district_id, cedar_kid["Student_id"]).data
    assert sorted(a.app_id for a in unset.apps) == sorted([APP, "lexia-core5", "symphony-math"])
    assert not any(a.shared for a in unset.apps)
    assert "has not set this app's sharing" in _verdict(unset, APP)[1]

    schools = {s.name: s.id for s in client.schools(district_id)}
    client.set_sharing(
        district_id, by_school, SharingSettings("schools", school_ids=(schools["Cedar Middle"],))
    )
    [found] = client.browse(district_id, cedar_kid["Student_id"]).data
    assert found.sis_id == cedar_kid["Student_id"] and found.role == "student"
    assert found.school_names == ["Cedar Middle"] and found.section_count >= 1
    shared, reason = _verdict(found, APP)
    assert shared and "Cedar Middle" in reason
    assert next(a for a in found.apps if a.app_id == APP).via_school_ids == [schools["Cedar Middle"]]
    [by_email] = client.browse(district_id, maple_kid["Student_email"].upper()).data
    shared, reason = _verdict(by_email, APP)
    assert by_email.sis_id == maple_kid["Student_id"] and not shared
    assert "Maple Valley Elementary" in reason and "not among the 1 school" in reason
    full_name = f"{cedar_kid['First_name']} {cedar_kid['Last_name']}".lower()
    assert cedar_kid["Student_id"] in {e.sis_id for e in client.browse(district_id, full_name).data}
    teacher = next(t for t in small_roster()["teachers"] if t["School_id"] == "201")
    [lead] = [e for e in client.browse(district_id, teacher["Teacher_id"]).data if e.role == "teacher"]
    assert _verdict(lead, APP)[0]

    # sharing by section names the section, or says none of theirs is chosen
    # (a section with students: ids are random, so the first by id may have none)
    section = next(
        s for s in client.sections(district_id, school_id=schools["Cedar Middle"]) if s.student_count
    )
    client.set_sharing(district_id, by_section, SharingSettings("sections", section_ids=(section.id,)))
    inside = list(client.shared_users(district_id, by_section, role="student"))
    [member] = client.browse(district_id, inside[0].sis_id).data
    shared, reason = _verdict(member, "lexia-core5")
    assert shared and section.name in reason
    assert next(a for a in member.apps if a.app_id == "lexia-core5").via_section_ids == [section.id]
    [outsider] = client.browse(district_id, maple_kid["Student_id"]).data
    shared, reason = _verdict(outsider, "lexia-core5")
    assert not shared and "none of them among the 1 chosen" in reason

    # sharing by rules says which rule leaves them out, with their value
    rule = SharingSettings("rules", rules=(SharingRule("student", "grade", "is", "7"),))
    client.set_sharing(district_id, by_rule, rule)
    seventh = next(s for s in students if s["Grade"] == "7")
    eighth = next(s for s in students if s["Grade"] == "8")
    assert _verdict(client.browse(district_id, seventh["Student_id"]).data[0], "symphony-math")[0]
    [left_out] = client.browse(district_id, eighth["Student_id"]).data
    shared, reason = _verdict(left_out, "symphony-math")
    assert not shared and "grade is '8'" in reason
    # the verdicts agree with what each app's sharing actually holds
    for connection_id, app_id in ((by_school, APP), (by_section, "lexia-core5"), (by_rule, "symphony-math")):
        really = {u.sis_id for u in client.shared_users(district_id, connection_id, role="student")}
        for kid in (cedar_kid, maple_kid, seventh, eighth):
            [entry] = client.browse(district_id, kid["Student_id"]).data
            assert _verdict(entry, app_id)[0] == (kid["Student_id"] in really), (app_id, kid["Student_id"])


def test_browser_pages_and_refuses_what_it_should(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    from tests.hub_support import sign_up

    client, district_id = district.client, district.district_id
    _connected(hub, clock, district, tmp_path)
    last_name = small_roster()["students"][0]["Last_name"]
    expected = {
        s["Student_id"]
        for s in small_roster()["students"]
        if s["Last_name"].lower().startswith(last_name.lower())
    } | {
        t["Teacher_id"]
        for t in small_roster()["teachers"]
        if t["Last_name"].lower().startswith(last_name.lower())
    }
    seen: list[str] = []
    page = client.browse(district_id, last_name.lower(), limit=1)
    while True:
        assert len(page.data) <= 1
        seen += [e.sis_id for e in page.data]
        if not any(link.rel == "next" for link in page.links):
            break
        page = client.browse(district_id, last_name, limit=1, starting_after=page.data[-1].id)
    assert len(seen) == len(set(seen)) and set(seen) == expected and len(seen) >= 1
    assert client.browse(district_id, "nobody-at-all").data == []
    with pytest.raises(ValidationFailed):
        client.browse(district_id, "  ")
    other = sign_up(hub, clock, "Other Unified")
    with pytest.raises(NotFound):
        other.client.browse(district_id, last_name)
    tech = client.add_staff_admin(
        district_id,
        "Sam",
        "sam@riverside.k12.ca.us",
        role=StaffRole.SCHOOL_TECH_LEAD,
        school_ids=[next(iter(client.schools(district_id))).id],
    )
    assert tech.staff_token
    district.client.sign_in(tech.staff_token)
    with pytest.raises(AuthError):
        district.client.browse(district_id, last_name)
