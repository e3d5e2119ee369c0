"""OneRoster 1.1 CSV sets, as folders and zips, conformant and not."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from tests.unit.roster.helpers import DATA, column, issue_keys
from wizard.errors import UsageError
from wizard.roster.pipeline import prepare

VALID = DATA / "oneroster-valid"


def zip_folder(folder: Path, target: Path, *, skip: tuple[str, ...] = ()) -> Path:
    with zipfile.ZipFile(target, "w") as bundle:
        for path in sorted(folder.iterdir()):
            if path.name not in skip:
                bundle.write(path, path.name)
    return target


def copy_valid(tmp_path: Path) -> Path:
    folder = tmp_path / "set"
    shutil.copytree(VALID, folder)
    return folder


def test_valid_folder_converts_to_the_hub_set() -> None:
    result = prepare([VALID])
    assert result.input_format == "oneroster"
    assert result.error_count == 0
    assert result.summary()["counts"] == {
        "schools.csv": 2,
        "students.csv": 2,
        "teachers.csv": 2,
        "sections.csv": 2,
        "enrollments.csv": 2,
        "staff.csv": 1,
    }
    # the district org and the parent have no place in the hub set: one note each says so
    assert issue_keys(result) == {
        ("warning", "inactive_record_skipped", "users.csv", 8, "status"),
        ("warning", "not_hub_records", "orgs.csv", None, "type"),
        ("warning", "not_hub_records", "users.csv", None, "role"),
    }
    notes = {issue.file: issue.message for issue in result.issues if issue.code == "not_hub_records"}
    assert "(district: 1)" in notes["orgs.csv"]
    assert "1 role(s) in users.csv have the role 'parent'" in notes["users.csv"]


def test_schools_and_people() -> None:
    result = prepare([VALID])
    assert column(result, "schools", "School_number") == ["0101", "0102"]
    assert column(result, "students", "School_id") == ["s1", "s2"]  # u2 belongs to the district and s2
    assert column(result, "students", "Student_number") == ["000123", "000124"]
    assert column(result, "students", "Grade") == ["Kindergarten", "7"]
    assert column(result, "students", "Student_email") == ["avery@example.org", "blake@example.org"]
    assert column(result, "teachers", "Teacher_id") == ["u3", "u4"]
    assert column(result, "staff", "School_id") == [""]
    assert column(result, "staff", "Role") == ["administrator"]


def test_demographics_fill_students() -> None:
    result = prepare([VALID])
    assert column(result, "students", "DOB") == ["03/14/2020", "11/02/2013"]
    assert column(result, "students", "Gender") == ["F", "M"]
    assert column(result, "students", "Race") == ["Caucasian", "Two or More Races"]
    assert column(result, "students", "Hispanic_Latino") == ["Y", "N"]


def test_sections_from_classes_courses_sessions_and_teacher_enrollments() -> None:
    result = prepare([VALID])
    sections = result.tables["sections"]
    assert column(result, "sections", "Course_name") == ["Homeroom K", "Mathematics 7"]
    assert column(result, "sections", "Course_number") == ["HRK", "MATH7"]
    assert column(result, "sections", "Term_name") == ["Fall 2025", "Fall 2025"]
    assert column(result, "sections", "Term_end") == ["12/19/2025", "12/19/2025"]
    # c2: u3 is listed first but u4 is primary
    assert sections.loc[1, "Teacher_id"] == "u4" and sections.loc[1, "Teacher_2_id"] == "u3"
    assert column(result, "enrollments", "Student_id") == ["u1", "u2"]


def test_zip_converts_like_the_folder(tmp_path: Path) -> None:
    archive = zip_folder(VALID, tmp_path / "roster.zip")
    from_zip = prepare([archive])
    from_folder = prepare([VALID])
    for kind, frame in from_folder.tables.items():
        assert from_zip.tables[kind].equals(frame), kind
    assert {summary.name for summary in from_zip.inputs} >= {"users.csv", "orgs.csv"}


def test_without_manifest_it_still_converts_with_a_warning(tmp_path: Path) -> None:
    archive = zip_folder(VALID, tmp_path / "roster.zip", skip=("manifest.csv",))
    result = prepare([archive])
    assert result.input_format == "oneroster"
    assert ("warning", "nonconformant_input", "manifest.csv", None, "") in issue_keys(result)
    assert result.error_count == 0


def test_a_delta_set_is_refused_and_missing_bulk_files_are_errors(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    manifest = folder / "manifest.csv"
    original = manifest.read_text()
    manifest.write_text(original.replace("file.demographics,bulk", "file.demographics,delta"))
    with pytest.raises(UsageError, match=r"demographics\.csv as delta") as refused:
        prepare([zip_folder(folder, tmp_path / "r.zip")])
    assert "Export a bulk" in str(refused.value)
    manifest.write_text(original)
    (folder / "courses.csv").unlink()
    result = prepare([zip_folder(folder, tmp_path / "r2.zip")])
    keys = issue_keys(result)
    assert ("error", "missing_file", "courses.csv", None, "") in keys
    assert ("warning", "unknown_optional_reference", "classes.csv", 2, "courseSourcedId") in keys


def test_missing_required_columns_are_reported_not_a_crash(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    users = folder / "users.csv"
    lines = users.read_text().splitlines()
    users.write_text("\n".join(line.replace(",role,", ",kind,", 1) for line in lines) + "\n")
    result = prepare([zip_folder(folder, tmp_path / "r.zip")])
    keys = issue_keys(result)
    assert ("error", "missing_column", "users.csv", None, "role") in keys
    assert {key[2] for key in keys if key[1] == "missing_file"} == {"students.csv", "teachers.csv"}


def test_other_version_and_unknown_references(tmp_path: Path) -> None:
    folder = copy_valid(tmp_path)
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("oneroster.version,1.1", "oneroster.version,1.0"))
    enrollments = folder / "enrollments.csv"
    enrollments.write_text(enrollments.read_text() + "e6,,,c9,s1,u1,student,false,,\n")
    result = prepare([folder])
    keys = issue_keys(result)
    assert ("warning", "nonconformant_input", "manifest.csv", None, "oneroster.version") in keys
    assert ("error", "unknown_reference", "enrollments.csv", 7, "classSourcedId") in keys


def test_a_corrupt_zip_is_a_report_line_or_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "roster.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UsageError, match="not a readable zip"):
        prepare([bad])
    result = prepare([bad, DATA / "hub-valid"])
    assert ("error", "unreadable_file", "roster.zip", None, "") in issue_keys(result)


def test_zip_members_have_no_lasting_path(tmp_path: Path) -> None:
    result = prepare([zip_folder(VALID, tmp_path / "roster.zip")])
    assert all(summary.path is None for summary in result.inputs)
    assert all(summary.path is not None for summary in prepare([VALID]).inputs)
