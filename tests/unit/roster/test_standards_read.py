"""OneRoster 1.2 and Microsoft SDS v2.1 sets read into the hub set; format recognition; drift; delta refusal."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.unit.roster.helpers import DATA, column, issue_keys
from wizard.errors import UsageError
from wizard.roster.pipeline import PrepareOptions, prepare

ONEROSTER_12 = DATA / "oneroster-1.2"
DRIFT_12 = DATA / "oneroster-1.2-drift"
SDS_21 = DATA / "sds-v2.1"


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as bundle:
        for path in sorted(folder.iterdir()):
            bundle.write(path, path.name)
    return target


# --- OneRoster 1.2 ------------------------------------------------------------------------------------------


def test_oneroster_12_converts_with_exact_counts_and_no_errors() -> None:
    result = prepare([ONEROSTER_12])
    assert (result.input_format, result.format_id, result.format_name) == (
        "oneroster",
        "oneroster-1.2",
        "OneRoster 1.2",
    )
    assert result.error_count == 0
    assert result.summary()["counts"] == {
        "schools.csv": 2,
        "students.csv": 2,
        "teachers.csv": 3,
        "sections.csv": 3,
        "enrollments.csv": 3,
        "staff.csv": 2,
    }
    summary = result.summary()
    assert (summary["format"], summary["format_version"], summary["format_name"]) == (
        "oneroster",
        "1.2",
        "OneRoster 1.2",
    )


def test_oneroster_12_people_come_from_roles_csv() -> None:
    result = prepare([ONEROSTER_12])
    assert column(result, "students", "Student_id") == ["u1", "u2"]
    assert column(result, "students", "School_id") == ["s1", "s2"]
    assert column(result, "students", "Grade") == ["Kindergarten", "7"]
    # u3 teaches at s1 (primary role) and s2 (secondary); u5 is a district administrator who also teaches at s2
    assert column(result, "teachers", "Teacher_id") == ["u3", "u4", "u5"]
    assert column(result, "teachers", "School_id") == ["s1", "s2", "s2"]
    assert column(result, "staff", "Staff_id") == ["u5", "u8"]
    assert column(result, "staff", "School_id") == ["", "s1"]
    assert column(result, "staff", "Role") == ["administrator", "aide"]


def test_oneroster_12_reports_what_it_left_out_by_file_and_row() -> None:
    result = prepare([ONEROSTER_12])
    keys = issue_keys(result)
    assert ("warning", "several_schools", "roles.csv", 4, "orgSourcedId") in keys
    assert ("warning", "inactive_record_skipped", "users.csv", 8, "status") in keys
    assert ("warning", "not_hub_records", "roles.csv", None, "role") in keys
    assert ("warning", "not_hub_records", "orgs.csv", None, "type") in keys
    gradebook = [issue for issue in result.issues if issue.code == "unused_input"]
    assert len(gradebook) == 1 and "lineItems.csv, results.csv" in gradebook[0].message


def test_oneroster_12_sections_demographics_and_enrollments() -> None:
    result = prepare([ONEROSTER_12])
    sections = result.tables["sections"]
    assert list(sections["Teacher_id"]) == ["u3", "u4", "u5"]
    assert list(sections["Teacher_2_id"]) == ["", "u3", ""]
    assert column(result, "sections", "Course_name") == ["Homeroom K", "Mathematics 7", "Science 7"]
    assert column(result, "sections", "Term_name") == ["Fall 2025", "Fall 2025", "Spring 2026"]
    # c3 has no grades or subjects of its own: its course's are used
    assert column(result, "sections", "Grade") == ["Kindergarten", "7", "7"]
    assert column(result, "sections", "Subject") == ["homeroom/advisory", "math", "science"]
    assert column(result, "students", "Race") == ["Caucasian", "Two or More Races"]
    assert column(result, "students", "DOB") == ["03/14/2020", "11/02/2013"]
    assert column(result, "enrollments", "Section_id") == ["c1", "c2", "c3"]


def test_a_user_without_a_role_and_a_role_without_a_user_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(ONEROSTER_12, folder)
    roles = folder / "roles.csv"
    lines = roles.read_text().splitlines()
    kept = [line for line in lines if not line.startswith("r10,")]  # u8 loses its role
    roles.write_text("\n".join([*kept, "r11,active,,u99,primary,student,,,s1,"]) + "\n")
    result = prepare([folder])
    keys = issue_keys(result)
    assert ("warning", "user_without_role", "users.csv", 9, "sourcedId") in keys
    assert ("error", "unknown_reference", "roles.csv", 11, "userSourcedId") in keys
    assert column(result, "staff", "Staff_id") == ["u5"]


def test_the_drifting_set_reads_like_the_clean_one_and_says_what_it_tolerated() -> None:
    clean = prepare([ONEROSTER_12])
    drift = prepare([DRIFT_12])
    assert drift.format_id == "oneroster-1.2"
    assert drift.error_count == 0
    for kind, frame in clean.tables.items():
        assert drift.tables[kind].equals(frame), kind
    tolerated = {issue.file: issue.message for issue in drift.issues if issue.code == "nonconformant_input"}
    assert set(tolerated) == {
        "Users.CSV",
        "ROLES.csv",
        "Classes.csv",
        "Manifest.csv",
        "enrollments.csv",
        "orgs.csv",
    }
    assert "named Users.CSV, not users.csv" in tolerated["Users.CSV"]
    assert "'First Name' as givenName" in tolerated["Users.CSV"]
    assert "2 extra empty column(s) were ignored" in tolerated["Users.CSV"]
    assert "'role type' as roleType" in tolerated["ROLES.csv"]
    assert "'SchoolSourcedID' as schoolSourcedId" in tolerated["Classes.csv"]
    # a problem on a drifting file still names the file and row as the user has them
    assert ("warning", "several_schools", "ROLES.csv", 4, "org_sourced_id") in issue_keys(drift)


def test_a_zip_of_a_12_set_reads_like_the_folder(tmp_path: Path) -> None:
    from_zip = prepare([zip_folder(ONEROSTER_12, tmp_path / "bulk.zip")])
    from_folder = prepare([ONEROSTER_12])
    assert from_zip.format_id == "oneroster-1.2"
    for kind, frame in from_folder.tables.items():
        assert from_zip.tables[kind].equals(frame), kind


def test_a_12_delta_set_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(ONEROSTER_12, folder)
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("file.users,bulk", "file.users,delta"))
    with pytest.raises(UsageError, match=r"users\.csv as delta.*Export a bulk"):
        prepare([folder])


def test_a_12_set_read_as_11_is_a_mess_but_format_override_works() -> None:
    forced = prepare([ONEROSTER_12], PrepareOptions(input_format="oneroster-1.1"))
    assert forced.format_id == "oneroster-1.1"
    assert ("error", "missing_column", "users.csv", None, "role, orgSourcedIds") in issue_keys(forced)
    assert prepare([ONEROSTER_12], PrepareOptions(input_format="oneroster")).format_id == "oneroster-1.2"


def test_without_a_manifest_12_is_recognised_by_its_roles(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(ONEROSTER_12, folder)
    (folder / "manifest.csv").unlink()
    result = prepare([folder])
    assert result.format_id == "oneroster-1.2"
    assert result.summary()["counts"]["teachers.csv"] == 3


# --- SDS v2.1 -----------------------------------------------------------------------------------------------


def test_sds_21_converts_with_exact_counts_and_no_errors() -> None:
    result = prepare([SDS_21])
    assert (result.input_format, result.format_id, result.format_name) == (
        "sds",
        "sds-v2.1",
        "Microsoft SDS v2.1",
    )
    assert result.error_count == 0
    assert result.summary()["counts"] == {
        "schools.csv": 2,
        "students.csv": 2,
        "teachers.csv": 2,
        "sections.csv": 2,
        "enrollments.csv": 2,
        "staff.csv": 2,
    }
    assert result.summary()["format_version"] == "v2.1"


def test_sds_21_people_sections_and_demographics() -> None:
    result = prepare([SDS_21])
    assert column(result, "students", "Grade") == ["Kindergarten", "7"]  # from roles.csv's grade
    assert column(result, "students", "Username") == [
        "avery@fixture.example.org",
        "blake@fixture.example.org",
    ]
    assert column(result, "students", "Hispanic_Latino") == ["Y", "N"]
    assert column(result, "students", "Race") == ["Caucasian", "Two or More Races"]
    assert column(result, "students", "Gender") == ["F", "M"]
    assert column(result, "teachers", "School_id") == ["s1", "s2"]
    assert column(result, "staff", "Role") == ["districtAdministrator", "principal"]
    assert column(result, "staff", "School_id") == ["", "s1"]
    sections = result.tables["sections"]
    assert list(sections["Teacher_id"]) == ["u3", "u4"] and list(sections["Teacher_2_id"]) == ["", "u3"]
    assert column(result, "sections", "Course_number") == ["HRK", "MATH7"]
    assert column(result, "sections", "Subject") == ["homeroom/advisory", "math"]
    assert column(result, "sections", "Term_end") == ["12/19/2025", "12/19/2025"]
    # SDS enrollments carry no school: each takes its section's
    assert column(result, "enrollments", "School_id") == ["s1", "s2"]


def test_sds_21_reports_non_schools_other_roles_and_unused_files() -> None:
    keys = issue_keys(prepare([SDS_21]))
    assert ("warning", "not_hub_records", "orgs.csv", None, "type") in keys
    assert ("warning", "not_hub_records", "roles.csv", None, "role") in keys
    assert ("warning", "several_schools", "roles.csv", 4, "orgSourcedId") in keys
    assert ("warning", "unused_input", "userFlags.csv", None, "") in keys


def test_sds_21_row_problems_name_file_and_row(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(SDS_21, folder)
    with (folder / "enrollments.csv").open("a") as handle:
        handle.write("c9,u1,student\n")
    result = prepare([folder])
    keys = issue_keys(result)
    assert ("error", "unknown_reference", "enrollments.csv", 7, "classSourcedId") in keys


def test_sds_21_with_lower_case_headers_is_read_and_told(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(SDS_21, folder)
    users = folder / "users.csv"
    lines = users.read_text().splitlines()
    users.write_text("\n".join([lines[0].lower(), *lines[1:]]) + "\n")
    result = prepare([folder])
    assert result.format_id == "sds-v2.1"
    assert column(result, "students", "First_name") == ["Avery", "Blake"]
    assert ("warning", "nonconformant_input", "users.csv", None, "") in issue_keys(result)


def test_format_override_reads_sds_files_as_requested() -> None:
    assert prepare([SDS_21], PrepareOptions(input_format="sds")).format_id == "sds-v2.1"
    assert prepare([DATA / "sds-v1"], PrepareOptions(input_format="sds")).format_id == "sds-v1"
    assert prepare([DATA / "sds-v1"]).format_name == "Microsoft SDS v1"


def test_every_family_is_recognised_from_the_files() -> None:
    found = {
        name: prepare([DATA / name]).format_id
        for name in ("oneroster-valid", "oneroster-1.2", "sds-v1", "sds-v2.1", "hub-valid", "sis-messy")
    }
    assert found == {
        "oneroster-valid": "oneroster-1.1",
        "oneroster-1.2": "oneroster-1.2",
        "sds-v1": "sds-v1",
        "sds-v2.1": "sds-v2.1",
        "hub-valid": "hub",
        "sis-messy": "sis",
    }


def test_without_role_types_the_primary_org_decides_then_file_order(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    shutil.copytree(ONEROSTER_12, folder)
    roles = folder / "roles.csv"
    rows = [line.split(",") for line in roles.read_text().splitlines()]
    roles.write_text(
        "\n".join(",".join([*row[:4], "" if index else row[4], *row[5:]]) for index, row in enumerate(rows))
        + "\n"
    )
    # u3's roles: s2 (listed first) and s1; its primaryOrgSourcedId is s1
    assert column(prepare([folder]), "teachers", "School_id")[0] == "s1"
    users = folder / "users.csv"
    users.write_text(users.read_text().replace(",,s1,she/her", ",,,she/her"))
    assert column(prepare([folder]), "teachers", "School_id")[0] == "s2"


def test_an_sds_21_zip_with_other_file_name_case_reads_like_the_folder(tmp_path: Path) -> None:
    archive = tmp_path / "sds.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for path in sorted(SDS_21.iterdir()):
            bundle.write(path, path.name if path.name != "users.csv" else "Users.csv")
    from_zip = prepare([archive])
    assert from_zip.format_id == "sds-v2.1" and from_zip.error_count == 0
    for kind, frame in prepare([SDS_21]).tables.items():
        assert from_zip.tables[kind].equals(frame), kind
    assert ("warning", "nonconformant_input", "Users.csv", None, "") in issue_keys(from_zip)


@pytest.mark.parametrize(
    ("folder", "line", "bad_row"),
    [
        (ONEROSTER_12, "u2,active,,2013-13-45,robot,false,true,true,false,false,false,false,,,,", 3),
        (SDS_21, "u2,robot,2013-13-45,,,,notHispanicOrLatino,asian", 3),
    ],
)
def test_a_bad_demographic_value_names_demographics_csv_and_its_row(
    folder: Path, line: str, bad_row: int, tmp_path: Path
) -> None:
    copy = tmp_path / "set"
    shutil.copytree(folder, copy)
    demographics = copy / "demographics.csv"
    lines = demographics.read_text().splitlines()
    demographics.write_text("\n".join([*lines[:2], line]) + "\n")  # u2's row (row 3) is now bad
    keys = issue_keys(prepare([copy]))
    assert ("error", "invalid_date", "demographics.csv", bad_row, "birthDate") in keys
    assert ("error", "invalid_value", "demographics.csv", bad_row, "sex") in keys
