"""The onboarding API end to end: the embedded hub on a loopback port, called with the product's client."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import requests

from tests.hub_support import (
    FAST,
    SIGNUP_ADMIN,
    SIGNUP_DISTRICT,
    FakeClock,
    SignedUp,
    sign_up,
    small_roster,
    upload_roster,
)
from wizard.hub.errors import AuthError, Conflict, NotFound, SignupAlreadyCompleted, ValidationFailed
from wizard.hub.models import SharingRule, SharingSettings
from wizard.hub.onboarding import OnboardingClient, VendorClient
from wizard.sandbox.server import RunningHub


def test_health_and_openapi(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    assert client.health()
    schema = requests.get(f"{hub.base_url}/openapi.json", timeout=60).json()
    assert "/api/v1/signups" in schema["paths"]


def test_signup_returns_district_and_token_and_the_token_signs_in(hub: RunningHub, clock: FakeClock) -> None:
    client = OnboardingClient(hub.base_url, policy=FAST, sleep=clock.sleep)
    result = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN)
    assert result.district.name == "Riverside Unified"
    assert result.admin_token not in repr(result) and result.admin_token not in repr(client)
    fresh = OnboardingClient(hub.base_url, result.admin_token)
    assert fresh.current_district().id == result.district.id
    district = fresh.district(result.district.id)
    assert district.progress.steps["signed_up"] and district.progress.next_step == "sync_method_chosen"


def test_signup_retried_with_same_key_names_the_same_district_without_its_token(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    first = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN, idempotency_key="retry-1")
    with pytest.raises(SignupAlreadyCompleted) as again:
        client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN, idempotency_key="retry-1")
    other = client.signup({**SIGNUP_DISTRICT, "nces_id": "0633334"}, SIGNUP_ADMIN, idempotency_key="retry-2")
    assert again.value.district_id == first.district.id and again.value.status == 409
    assert other.district.id != first.district.id
    raw = requests.post(
        f"{hub.base_url}/api/v1/signups",
        json={"district": SIGNUP_DISTRICT, "admin": SIGNUP_ADMIN},
        headers={"Idempotency-Key": "retry-1"},
        timeout=5,
    )
    assert raw.status_code == 409 and first.admin_token not in raw.text
    with hub.context.db.read() as conn:  # the token is not kept for replays either
        stored = b"".join(bytes(row["body"]) for row in conn.execute("SELECT body FROM idempotency"))
    assert first.admin_token.encode() not in stored


def test_a_signup_key_replayed_with_another_body_is_refused(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN, idempotency_key="leaked-key")
    answer = requests.post(
        f"{hub.base_url}/api/v1/signups", json={}, headers={"Idempotency-Key": "leaked-key"}, timeout=5
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "idempotency_key_reused" and "admin_token" not in answer.text


def test_signup_names_each_invalid_field(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    with pytest.raises(ValidationFailed) as caught:
        client.signup(
            {"name": "", "state": "Cal", "nces_id": "12", "sis_vendor": "X"},
            {**SIGNUP_ADMIN, "email": "nope"},
        )
    assert set(caught.value.fields) == {"district.name", "district.state", "district.nces_id", "admin.email"}
    assert "two-letter state" in caught.value.fields["district.state"]


def test_calls_without_valid_token_are_refused(hub: RunningHub, district: SignedUp) -> None:
    with pytest.raises(AuthError):
        OnboardingClient(hub.base_url, "not-a-token").district(district.district_id)


def test_another_districts_ids_answer_not_found(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    upload_roster(district, tmp_path / "roster")
    connection = district.client.add_connection(district.district_id, "amplify-curriculum")
    other = sign_up(hub, clock, "Elsewhere Unified")
    with pytest.raises(NotFound):
        other.client.district(district.district_id)
    with pytest.raises(NotFound):
        other.client.connection(other.district_id, connection.id)
    with pytest.raises(NotFound):
        other.client.connection(district.district_id, connection.id)
    with pytest.raises(NotFound):
        other.client.portal(other.district_id, small_roster()["students"][0]["Student_id"])


def test_sync_method_identity_provider_and_staff_admins(district: SignedUp) -> None:
    client, district_id = district.client, district.district_id
    assert client.set_sync_method(district_id, "sftp").sync_method == "sftp"
    assert client.set_identity_provider(district_id, "google").sso_provider == "google"
    with pytest.raises(ValidationFailed) as caught:
        client.set_sync_method(district_id, "carrier-pigeon")
    assert "method" in caught.value.fields
    admin = client.add_staff_admin(district_id, "Pat Kim", "pat.kim@riverside.k12.ca.us", "IT director")
    assert [a.email for a in client.staff_admins(district_id)] == [admin.email]
    with pytest.raises(Conflict):
        client.add_staff_admin(district_id, "Pat Kim", "PAT.KIM@riverside.k12.ca.us")
    steps = client.district(district_id).progress.steps
    assert steps["sync_method_chosen"] and steps["identity_provider_chosen"] and steps["staff_admins_added"]


def test_upload_succeeds_then_counts_changes_and_holds_a_big_change(
    district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    tables = small_roster()
    assert upload_roster(district, tmp_path / "first", tables) == "succeeded"
    first = client.uploads(district_id)[0]
    assert first.counts["students"] == len(tables["students"])
    assert first.changes["students"].added == len(tables["students"])
    assert client.district(district_id).sync_state == "success"

    tables["students"][0]["Last_name"] = "Renamed"
    removed = tables["students"].pop()
    tables["enrollments"] = [e for e in tables["enrollments"] if e["Student_id"] != removed["Student_id"]]
    assert upload_roster(district, tmp_path / "second", tables) == "succeeded"
    second = client.uploads(district_id)[0]
    assert (second.changes["students"].added, second.changes["students"].updated) == (0, 1)
    assert second.changes["students"].removed == 1

    tables["students"] = tables["students"][:3]  # "everyone left": a missing file looks like this
    kept = {row["Student_id"] for row in tables["students"]}
    tables["enrollments"] = [e for e in tables["enrollments"] if e["Student_id"] in kept]
    assert upload_roster(district, tmp_path / "third", tables) == "on_hold"
    held = client.uploads(district_id)[0]
    assert held.hold_reason and "approve" in held.hold_reason
    assert client.district(district_id).sync_state == "paused"
    approved = client.approve_upload(district_id, held.id)
    assert approved.status == "succeeded"
    with pytest.raises(Conflict):
        client.approve_upload(district_id, held.id)


def test_an_old_held_upload_cannot_roll_back_a_newer_roster(district: SignedUp, tmp_path: Path) -> None:
    client, district_id = district.client, district.district_id
    full = small_roster()
    assert upload_roster(district, tmp_path / "full", full) == "succeeded"
    few = {**full, "students": full["students"][:3]}
    kept = {row["Student_id"] for row in few["students"]}
    few["enrollments"] = [e for e in full["enrollments"] if e["Student_id"] in kept]
    assert upload_roster(district, tmp_path / "few", few) == "on_hold"
    held = client.uploads(district_id)[0]
    assert upload_roster(district, tmp_path / "newer", full) == "succeeded"

    assert client.upload(district_id, held.id).status == "superseded"
    with pytest.raises(Conflict) as refused:
        client.approve_upload(district_id, held.id)
    assert refused.value.code == "upload_superseded" and "newer upload" in str(refused.value)
    assert upload_roster(district, tmp_path / "again", full) == "succeeded"
    unchanged = client.uploads(district_id)[0]
    assert all(count.added == count.removed == 0 for count in unchanged.changes.values())


def test_a_newer_held_upload_supersedes_an_older_held_one(district: SignedUp, tmp_path: Path) -> None:
    client, district_id = district.client, district.district_id
    full = small_roster()
    assert upload_roster(district, tmp_path / "full", full) == "succeeded"
    few = {**full, "students": full["students"][:3]}
    kept = {row["Student_id"] for row in few["students"]}
    few["enrollments"] = [e for e in full["enrollments"] if e["Student_id"] in kept]
    assert upload_roster(district, tmp_path / "few", few) == "on_hold"
    older = client.uploads(district_id)[0]
    assert upload_roster(district, tmp_path / "few2", few) == "on_hold"
    newer = client.uploads(district_id)[0]
    assert client.upload(district_id, older.id).status == "superseded"
    assert client.approve_upload(district_id, newer.id).status == "succeeded"


def test_upload_with_a_missing_file_fails_with_a_readable_error(district: SignedUp, tmp_path: Path) -> None:
    tables = small_roster()
    del tables["enrollments"]
    assert upload_roster(district, tmp_path / "partial", tables) == "failed"
    failed = district.client.uploads(district.district_id)[0]
    assert any("enrollments.csv" in issue.message for issue in failed.errors)
    assert district.client.district(district.district_id).sync_state == "error"


def test_catalog_search_scopes_icons(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    apps = {app.id: app for app in client.apps()}
    symphony, amplify = apps["symphony-math"], apps["amplify-curriculum"]
    assert (
        not symphony.uses_secure_sync
        and symphony.roster_import
        and symphony.roster_import["link_field"] == "ExternalID"
    )
    assert amplify.uses_secure_sync
    assert all(scope.description for scope in symphony.scopes)
    assert [app.id for app in client.apps("symph")] == ["symphony-math"]
    assert client.app_icon(symphony).startswith(b"<svg")


def _connected(hub: RunningHub, clock: FakeClock, signed: SignedUp, app_id: str, tmp_path: Path) -> str:
    upload_roster(signed, tmp_path / "roster")
    client, district_id = signed.client, signed.district_id
    connection = client.add_connection(district_id, app_id)
    client.authorize(district_id, connection.id)
    clock.advance(hub.settings.vendor_delay + 1)
    if client.connection(district_id, connection.id).status == "vendor_requested_info":
        client.send_message(district_id, connection.id, "Yes, the import is done.")
        clock.advance(hub.settings.vendor_delay + 1)
    assert client.connection(district_id, connection.id).status == "connected"
    return connection.id


def test_secure_sync_vendor_accepts_after_its_delay(
    hub: RunningHub, clock: FakeClock, district: SignedUp
) -> None:
    client, district_id = district.client, district.district_id
    connection = client.add_connection(district_id, "amplify-curriculum")
    assert connection.status == "pending_district_authorization"
    with pytest.raises(Conflict):
        client.add_connection(district_id, "amplify-curriculum")
    authorized = client.authorize(district_id, connection.id)
    assert authorized.status == "pending_vendor_acceptance"
    clock.advance(hub.settings.vendor_delay - 1)
    assert client.connection(district_id, connection.id).status == "pending_vendor_acceptance"
    clock.advance(2)
    accepted = client.connection(district_id, connection.id)
    assert accepted.status == "connected" and accepted.vendor_confirmed
    assert [e.action for e in accepted.history] == ["added", "authorized", "accepted"]
    assert [e.actor for e in accepted.history] == ["district", "district", "vendor"]


def test_vendor_asks_first_and_the_district_reply_leads_to_acceptance(
    hub: RunningHub, clock: FakeClock, district: SignedUp
) -> None:
    client, district_id = district.client, district.district_id
    connection = client.add_connection(district_id, "symphony-math")
    client.authorize(district_id, connection.id, ["read:user_id", "read:students"])
    clock.advance(hub.settings.vendor_delay + 1)
    asked = client.connection(district_id, connection.id)
    assert (
        asked.status == "vendor_requested_info"
        and asked.open_question
        and "ExternalID" in asked.open_question
    )
    replied = client.send_message(district_id, connection.id, "Imported 412 students with ExternalID.")
    assert replied.status == "pending_vendor_acceptance" and replied.open_question is None
    clock.advance(hub.settings.vendor_delay + 1)
    done = client.connection(district_id, connection.id)
    assert done.status == "connected" and done.scopes == ("read:user_id", "read:students")
    assert [e.action for e in done.history] == ["added", "authorized", "asked", "replied", "accepted"]


def test_vendor_decisions_need_that_vendors_credentials(
    hub: RunningHub, clock: FakeClock, district: SignedUp
) -> None:
    hub.settings.simulate_vendors = False
    client, district_id = district.client, district.district_id
    connection = client.add_connection(district_id, "amplify-curriculum")
    client.authorize(district_id, connection.id)
    amplify, symphony = hub.reset_app_secret("amplify-curriculum"), hub.reset_app_secret("symphony-math")
    with pytest.raises(AuthError):
        VendorClient(hub.base_url, amplify.client_id, "wrong-secret", policy=FAST).decide(
            connection.id, "accept"
        )
    with pytest.raises(NotFound):
        VendorClient(hub.base_url, symphony.client_id, symphony.client_secret, policy=FAST).decide(
            connection.id, "accept"
        )
    vendor = VendorClient(hub.base_url, amplify.client_id, amplify.client_secret, policy=FAST)
    assert [c.id for c in vendor.connections()] == [connection.id]
    asked = vendor.decide(connection.id, "request_info", "Which grades will use Amplify?")
    assert asked.status == "vendor_requested_info"
    client.send_message(district_id, connection.id, "Grades 6 to 8.")
    assert vendor.decide(connection.id, "accept").status == "connected"
    with pytest.raises(Conflict):
        vendor.decide(connection.id, "reject")


def test_sharing_preview_save_and_type_lock(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    connection_id = _connected(hub, clock, district, "amplify-curriculum", tmp_path)
    empty = client.sharing(district_id, connection_id)
    assert empty.settings.type is None and not empty.locked and "student" in empty.rule_fields
    everything = client.preview_sharing(district_id, connection_id, SharingSettings("district"))
    tables = small_roster()
    assert everything.students == len(tables["students"]) and everything.schools == len(tables["schools"])
    sharing = client.sharing(district_id, connection_id)
    assert sharing.counts.students == 0  # a preview saves nothing
    cedar = next(s for s in client_schools(hub, district) if s[1] == "Cedar Middle")
    saved = client.set_sharing(district_id, connection_id, SharingSettings("schools", school_ids=(cedar[0],)))
    assert saved.locked and saved.counts.schools == 1
    expected = sum(1 for row in tables["students"] if row["School_id"] == "201")
    assert saved.counts.students == expected
    with pytest.raises(Conflict) as caught:
        client.set_sharing(district_id, connection_id, SharingSettings("district"))
    assert caught.value.code == "sharing_type_locked" and "can no longer change" in str(caught.value)
    more = client.set_sharing(
        district_id,
        connection_id,
        SharingSettings("schools", school_ids=(cedar[0], saved.settings.school_ids[0])),
    )
    assert more.counts.schools == 1  # the same school twice is still one
    with pytest.raises(ValidationFailed) as invalid:
        client.preview_sharing(
            district_id,
            connection_id,
            SharingSettings("rules", rules=(SharingRule("student", "shoe_size", "is", "9"),)),
        )
    assert "rules[0].field" in invalid.value.fields


def client_schools(hub: RunningHub, signed: SignedUp) -> list[tuple[str, str]]:
    """(hub id, name) of the district's schools, read straight from the hub's store."""
    from wizard.sandbox.store import load_roster

    with hub.context.db.read() as conn:
        roster = load_roster(conn, signed.district_id)
    return [(i, r["name"]) for i, r in roster.records["schools"].items()]


def test_rules_sharing_counts_follow_the_rule(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    connection_id = _connected(hub, clock, district, "amplify-curriculum", tmp_path)
    rule = SharingSettings("rules", rules=(SharingRule("student", "grade", "is", "7"),))
    counts = client.preview_sharing(district_id, connection_id, rule)
    assert counts.students == sum(1 for row in small_roster()["students"] if row["Grade"] == "7")


def test_validation_warnings_and_neutralised_csv(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    tables = small_roster()
    tables["teachers"][0]["Teacher_email"] = ""
    tables["teachers"][0]["First_name"] = '=HYPERLINK("http://evil")'
    upload_roster(district, tmp_path / "roster", tables)
    connection = client.add_connection(district_id, "amplify-curriculum")
    client.authorize(district_id, connection.id)
    clock.advance(hub.settings.vendor_delay + 1)
    client.set_sharing(district_id, connection.id, SharingSettings("district"))
    report = client.validation(district_id, connection.id)
    assert report.sync_state == "success" and report.last_success and report.sync_on_schedule
    assert report.sharing_status == "confirmed" and report.app_status == "connected"
    assert report.counts["students"].hub == report.counts["students"].shared == len(tables["students"])
    codes = {w.code: w.count for w in report.warnings}
    assert codes["teachers_without_email"] >= 1 and codes["sections_without_students"] == len(
        tables["schools"]
    )
    rows = list(
        csv.DictReader(
            io.StringIO(client.warning_csv(district_id, connection.id, "teachers_without_email").decode())
        )
    )
    assert len(rows) == codes["teachers_without_email"]
    assert any(row["first_name"] == '\'=HYPERLINK("http://evil")' for row in rows)
    with pytest.raises(NotFound):
        client.warning_csv(district_id, connection.id, "no_such_warning")
    clock.advance(27 * 3600)
    assert not client.validation(district_id, connection.id).sync_on_schedule


def test_launch_and_portal(hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path) -> None:
    client, district_id = district.client, district.district_id
    connection_id = _connected(hub, clock, district, "symphony-math", tmp_path)
    student = small_roster()["students"][0]["Student_id"]
    with pytest.raises(Conflict):
        client.launch(district_id, connection_id, "2026-09-01")  # nothing shared yet
    client.set_sharing(district_id, connection_id, SharingSettings("district"))
    before = client.portal(district_id, student)
    assert before.apps == () and "not been launched" in before.hidden[0].reason
    with pytest.raises(ValidationFailed):
        client.launch(district_id, connection_id, "next tuesday")
    launched = client.launch(district_id, connection_id, "2026-09-01")
    assert launched.launch_date == "2026-09-01"
    view = client.portal(district_id, student)
    assert [app.name for app in view.apps] == ["Symphony Math"] and view.role == "student"
    assert view.apps[0].icon_url.startswith(hub.base_url)
    assert client.district(district_id).progress.steps["launched"]
    with pytest.raises(NotFound):
        client.portal(district_id, "no-such-student")


def test_the_hub_revalidates_uploads_with_the_roster_engine(district: SignedUp, tmp_path: Path) -> None:
    tables = small_roster()
    tables["students"][0]["Grade"] = "banana"
    tables["students"][1]["Student_id"] = tables["students"][2]["Student_id"]
    assert upload_roster(district, tmp_path / "bad", tables) == "failed"
    failed = district.client.uploads(district.district_id)[0]
    codes = {issue.code for issue in failed.errors}
    assert {"invalid_grade", "duplicate_id"} <= codes
    grade = next(issue for issue in failed.errors if issue.code == "invalid_grade")
    assert (grade.file, grade.row, grade.column, grade.value) == ("students.csv", 2, "Grade", "banana")
    assert failed.changes == {}  # an upload with errors is not applied at all
    assert failed.error_count == len(failed.errors) >= 2
    assert not district.client.district(district.district_id).progress.steps["roster_uploaded"]

    tables = small_roster()
    tables["students"][0]["Last_name"] = (
        "=cmd|' /C calc'!A0"  # looks like a formula: a warning, data unchanged
    )
    assert upload_roster(district, tmp_path / "warned", tables) == "succeeded"
    warned = district.client.uploads(district.district_id)[0]
    assert warned.warnings and not warned.errors
    assert warned.counts["students"] == len(tables["students"])


def test_roster_browsing_for_pickers_and_the_portal_preview(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path
) -> None:
    client, district_id = district.client, district.district_id
    tables = small_roster()
    upload_roster(district, tmp_path / "roster", tables)
    schools = list(client.schools(district_id))
    assert [s.id for s in schools] == sorted(s.id for s in schools)  # paged by id, like the Data API
    cedar = next(s for s in schools if s.name == "Cedar Middle")
    assert cedar.students == sum(1 for row in tables["students"] if row["School_id"] == "201")
    sections = list(client.sections(district_id, school_id=cedar.id))
    assert sections and all(s.school_id == cedar.id and s.school_name == "Cedar Middle" for s in sections)
    assert any(s.teacher_names for s in sections) and any(s.student_count == 0 for s in sections)
    student = tables["students"][0]
    [found] = client.find_users(district_id, student["Student_id"])
    assert (found.role, found.sis_id, found.first_name, found.grade, found.email) == (
        "student",
        student["Student_id"],
        student["First_name"],
        student["Grade"],
        student["Student_email"],
    )
    assert found.school_name == next(
        r["School_name"] for r in tables["schools"] if r["School_id"] == student["School_id"]
    )
    teachers = client.find_users(district_id, role="teacher", limit=3)
    assert len(teachers) == 3 and all(t.role == "teacher" for t in teachers)
    every_teacher = list(client.users(district_id, role="teacher", page_size=2))  # several pages
    assert {r["Teacher_id"] for r in tables["teachers"]} <= {t.sis_id for t in every_teacher}
    assert every_teacher == client.find_users(district_id, role="teacher", limit=10000)
    with pytest.raises(ValidationFailed):
        client.find_users(district_id, role="principal")

    connection = client.add_connection(district_id, "symphony-math")
    client.set_sharing(district_id, connection.id, SharingSettings("schools", school_ids=(cedar.id,)))
    shared = list(client.shared_users(district_id, connection.id, role="student", page_size=5))
    assert len(shared) == cedar.students and {u.school_name for u in shared} == {"Cedar Middle"}
    assert all(u.sis_id for u in shared) and len({u.id for u in shared}) == len(shared)
    other = sign_up(hub, clock, "Elsewhere Unified")
    with pytest.raises(NotFound):
        list(other.client.schools(district_id))
    with pytest.raises(NotFound):
        list(other.client.shared_users(district_id, connection.id))
    assert list(other.client.schools(other.district_id)) == []
    other_connection = other.client.add_connection(other.district_id, "symphony-math")
    with pytest.raises(NotFound):  # another district's connection, even with the caller's own district id
        list(other.client.shared_users(other.district_id, connection.id))
    assert list(other.client.shared_users(other.district_id, other_connection.id)) == []


@pytest.mark.parametrize("resource", ["schools", "sections", "users", "connections/{c}/shared-users"])
def test_directory_lists_page_over_http_and_stay_private(
    hub: RunningHub, clock: FakeClock, district: SignedUp, tmp_path: Path, resource: str
) -> None:
    client, district_id = district.client, district.district_id
    upload_roster(district, tmp_path / "roster", small_roster())
    connection = client.add_connection(district_id, "symphony-math")
    client.set_sharing(district_id, connection.id, SharingSettings("district"))
    url = f"{hub.base_url}/api/v1/districts/{district_id}/{resource.format(c=connection.id)}"
    headers = {"Authorization": f"Bearer {district.admin_token}"}
    first = requests.get(url, headers=headers, params={"limit": 2}, timeout=5)
    assert first.status_code == 200
    body = first.json()
    total = body["total"]
    assert total > 2 and len(body["data"]) == 2
    seen = [item["id"] for item in body["data"]]
    next_uri = next(link["uri"] for link in body["links"] if link["rel"] == "next")
    while next_uri:
        page = requests.get(f"{hub.base_url}{next_uri}", headers=headers, timeout=5).json()
        seen += [item["id"] for item in page["data"]]
        next_uri = next((link["uri"] for link in page["links"] if link["rel"] == "next"), "")
    assert seen == sorted(seen) and len(set(seen)) == total
    too_big = requests.get(url, headers=headers, params={"limit": 10001}, timeout=5)
    assert (too_big.status_code, too_big.json()["error"]["code"]) == (413, "limit_too_large")
    assert requests.get(url, headers=headers, params={"limit": 0}, timeout=5).status_code == 400
    assert requests.get(url, timeout=5).status_code == 401
    other = sign_up(hub, clock, "Elsewhere Unified")
    stranger = requests.get(url, headers={"Authorization": f"Bearer {other.admin_token}"}, timeout=5)
    assert (stranger.status_code, stranger.json()["error"]["code"]) == (404, "not_found")


def test_upload_reports_progress_and_can_be_cancelled(district: SignedUp, tmp_path: Path) -> None:
    from tests.hub_support import write_roster
    from wizard.tasks import Cancelled, CancelToken

    paths = write_roster(tmp_path / "roster", small_roster())
    reports: list[tuple[int, int]] = []
    upload = district.client.upload_roster(
        district.district_id, paths, progress=lambda done, total, message="": reports.append((done, total))
    )
    assert reports and reports[-1][0] == reports[-1][1] > sum(p.stat().st_size for p in paths)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert (
        district.client.wait_for_upload(district.district_id, upload.id, interval=0.02).status == "succeeded"
    )
    cancel = CancelToken()
    cancel.cancel()
    with pytest.raises(Cancelled):
        district.client.upload_roster(district.district_id, paths, cancel=cancel)
    assert len(district.client.uploads(district.district_id)) == 1


def test_a_manual_vendor_never_decides_by_itself(
    hub: RunningHub, clock: FakeClock, district: SignedUp
) -> None:
    import json

    with hub.context.db.transaction() as conn:
        entry = json.loads(conn.execute("SELECT data FROM apps WHERE id = 'lexia-core5'").fetchone()[0])
        entry["simulated_vendor"] = {"behaviour": "manual"}
        conn.execute("UPDATE apps SET data = ? WHERE id = 'lexia-core5'", (json.dumps(entry),))
    client, district_id = district.client, district.district_id
    connection = client.add_connection(district_id, "lexia-core5")
    client.authorize(district_id, connection.id)
    clock.advance(hub.settings.vendor_delay * 10)
    assert client.connection(district_id, connection.id).status == "pending_vendor_acceptance"
    lexia = hub.reset_app_secret("lexia-core5")
    vendor = VendorClient(hub.base_url, lexia.client_id, lexia.client_secret, policy=FAST)
    rejected = vendor.decide(connection.id, "reject", "We only serve grades K-5.")
    assert rejected.status == "rejected" and rejected.history[-1].message == "We only serve grades K-5."
    again = client.authorize(district_id, connection.id)  # a rejected app can be authorized again
    assert again.status == "pending_vendor_acceptance"


def test_only_successful_answers_are_replayed_for_an_idempotency_key(hub: RunningHub) -> None:
    client = OnboardingClient(hub.base_url)
    with pytest.raises(ValidationFailed):
        client.signup({**SIGNUP_DISTRICT, "state": "??"}, SIGNUP_ADMIN, idempotency_key="same-key")
    fixed = client.signup(SIGNUP_DISTRICT, SIGNUP_ADMIN, idempotency_key="same-key")
    assert fixed.district.state == "CA"
    answer = requests.post(
        f"{hub.base_url}/api/v1/signups",
        json={"district": SIGNUP_DISTRICT, "admin": SIGNUP_ADMIN},
        headers={"Idempotency-Key": "same-key"},
        timeout=5,
    )
    assert (
        answer.headers["Idempotent-Replayed"] == "true"
        and answer.json()["error"]["district_id"] == fixed.district.id
    )
