"""One engine, one answer: the vendor import's match, the support view's link check (and its --lookup) and the
Validate page's Instant Login check say the same about every student (issue 10, problem 3)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.support.conftest import TODAY
from wizard.hub.dataapi import DataDistrict, DataSchool, DataUser
from wizard.hub.models import RosterUser
from wizard.roster.vendor import Outcome, load_profile, match_roster, write_vendor_outputs
from wizard.support import linkcheck as lc
from wizard.support.reading import DistrictSnapshot
from wizard.support.troubleshoot import explain_login
from wizard.wire.vocab import DirectoryRole

SYMPHONY = load_profile("symphony-math")
SCHOOL_NAMES = {"sch100": "Lincoln Elementary", "sch200": "Hill Middle"}


def data_user(hub_id: str, sis_id: str, first: str, last: str, grade: str, school: str) -> DataUser:
    role = {"sis_id": sis_id or None, "school": school, "schools": [school], "grade": grade or None}
    return DataUser.from_json(
        {"id": hub_id, "name": {"first": first, "last": last}, "roles": {"student": role}}
    )


def student_row(hub_id: str, sis_id: str, first: str, last: str, grade: str, school: str) -> RosterUser:
    """A student as the hub's shared-users list gives it to the wizard's Instant Login check."""
    return RosterUser(
        id=hub_id,
        role=DirectoryRole.STUDENT,
        sis_id=sis_id,
        first_name=first,
        last_name=last,
        grade=grade,
        school_id=school,
        school_name=SCHOOL_NAMES[school],
    )


def snapshot_of(users: list[DataUser]) -> DistrictSnapshot:
    return DistrictSnapshot(
        district=DataDistrict.from_json({"id": "d1", "name": "Test District", "state": "success"}),
        schools=tuple(DataSchool.from_json({"id": i, "name": n}) for i, n in SCHOOL_NAMES.items()),
        users=tuple(users),
        sections=(),
        terms=(),
        requests=1,
    )


def roster_file(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "symphony_export.csv"
    frame.to_csv(path, index=False)
    return path


TWINS_SIS = pd.DataFrame(
    {
        "Student_id": ["5001", "5002"],
        "First_name": ["Ana", "Ana"],
        "Last_name": ["Lee", "Lee"],
        "Grade": ["PreKindergarten", "5"],
        "School_id": ["sch100", "sch100"],
    },
    dtype="string",
)
TWINS_ROSTER = pd.DataFrame(
    {
        "Username": ["alee", "alee2"],
        "Password": ["", ""],
        "FirstName": ["Ana", "Ana"],
        "LastName": ["Lee", "Lee"],
        "Grade": ["5", "PK"],
        "School": ["Lincoln Elementary", "Lincoln Elementary"],
        "ExternalID": ["", ""],
    },
    dtype="string",
)


def test_same_name_students_told_apart_by_grade_get_the_same_account_everywhere(tmp_path: Path) -> None:
    # The vendor import links each student to the account of their grade.
    schools = pd.DataFrame({"School_id": list(SCHOOL_NAMES), "School_name": list(SCHOOL_NAMES.values())})
    match = match_roster(TWINS_SIS, schools, TWINS_ROSTER, SYMPHONY)
    imported = dict(zip(match.students["Student_id"], match.students["username"], strict=True))
    assert imported == {"5001": "alee2", "5002": "alee"}
    assert set(match.students["outcome"]) == {"linked_by_name"}

    # The support view's link check names the same accounts, with the same outcome, and lists neither
    # account as unclaimed (which would invite a duplicate import).
    users = [
        data_user(f"h{sid}", sid, "Ana", "Lee", grade, "sch100")
        for sid, grade in (("5001", "PreKindergarten"), ("5002", "5"))
    ]
    snapshot = snapshot_of(users)
    roster = lc.read_vendor_roster(roster_file(tmp_path, TWINS_ROSTER))
    check = lc.check_login_links(snapshot, roster)
    linked = {s.student.sis_id: (s.outcome, s.account.username if s.account else "") for s in check.students}
    assert linked == {"5001": ("linked_by_name", "alee2"), "5002": ("linked_by_name", "alee")}
    assert check.accounts == ()
    assert all(not s.linked for s in check.students)  # Instant Login needs the ExternalID set first

    # --lookup says the same, and never advises importing the student again.
    for sis_id, username in (("5001", "alee2"), ("5002", "alee")):
        diagnosis = explain_login(snapshot, sis_id, today=TODAY, app="Symphony Math", links=check)
        said = " ".join(reason.text for reason in diagnosis.reasons)
        assert f"'{username}'" in said and f"ExternalID to {sis_id}" in said
        assert "Import the student" not in said


# --- the three callers agree, whatever the rosters ----------------------------------------------------------

FIRST = ["Ana", "Aná", "Sam", "Zoë", "Zoe"]
LAST = ["Lee", "Díaz", "Diaz", "O'Neil"]
HUB_GRADES = ["PreKindergarten", "Kindergarten", "5", "6", ""]
VENDOR_GRADES = ["PK", "K", "5", "6", ""]
IDS = ["1001", "1002", "01003", "1004", "1005", "1006"]


@st.composite
def rosters(draw: st.DrawFn) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A SIS students table (the hub's columns; ids may repeat or be missing, as hub data can) and a vendor
    roster export whose accounts carry those ids, ids without their zeros, stale ids, or none."""
    count = draw(st.integers(0, 8))
    sis = pd.DataFrame(
        {
            "Student_id": [draw(st.sampled_from([*IDS, *IDS, ""])) for _ in range(count)],
            "First_name": [draw(st.sampled_from(FIRST)) for _ in range(count)],
            "Last_name": [draw(st.sampled_from(LAST)) for _ in range(count)],
            "Grade": [draw(st.sampled_from(HUB_GRADES)) for _ in range(count)],
            "School_id": [draw(st.sampled_from(list(SCHOOL_NAMES))) for _ in range(count)],
        },
        dtype="string",
    )
    accounts = draw(st.integers(0, 8))
    external_ids = ["", "", "1003", "9999", *IDS]
    roster = pd.DataFrame(
        {
            "Username": [draw(st.sampled_from([f"user{i}", "alee", "ALee", ""])) for i in range(accounts)],
            "Password": "",
            "FirstName": [draw(st.sampled_from(FIRST)) for _ in range(accounts)],
            "LastName": [draw(st.sampled_from(LAST)) for _ in range(accounts)],
            "Grade": [draw(st.sampled_from(VENDOR_GRADES)) for _ in range(accounts)],
            "School": [draw(st.sampled_from([*SCHOOL_NAMES.values(), ""])) for _ in range(accounts)],
            "ExternalID": [draw(st.sampled_from(external_ids)) for _ in range(accounts)],
        },
        dtype="string",
    )
    return sis, roster


def _roster_user(row: pd.Series, position: int) -> RosterUser:
    school = str(row["School_id"])
    return student_row(
        f"h{position}",
        str(row["Student_id"]),
        str(row["First_name"]),
        str(row["Last_name"]),
        str(row["Grade"]),
        school,
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rosters())
def test_the_import_the_link_check_and_the_instant_login_check_agree_for_every_student(
    data: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    sis, roster_frame = data
    roster = lc.VendorRoster(Path("symphony_export.csv"), SYMPHONY.title, roster_frame, SYMPHONY)
    schools = pd.DataFrame({"School_id": list(SCHOOL_NAMES), "School_name": list(SCHOOL_NAMES.values())})
    usernames = roster_frame["Username"].tolist()

    # 1. the vendor import (prepare --target vendor, the vendor page)
    imported = match_roster(sis, schools, roster_frame, SYMPHONY).student_outcomes()
    by_import = {
        f"h{i}": (str(outcome), usernames[account] if account >= 0 else "")
        for i, (outcome, account) in enumerate(zip(imported["outcome"], imported["account"], strict=True))
    }
    # 2. the support view's link check (and --lookup, which reads its result)
    users = [
        data_user(
            f"h{i}", str(r.Student_id), str(r.First_name), str(r.Last_name), str(r.Grade), str(r.School_id)
        )
        for i, r in enumerate(sis.itertuples())
    ]
    support = lc.check_login_links(snapshot_of(users), roster)
    # 3. the Validate page's Instant Login check
    validate = lc.instant_login_check(
        [_roster_user(row, i) for i, (_, row) in enumerate(sis.iterrows())], roster
    )
    assert validate.links is not None

    def answers(check: lc.LinkCheck) -> dict[str, tuple[str, str]]:
        return {
            link.student.id: (
                str(link.outcome),
                link.account.username if link.account and not link.candidates else "",
            )
            for link in check.students
        }

    assert answers(support) == by_import
    assert answers(validate.links) == by_import
    # Who will not link, and why, is said in the link check's words.
    not_linked = {s.student.sis_id or "": s for s in support.students if not s.linked}
    assert len(validate.not_linking) == len(support.students) - support.linked
    for problem in validate.not_linking:
        assert problem.reason == lc.PLAIN_WORDS[problem.outcome]
        assert problem.sis_id in not_linked
    # An account that the import links to a student is never called unclaimed.
    claimed = set(imported.loc[imported["account"] >= 0, "account"] + 2)
    assert not claimed & {a.account.row for a in support.accounts}


def test_the_instant_login_check_names_the_roster_it_checked_and_who_will_not_link(tmp_path: Path) -> None:
    """Issue 10, problem 4 (engine side): Validate said the vendor's roster was checked when it was the wizard's
    own import file, and did not name the students who would not link."""
    users = [
        student_row("h1", "5001", "Ana", "Lee", "PreKindergarten", "sch100"),
        student_row("h2", "5002", "Ana", "Lee", "5", "sch100"),
        student_row("h3", "5003", "Kim", "Park", "3", "sch100"),
        student_row("h4", "5004", "Bo", "Ray", "3", "sch100"),
    ]
    export = pd.concat(
        [
            TWINS_ROSTER,
            pd.DataFrame(
                {"Username": ["kpark"], "FirstName": ["Kim"], "LastName": ["Park"], "ExternalID": ["5003"]}
            ),
        ]
    ).fillna("")
    check = lc.instant_login_check(users, lc.read_vendor_roster(roster_file(tmp_path, export)))
    assert check.roster_source == lc.RosterSource.VENDOR_EXPORT
    assert check.checked_against == "Symphony Math's roster export symphony_export.csv"
    named = [(p.name, p.sis_id, p.outcome, p.reason) for p in check.not_linking]
    assert named == [
        ("Ana Lee", "5001", "linked_by_name", lc.PLAIN_WORDS[Outcome.LINKED_BY_NAME]),
        ("Ana Lee", "5002", "linked_by_name", lc.PLAIN_WORDS[Outcome.LINKED_BY_NAME]),
        ("Bo Ray", "5004", "new_account", lc.PLAIN_WORDS[Outcome.NEW_ACCOUNT]),
    ]
    assert "'alee2'" in check.not_linking[0].what_to_do and not check.ok

    # The wizard's own import file says what the vendor will have once they import it, and the check says so.
    own = tmp_path / "own"
    schools = pd.DataFrame({"School_id": list(SCHOOL_NAMES), "School_name": list(SCHOOL_NAMES.values())})
    sis = pd.DataFrame(
        [(u.sis_id, u.first_name, u.last_name, u.grade, u.school_id) for u in users],
        columns=["Student_id", "First_name", "Last_name", "Grade", "School_id"],
        dtype="string",
    )
    write_vendor_outputs(match_roster(sis, schools, export, SYMPHONY), own)
    imported = lc.read_vendor_roster(own / "vendor_import.csv", source=lc.RosterSource.WIZARD_IMPORT)
    after = lc.instant_login_check(users, imported)
    assert after.ok and after.roster_source == lc.RosterSource.WIZARD_IMPORT
    assert after.checked_against.startswith("the import file this wizard wrote (vendor_import.csv)")
    assert "not Symphony Math's own roster" in after.checked_against
