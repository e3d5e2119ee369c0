"""The clever.com journey's Qt-free part: the guided steps as data, what the admin records, the routing, the
counts side by side with the dashboard's, the summary's words."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from wizard.demo import write_demo_sis_files
from wizard.flow import PageId, journey, next_page, resume_page
from wizard.roster.pipeline import prepare, write_outputs
from wizard.session import clever
from wizard.session.journey import resume_path
from wizard.session.summary import SisCount, sis_file_counts
from wizard.state import GuidedStep, Mode, OnboardingState, from_json, to_json

NOW = datetime(2026, 12, 1, 23, 40)


def clever_state() -> OnboardingState:
    state = OnboardingState(mode=Mode.ONLINE)
    clever.choose_clever(state, True)
    return state


def test_every_guided_step_has_a_dashboard_page_steps_and_a_done_box_on_a_journey_page() -> None:
    steps = [item.step for item in clever.guides()]
    assert steps == list(GuidedStep)  # sign-up, identity, add app, sharing, staff admins, rollout
    for item in clever.guides():
        assert item.dashboard.startswith("https://") and "clever.com" in item.dashboard
        assert item.steps and item.done_label.startswith("Done")
        assert item.said.startswith("You said")  # recorded, never claimed as done by the wizard
        assert item.page in journey(clever_state())
    assert [item.step for item in clever.guides_for(PageId.SHARING)] == [
        GuidedStep.SHARING,
        GuidedStep.STAFF_ADMINS,
    ]


def test_choosing_clever_com_routes_the_same_pages_and_syncs_by_sftp() -> None:
    state = clever_state()
    assert state.on_clever and state.sync_method == "sftp" and state.sftp.host == "sftp.clever.com"
    online = OnboardingState(mode=Mode.ONLINE)
    # the same pages, but the staff admins step: clever.com's Sharing page guides adding them in the dashboard
    assert journey(state) == tuple(page for page in journey(online) if page is not PageId.STAFF_ADMINS)
    clever.set_choice(state, GuidedStep.ADD_APP, "roster_route", "import")
    assert PageId.VENDOR_IMPORT in journey(state)  # an app without Secure Sync: the vendor import page
    clever.set_choice(state, GuidedStep.ADD_APP, "roster_route", "secure_sync")
    assert PageId.VENDOR_IMPORT not in journey(state)
    assert next_page(state, PageId.WELCOME) is PageId.SIGN_UP
    clever.choose_clever(state, False)
    assert not state.on_clever


def test_done_is_refused_until_the_required_choices_are_entered_and_mirrors_the_state() -> None:
    state = clever_state()
    assert clever.set_done(state, GuidedStep.SHARING, True, NOW) == ["Sharing type you chose"]
    assert not clever.is_done(state, GuidedStep.SHARING)
    clever.set_choice(state, GuidedStep.SHARING, "sharing_type", "schools")
    assert clever.set_done(state, GuidedStep.SHARING, True, NOW) == [
        "Schools you shared (with the Schools type)"
    ]
    clever.set_choice(state, GuidedStep.SHARING, "schools", "101\n102\n201")
    assert clever.set_done(state, GuidedStep.SHARING, True, NOW) == []
    assert state.sharing.sharing_type == "schools" and state.sharing.school_ids == ["101", "102", "201"]
    names = {"101": "Maple Valley Elementary", "102": "Oak Ridge Elementary", "201": "Cedar Middle"}
    assert clever.check_text(state, GuidedStep.SHARING, names).startswith(
        "Sharing: Schools; 3 schools: Maple Valley Elementary, Oak Ridge Elementary, Cedar Middle."
    )
    assert clever.said_text(state, GuidedStep.SHARING, names) == (
        "You said you set sharing to Schools (3 schools: Maple Valley Elementary, Oak Ridge Elementary, "
        "Cedar Middle) in the clever.com dashboard (ticked on 12/01/2026 at 23:40)."
    )
    clever.set_done(state, GuidedStep.SHARING, False)
    assert clever.said_text(state, GuidedStep.SHARING) == ""
    clever.set_choice(state, GuidedStep.ROLLOUT, "launch_date", "2027-01-11")
    clever.set_choice(state, GuidedStep.ROLLOUT, "portal_url", "clever.com/in/maple")
    assert clever.missing(state, GuidedStep.ROLLOUT) == ["a portal link that starts with https://"]
    assert state.launch_date == "2027-01-11" and not state.launched  # guided: never marked launched
    clever.set_choice(state, GuidedStep.ADD_APP, "app_name", "Symphony Math")
    assert (state.app.app_name, state.app.app_id) == ("Symphony Math", "symphony-math")


def test_what_the_admin_recorded_survives_saving_and_a_resume_lands_where_they_stopped() -> None:
    state = clever_state()
    assert resume_page(state) is None  # nothing to resume yet (still on Welcome)
    state.current_page = int(PageId.SHARING)
    state.history = [int(PageId.SIGN_UP), int(PageId.IDENTITY_AND_SYNC), int(PageId.SHARING)]
    assert resume_page(state) is PageId.SIGN_UP  # the dashboard account first
    for key, value in {"district_name": "Maple", "admin_name": "Dana", "admin_email": "d@m.org"}.items():
        clever.set_choice(state, GuidedStep.SIGN_UP, key, value)
    clever.set_done(state, GuidedStep.SIGN_UP, True, NOW)
    clever.set_choice(state, GuidedStep.SHARING, "sharing_type", "district")
    state.clever.dashboard_counts["students"] = 57
    loaded = from_json(to_json(state))
    assert loaded == state
    assert loaded.clever.guided["sign_up"].done_at == "2026-12-01T23:40"
    assert resume_page(loaded) is PageId.SHARING
    assert resume_path(loaded)[-1] is PageId.SHARING
    assert clever.check_text(loaded, GuidedStep.SHARING).startswith(
        "Sharing: District: every school; every school"
    )


def test_counts_side_by_side_explain_each_mismatch_with_what_to_check() -> None:
    prepared = {
        "schools": SisCount(4),
        "students": SisCount(57, left_out=2),
        "sections": SisCount(56),
    }
    rows = {
        row.kind: row
        for row in clever.compare_counts(prepared, {"schools": 4, "students": 52, "sections": 60})
    }
    assert rows["schools"].status is clever.CountStatus.MATCH and not rows["schools"].explanation
    students = rows["students"]
    assert (students.prepared, students.dashboard, students.status) == (55, 52, clever.CountStatus.MISMATCH)
    assert "clever.com shows 3 fewer students than your files" in students.explanation
    assert "Sync page" in students.explanation and "School_id is in schools.csv" in students.explanation
    assert "2 rows with errors were left out" in students.explanation
    assert "4 more sections" in rows["sections"].explanation
    assert rows["teachers"].status is clever.CountStatus.NOT_ENTERED
    state = clever_state()
    assert clever.set_dashboard_count(state, "students", "1,204") == ""
    assert state.clever.dashboard_counts == {"students": 1204}
    assert "is not a count" in clever.set_dashboard_count(state, "schools", "four")
    assert not clever.counts_entered(state, prepared)
    state.clever.dashboard_counts.update(schools=4, sections=56)
    assert clever.counts_entered(state, prepared)


@pytest.fixture(scope="module")
def prepared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("clever")
    sis = write_demo_sis_files(folder / "sis")
    write_outputs(prepare([sis]), folder / "out", allow_errors=True)
    return folder / "out"


def test_the_prepared_files_give_the_schools_students_and_the_engines_warnings(prepared_folder: Path) -> None:
    schools = clever.prepared_schools(str(prepared_folder))
    assert schools["101"] == "Maple Valley Elementary" and len(schools) == 4
    students = clever.prepared_students(str(prepared_folder))
    assert len(students) == 57 and students[0].sis_id and students[0].school_name
    warnings = {warning.code: warning for warning in clever.engine_warnings(str(prepared_folder))}
    assert warnings["student_without_enrollment"].count == 38
    assert "has no students" in warnings["section_without_students"].example
    counts = sis_file_counts(str(prepared_folder))
    assert counts is not None and counts["students"].sent == 57
    state = clever_state()
    state.roster.export_dir = str(prepared_folder)
    check = clever.login_check(state, None)
    clever.record_login_check(state, check)
    assert state.clever.login_check_students == 57
    text, good = clever.login_check_text(check)
    assert good and text.startswith("✓ Instant Login: all 57 students in your files")


def test_the_summary_says_what_the_wizard_did_and_what_the_admin_said_they_did() -> None:
    state = clever_state()
    state.sftp.username, state.sftp.sent_at, state.sftp.host_key_fingerprint = "district-ab", 1.0, "SHA256:x"
    clever.set_choice(state, GuidedStep.IDENTITY_PROVIDER, "provider", "google")
    clever.set_done(state, GuidedStep.IDENTITY_PROVIDER, True, NOW)
    lines = clever.summary_lines(state)
    assert "- Roster files sent over SFTP to district-ab@sftp.clever.com:22 on" in "\n".join(lines)
    assert (
        "- You said you chose Google as the sign-in in the clever.com dashboard (ticked on 12/01/2026 at 23:40)."
        in lines
    )
    assert "- Sharing: which schools or classes the app sees: not ticked as done yet" in lines
    assert clever.provider_label(state) == "Google"
    text = clever.summary_text(state)
    assert text.startswith("District onboarding summary\n\nDistrict: not recorded\n")
    assert "Roster upload: none" not in text  # no upload id on clever.com: the SFTP send says what was done
