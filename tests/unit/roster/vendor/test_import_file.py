from __future__ import annotations

import pandas as pd

from tests.unit.roster.vendor.fixtures import district, schools, students
from wizard.roster.vendor import build_import, build_report, load_profile, match_roster
from wizard.roster.vendor.passwords import ALPHABET, generate_passwords, looks_like_birth_date

SYMPHONY = load_profile("symphony-math")
GENERIC = load_profile("generic-email-login")


def _fixed_passwords(count: int, length: int) -> list[str]:
    return [f"gen{i}".ljust(length, "x") for i in range(count)]


def test_symphony_import_keeps_usernames_and_adds_the_sis_id() -> None:
    sis, roster = district()
    result = match_roster(sis, schools(), roster, SYMPHONY, {"1005": "slee", "1006": "new", "1008": "twin1"})
    plain = build_import(result, make_passwords=_fixed_passwords)
    assert list(plain.columns) == SYMPHONY.headers
    frame = plain.set_index("ExternalID")
    assert frame.at["1001", "Username"] == "jmoneil"
    assert frame.at["1002", "Username"] == "zangstrom"
    assert frame.at["1008", "Username"] == "twin1"
    # Existing accounts keep the password in the roster export; new ones get a generated one.
    assert frame.at["1002", "Password"] == "pw2"
    assert frame.at["1004", "Password"].startswith("gen")
    # The SIS is the source of truth for names, grades and schools.
    assert frame.at["1001", "FirstName"] == "José-María"
    assert frame.at["1007", "Grade"] == "K"
    assert frame.at["1004", "School"] == "Washington Middle"
    assert len(frame) == len(sis)


def test_students_waiting_for_a_decision_are_left_out() -> None:
    sis, roster = district()
    frame = build_import(match_roster(sis, schools(), roster, SYMPHONY))
    assert sorted(frame["ExternalID"]) == ["1001", "1002", "1003", "1004", "1007"]


def test_generated_passwords_are_random_from_the_plain_alphabet() -> None:
    passwords = generate_passwords(500, 10)
    assert len(set(passwords)) == 500
    assert all(len(p) == 10 and set(p) <= set(ALPHABET) for p in passwords)
    assert generate_passwords(0, 10) == []


def test_column_passwords_that_are_birth_dates_are_replaced_and_warned_about() -> None:
    sis = students(
        {
            "Student_id": "1",
            "First_name": "A",
            "Last_name": "B",
            "Grade": "3",
            "School_id": "100",
            "DOB": "04/05/2015",
            "Password": "04052015",
        },
        {
            "Student_id": "2",
            "First_name": "C",
            "Last_name": "D",
            "Grade": "3",
            "School_id": "100",
            "DOB": "04/05/2015",
            "Password": "tiger-lily-7",
        },
        {
            "Student_id": "3",
            "First_name": "E",
            "Last_name": "F",
            "Grade": "3",
            "School_id": "100",
            "Password": "2014-01-01",
        },
        {"Student_id": "4", "First_name": "G", "Last_name": "H", "Grade": "3", "School_id": "100"},
    )
    result = match_roster(sis, schools(), None, GENERIC)
    frame = build_import(result, make_passwords=_fixed_passwords).set_index("SIS ID")
    assert frame.at["2", "Password"] == "tiger-lily-7"
    assert frame.at["1", "Password"].startswith("gen")
    assert frame.at["3", "Password"].startswith("gen")
    assert frame.at["4", "Password"].startswith("gen")
    warnings = [issue for issue in result.issues if issue.code == "password_looks_like_birth_date"]
    assert len(warnings) == 1
    assert warnings[0].message.startswith("2 passwords")


def test_birth_date_detection() -> None:
    passwords = pd.Series(["04052015", "20150405", "050415", "7/4/2015", "hunter22", "12345678", ""])
    dob = pd.Series(["04/05/2015"] * 7)
    assert looks_like_birth_date(passwords, dob).tolist() == [True, True, True, True, False, False, False]


def test_existing_passwords_that_look_like_birth_dates_are_kept_but_warned_about() -> None:
    sis = students(
        {"Student_id": "1", "First_name": "Kim", "Last_name": "Park", "DOB": "01/02/2014", "Grade": "2"}
    )
    roster = pd.DataFrame({"Username": ["kpark"], "Password": ["01022014"], "ExternalID": ["1"]})
    result = match_roster(sis, None, roster, SYMPHONY)
    assert build_import(result)["Password"].tolist() == ["01022014"]
    assert any(issue.code == "password_looks_like_birth_date" for issue in result.issues)


def test_grades_the_vendor_lacks_are_blank_and_reported() -> None:
    sis = students(
        {"Student_id": "1", "First_name": "A", "Last_name": "B", "Grade": "PostGraduate"},
        {"Student_id": "2", "First_name": "C", "Last_name": "D", "Grade": "Kindergarten"},
    )
    result = match_roster(sis, None, None, GENERIC)
    assert build_import(result)["Grade Level"].tolist() == ["", "KG"]
    unknown = [issue for issue in result.issues if issue.code == "vendor_grade_unknown"]
    assert [issue.value for issue in unknown] == ["PostGraduate"]


def test_generic_profile_shape_and_username_rule() -> None:
    sis = students(
        {
            "Student_id": "7",
            "Student_number": "0007",
            "First_name": "Zoë",
            "Last_name": "O'Hara",
            "Middle_name": "Q",
            "Grade": "1",
            "School_id": "200",
            "Student_email": "zoe@d.org",
        },
    )
    frame = build_import(match_roster(sis, schools(), None, GENERIC))
    assert frame.iloc[0].to_dict() == {
        "SIS ID": "7",
        "Student Number": "0007",
        "First Name": "Zoë",
        "Last Name": "O'Hara",
        "Grade Level": "01",
        "School SIS ID": "200",
        "School Name": "Washington Middle",
        "Username": "zoe.ohara",
        "Password": frame.at[0, "Password"],
        "Email": "zoe@d.org",
    }
    assert len(frame.at[0, "Password"]) == GENERIC.password.length


def test_kept_accounts_without_a_password_in_the_export_are_warned_about() -> None:
    sis = students({"Student_id": "1", "First_name": "Kim", "Last_name": "Park", "Grade": "2"})
    roster = pd.DataFrame({"Username": ["kpark"], "ExternalID": ["1"]})
    result = match_roster(sis, None, roster, SYMPHONY)
    assert build_import(result)["Password"].tolist() == [""]
    assert [issue.code for issue in result.issues] == ["vendor_password_blank"]


def test_a_whole_roster_import_keeps_unmatched_accounts_unchanged() -> None:
    sis = students({"Student_id": "1", "First_name": "Kim", "Last_name": "Park", "Grade": "2"})
    roster = pd.DataFrame(
        {
            "Username": ["kim.park", "gone.kid", "gone.kid", ""],
            "SIS ID": ["1", "77", "", ""],
            "First Name": ["Kim", "Gone", "Gone", "No"],
            "Last Name": ["Park", "Kid", "Kid", "Login"],
            "Grade Level": ["01", "05", "05", "03"],
        }
    )
    result = match_roster(sis, None, roster, GENERIC)
    frame = build_import(result).set_index("Username")
    # The kept account is written as the vendor has it: its own SIS id, names and grade.
    assert frame.loc["gone.kid", ["SIS ID", "First Name", "Grade Level", "Password"]].tolist() == [
        "77",
        "Gone",
        "05",
        "",
    ]
    assert frame.loc["kim.park", "Grade Level"] == "02"
    assert len(frame) == 2  # the repeated username and the row without one are not copied
    report = build_report(result).set_index("roster_row")
    assert report.at["3", "import_username"] == "gone.kid"
    assert "copied into the import file unchanged" in report.at["3", "note"]
    assert report.at["4", "import_username"] == ""


def test_students_with_errors_are_matched_but_left_out_of_the_import() -> None:
    sis, roster = district()
    decisions = {"1005": "slee", "1006": "new", "1008": "twin1"}
    result = match_roster(sis, schools(), roster, SYMPHONY, decisions, left_out={"1002"})
    assert result.students.set_index("Student_id").at["1002", "outcome"] == "linked_by_name"
    assert "1002" not in set(build_import(result)["ExternalID"])
    report = build_report(result).set_index("Student_id")
    assert report.at["1002", "roster_username"] == "zangstrom"  # not mistaken for a leaver
    assert report.at["1002", "import_username"] == ""
    assert "Left out of the import" in report.at["1002", "note"]
