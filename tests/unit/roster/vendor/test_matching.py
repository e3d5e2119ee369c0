from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.unit.roster.vendor.fixtures import district, schools, students, symphony_roster
from wizard.roster.vendor import (
    DecisionError,
    MatchResult,
    RosterFileError,
    build_report,
    load_profile,
    match_roster,
)
from wizard.tasks import Cancelled, CancelToken

SYMPHONY = load_profile("symphony-math")


def _match(
    sis: pd.DataFrame, roster: pd.DataFrame | None, decisions: dict[str, str] | None = None
) -> MatchResult:
    return match_roster(sis, schools(), roster, SYMPHONY, decisions)


def _student(result: MatchResult, sid: str) -> pd.Series:
    return result.students.set_index("Student_id").loc[sid]


def _account(result: MatchResult, username: str) -> pd.Series:
    return result.accounts.set_index("username").loc[username]


@pytest.fixture
def district_match() -> MatchResult:
    sis, roster = district()
    return _match(sis, roster)


@pytest.mark.parametrize(
    ("sid", "outcome", "username"),
    [
        ("1001", "linked_by_external_id", "jmoneil"),
        ("1002", "linked_by_name", "zangstrom"),
        ("1003", "linked_by_name", "adiaz"),
        ("1004", "new_account", "adiaz3"),
        ("1005", "ambiguous_match", ""),
        ("1006", "ambiguous_match", ""),
        ("1007", "new_account", "msmith3"),
        ("1008", "external_id_conflict", ""),
    ],
)
def test_each_student_gets_the_expected_outcome(
    district_match: MatchResult, sid: str, outcome: str, username: str
) -> None:
    student = _student(district_match, sid)
    assert student["outcome"] == outcome
    if username:
        assert student["username"] == username


@pytest.mark.parametrize(
    ("username", "outcome", "needs_decision"),
    [
        ("adiaz2", "unmatched_existing_account", False),
        ("slee", "ambiguous_match", True),
        ("old.kid", "external_id_matches_no_student", False),
        ("twin1", "external_id_conflict", True),
        ("twin2", "external_id_conflict", True),
        ("msmith", "unmatched_existing_account", False),
    ],
)
def test_each_unlinked_account_gets_the_expected_outcome(
    district_match: MatchResult, username: str, outcome: str, needs_decision: bool
) -> None:
    account = _account(district_match, username)
    assert account["outcome"] == outcome
    assert bool(account["needs_decision"]) is needs_decision
    assert account["note"]


def test_counts_are_what_the_admin_sees(district_match: MatchResult) -> None:
    counts = district_match.counts
    assert (counts.linked, counts.new, counts.needs_decision, counts.would_unlink) == (3, 2, 3, 4)


def test_ambiguous_matches_list_their_candidates(district_match: MatchResult) -> None:
    assert _account(district_match, "slee")["candidates"].count("Sam Lee, grade 4") == 2
    assert _student(district_match, "1008")["candidates"] == "twin1 (row 8); twin2 (row 9)"


def test_an_open_decision_is_an_error_issue_naming_the_students(district_match: MatchResult) -> None:
    errors = [issue for issue in district_match.issues if issue.severity == "error"]
    assert [issue.code for issue in errors] == ["vendor_decision_needed"]
    assert errors[0].value == "1005, 1006, 1008"


def test_decisions_resolve_ambiguity_and_conflicts() -> None:
    sis, roster = district()
    result = _match(sis, roster, {"1005": "slee", "1006": "new", "1008": "TWIN2"})
    assert _student(result, "1005")["outcome"] == "linked_by_decision"
    assert _student(result, "1005")["username"] == "slee"
    assert _student(result, "1006")["outcome"] == "new_account"
    assert _student(result, "1006")["username"] == "slee2"
    assert _student(result, "1008")["username"] == "twin2"
    assert _account(result, "twin1")["outcome"] == "external_id_conflict"
    assert "twin2" in _account(result, "twin1")["note"]
    assert result.counts.needs_decision == 0
    assert not [issue for issue in result.issues if issue.severity == "error"]


def test_a_decision_that_moves_an_external_id_says_so() -> None:
    sis, roster = district()
    result = _match(sis, roster, {"1004": "old.kid"})
    assert "changes from 9999 to 1004" in _account(result, "old.kid")["note"]


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        ({"4242": "slee"}, "SIS id '4242'"),
        ({"1005": "nobody"}, "'nobody', which is not in the vendor roster"),
        ({"1005": "slee", "1006": "slee"}, "chosen for two students"),
    ],
)
def test_decisions_that_cannot_apply_are_clear_errors(decisions: dict[str, str], message: str) -> None:
    sis, roster = district()
    with pytest.raises(DecisionError, match=message):
        _match(sis, roster, decisions)


def test_same_name_in_different_grades_is_split_by_grade() -> None:
    sis = students(
        {"Student_id": "1", "First_name": "Ana", "Last_name": "Diaz", "Grade": "3"},
        {"Student_id": "2", "First_name": "Ana", "Last_name": "Diaz", "Grade": "5"},
    )
    roster = symphony_roster(
        {"Username": "ana5", "FirstName": "ANA", "LastName": "DIAZ", "Grade": "5"},
        {"Username": "ana3", "FirstName": "Ana", "LastName": "Díaz", "Grade": "3"},
    )
    result = _match(sis, roster)
    assert _student(result, "1")["username"] == "ana3"
    assert _student(result, "2")["username"] == "ana5"
    assert set(result.students["outcome"]) == {"linked_by_name"}


def test_birth_date_breaks_a_tie_when_grades_agree() -> None:
    profile = load_profile("generic-email-login")
    sis = students(
        {"Student_id": "1", "First_name": "Sam", "Last_name": "Lee", "Grade": "4", "DOB": "01/02/2016"},
        {"Student_id": "2", "First_name": "Sam", "Last_name": "Lee", "Grade": "4", "DOB": "03/04/2016"},
    )
    roster = pd.DataFrame(
        {"Username": ["sam.lee"], "First Name": ["Sam"], "Last Name": ["Lee"], "Birth Date": ["2016-03-04"]}
    )
    result = match_roster(sis, None, roster, profile)
    assert _student(result, "2")["outcome"] == "linked_by_name"
    assert _student(result, "1")["outcome"] == "new_account"
    assert _student(result, "1")["username"] == "sam.lee2"


def test_a_unique_name_links_even_after_the_grade_moved_on() -> None:
    sis = students({"Student_id": "1", "First_name": "Ana", "Last_name": "Diaz", "Grade": "4"})
    roster = symphony_roster({"Username": "adiaz", "FirstName": "Ana", "LastName": "Diaz", "Grade": "3"})
    assert _student(_match(sis, roster), "1")["outcome"] == "linked_by_name"


def test_student_number_and_state_id_come_before_names() -> None:
    profile = load_profile("generic-email-login")
    sis = students(
        {"Student_id": "S1", "Student_number": "00042", "First_name": "Ana", "Last_name": "Diaz"},
        {"Student_id": "S2", "Student_number": "00043", "First_name": "Ana", "Last_name": "Diaz"},
    )
    roster = pd.DataFrame(
        {
            "username": ["ana.a", "ana.b"],
            "SIS ID": ["", ""],
            "Student Number": ["00043", "00042"],
            "First Name": ["Ana", "Ana"],
            "Last Name": ["Diaz", "Diaz"],
        }
    )
    result = match_roster(sis, None, roster, profile)
    assert _student(result, "S1")["username"] == "ana.b"
    assert _student(result, "S2")["username"] == "ana.a"
    assert set(result.students["outcome"]) == {"linked_by_number"}


def test_an_outdated_external_id_matching_by_name_is_proposed_not_linked() -> None:
    sis = students({"Student_id": "2002", "First_name": "Kim", "Last_name": "Park"})
    roster = symphony_roster(
        {"Username": "kpark", "FirstName": "Kim", "LastName": "Park", "ExternalID": "1001"}
    )
    result = _match(sis, roster)
    assert _student(result, "2002")["outcome"] == "external_id_conflict"
    assert _student(result, "2002")["needs_decision"]
    assert "kpark" in _student(result, "2002")["candidates"]
    confirmed = _match(sis, roster, {"2002": "kpark"})
    assert _student(confirmed, "2002")["outcome"] == "linked_by_decision"


def test_repeated_and_missing_usernames_in_the_roster_are_reported() -> None:
    sis = students({"Student_id": "1", "First_name": "Kim", "Last_name": "Park"})
    roster = symphony_roster(
        {"Username": "kpark", "FirstName": "Kim", "LastName": "Park"},
        {"Username": "KPARK", "FirstName": "Kim", "LastName": "Park"},
        {"Username": "", "FirstName": "No", "LastName": "Name"},
    )
    result = _match(sis, roster)
    assert result.accounts["outcome"].tolist() == ["linked_by_name", "duplicate_username", "missing_username"]
    assert "roster row 2" in result.accounts.at[1, "note"]


def test_without_a_roster_every_student_is_new() -> None:
    sis, _ = district()
    result = _match(sis, None)
    assert set(result.students["outcome"]) == {"new_account"}
    assert result.students["username"].is_unique
    assert len(build_report(result)) == len(sis)


def test_repeated_sis_ids_are_left_out_with_a_warning() -> None:
    sis = students(
        {"Student_id": "1", "First_name": "Kim", "Last_name": "Park"},
        {"Student_id": "1", "First_name": "Kim", "Last_name": "Parks"},
    )
    result = _match(sis, None)
    assert len(result.students) == 1
    assert [(i.code, i.row) for i in result.issues if i.file == "students.csv" and i.row] == [
        ("student_id_not_unique", 3)
    ]


def test_roster_without_a_username_column_is_refused() -> None:
    sis, _ = district()
    with pytest.raises(RosterFileError, match="no 'Username' column"):
        _match(sis, pd.DataFrame({"Nickname": ["x"]}))


def test_roster_headers_match_ignoring_case_and_spaces() -> None:
    sis = students({"Student_id": "1", "First_name": "Kim", "Last_name": "Park"})
    roster = pd.DataFrame({"USER NAME": ["kp"], "external_id": ["1"]})
    assert _student(_match(sis, roster), "1")["outcome"] == "linked_by_external_id"
    # Other spellings the profile lists for a column are accepted too.
    roster = pd.DataFrame({"Login": ["kp"], "SIS ID": ["1"]})
    assert _student(_match(sis, roster), "1")["outcome"] == "linked_by_external_id"


def test_students_without_the_hub_columns_are_refused() -> None:
    with pytest.raises(RosterFileError, match="no Student_id"):
        _match(pd.DataFrame({"First_name": ["x"], "Last_name": ["y"]}), None)


def test_the_choices_offered_for_open_decisions(district_match: MatchResult) -> None:
    assert district_match.choices_for_student("1005") == ["slee", "new"]
    assert district_match.choices_for_student("1008") == ["twin1", "twin2", "new"]
    assert district_match.choices_for_student("1001") == ["new"]
    assert district_match.choices_for_account("slee") == ["1005", "1006"]
    assert district_match.choices_for_account("adiaz2") == []


def test_external_ids_that_lost_their_leading_zeros_still_link() -> None:
    sis = students(
        {"Student_id": "00123", "First_name": "Kim", "Last_name": "Park"},
        {"Student_id": "00456", "First_name": "Lee", "Last_name": "Chan"},
    )
    roster = symphony_roster(
        {"Username": "kpark", "FirstName": "Kim", "LastName": "Park", "ExternalID": "123"},
        {"Username": "other", "FirstName": "Someone", "LastName": "Else", "ExternalID": "456"},
    )
    result = _match(sis, roster)
    assert _student(result, "00123")["outcome"] == "external_id_lost_leading_zeros"
    assert result.counts.linked == 1  # linked: the import writes the full SIS id
    assert "lost its leading zeros" in _student(result, "00123")["note"]
    # A different name on the account: the id alone does not decide it, the admin does.
    assert _account(result, "other")["outcome"] == "external_id_conflict"
    assert _account(result, "other")["needs_decision"]
    assert result.choices_for_student("00456") == ["other", "new"]


def test_a_profile_with_state_ids_and_sis_id_usernames(tmp_path: Path) -> None:
    path = tmp_path / "state-app.toml"
    path.write_text(
        """
name = "state-app"
[[columns]]
header = "Login"
source = "username"
[[columns]]
header = "District Id"
source = "students.Student_id"
[roster]
username = "Login"
state_id = "State Id"
[username]
pattern = "s{sis_id}"
fallback = "s{sis_id}"
""",
        encoding="utf-8",
    )
    profile = load_profile(path)
    sis = students(
        {"Student_id": "7", "State_id": "CA-991", "First_name": "Ana", "Last_name": "Diaz"},
        {"Student_id": "8", "State_id": "CA-992", "First_name": "Ana", "Last_name": "Diaz"},
    )
    roster = pd.DataFrame({"Login": ["ana.d", "s8"], "State Id": ["CA 992", ""]})
    result = match_roster(sis, None, roster, profile)
    assert _student(result, "8")["outcome"] == "linked_by_number"
    assert _student(result, "8")["username"] == "ana.d"
    assert _student(result, "7")["username"] == "s7"
    assert _account(result, "s8")["outcome"] == "unmatched_existing_account"


def test_sis_ids_that_differ_only_in_case_do_not_break_matching() -> None:
    sis = students(
        {"Student_id": "ab1", "First_name": "Kim", "Last_name": "Park"},
        {"Student_id": "AB1", "First_name": "Lee", "Last_name": "Chan"},
    )
    roster = symphony_roster({"Username": "kpark", "ExternalID": "Ab1"})
    result = _match(sis, roster)
    assert _student(result, "ab1")["outcome"] == "linked_by_external_id"
    assert _student(result, "AB1")["outcome"] == "new_account"


def test_external_ids_rewritten_by_a_spreadsheet_are_reported() -> None:
    sis = students({"Student_id": "123456", "First_name": "Kim", "Last_name": "Park"})
    roster = symphony_roster(
        {"Username": "kpark", "ExternalID": "1.23456E+05"}, {"Username": "lee", "ExternalID": "77.0"}
    )
    result = _match(sis, roster)
    mangled = [issue for issue in result.issues if issue.code == "vendor_external_id_mangled"]
    assert len(mangled) == 1
    assert mangled[0].value == "1.23456E+05, 77.0"


def test_progress_is_reported_and_a_cancelled_match_stops() -> None:
    sis, roster = district()
    seen: list[tuple[int, int, str]] = []
    _ = match_roster(sis, None, roster, SYMPHONY, progress=lambda d, t, m="": seen.append((d, t, m)))
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        match_roster(sis, None, roster, SYMPHONY, cancel=token)


def test_an_account_of_a_student_left_out_for_errors_is_not_called_a_leaver() -> None:
    # 1001 is in the SIS export but its row has an error, so the upload's students.csv lacks it
    sis = students({"Student_id": "1002", "First_name": "Kim", "Last_name": "Park"})
    roster = symphony_roster(
        {"Username": "aone", "FirstName": "Al", "LastName": "One", "ExternalID": "1001"},
        {"Username": "gone", "FirstName": "Gil", "LastName": "Gone", "ExternalID": "0999"},
    )
    result = match_roster(sis, None, roster, SYMPHONY, left_out=["1001"])
    excluded, left = _account(result, "aone")["note"], _account(result, "gone")["note"]
    assert "left out because of errors" in excluded and "Fix those errors" in excluded
    assert "left." not in excluded
    assert "no longer in the SIS export" in left


def test_a_second_account_with_a_linked_name_may_be_a_duplicate() -> None:
    sis = students({"Student_id": "1", "First_name": "Kim", "Last_name": "Park"})
    roster = symphony_roster(
        {"Username": "kpark", "FirstName": "Kim", "LastName": "Park", "ExternalID": "1"},
        {"Username": "kpark2", "FirstName": "Kim", "LastName": "Park"},
    )
    note = _account(match_roster(sis, None, roster, SYMPHONY), "kpark2")["note"]
    assert "may be a duplicate account" in note and "left" not in note


def test_one_ambiguous_student_is_one_decision() -> None:
    sis = students(
        {"Student_id": "1", "First_name": "Sam", "Last_name": "Lee"},
    )
    roster = symphony_roster(
        {"Username": "slee", "FirstName": "Sam", "LastName": "Lee"},
        {"Username": "slee2", "FirstName": "Sam", "LastName": "Lee"},
    )
    result = match_roster(sis, None, roster, SYMPHONY)
    assert _student(result, "1")["needs_decision"]
    assert result.counts.needs_decision == 1
