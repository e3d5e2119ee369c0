"""Microsoft School Data Sync v1 CSV sets."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.unit.roster.helpers import DATA, SDS_SAMPLE, column, issue_keys
from wizard.roster.pipeline import prepare, write_outputs

OWN = DATA / "sds-v1"


def test_public_min_required_sample_converts_with_exact_counts(tmp_path: Path) -> None:
    result = prepare([SDS_SAMPLE])
    assert result.input_format == "sds"
    assert result.error_count == 0
    assert result.summary()["counts"] == {
        "schools.csv": 2,
        "students.csv": 22,
        "teachers.csv": 2,
        "sections.csv": 2,
        "enrollments.csv": 44,
    }
    write_outputs(result, tmp_path)
    assert (tmp_path / "enrollments.csv").exists()


def test_own_set_maps_every_sds_column() -> None:
    result = prepare([OWN])
    assert result.input_format == "sds"
    students = result.tables["students"]
    assert students.loc[0, "Student_id"] == "9001"
    assert students.loc[0, "Student_email"] == "jane.doe@example.org"
    assert students.loc[0, "DOB"] == "05/17/2012"
    assert students.loc[0, "Grade"] == "7"
    assert students.loc[0, "Student_number"] == "N9001"
    assert students.loc[0, "Graduation_year"] == "2030"
    schools = result.tables["schools"]
    assert schools.loc[0, "Low_grade"] == "Kindergarten" and schools.loc[1, "High_grade"] == "12"
    assert column(result, "teachers", "State_teacher_id") == ["ST1", "ST2", "ST3"]
    sections = result.tables["sections"]
    assert sections.loc[0, "Course_name"] == "Algebra" and sections.loc[0, "Term_start"] == "08/15/2025"


def test_sections_get_teachers_from_teacher_roster_in_order() -> None:
    result = prepare([OWN])
    assert column(result, "sections", "Teacher_id") == ["T1", "T3", ""]
    assert column(result, "sections", "Teacher_2_id") == ["", "T2", ""]
    assert column(result, "sections", "Teacher_3_id") == ["", "T1", ""]


def test_enrollments_get_school_from_their_section() -> None:
    result = prepare([OWN])
    assert column(result, "enrollments", "School_id") == ["100", "200", "200"]


def test_problems_are_reported_on_the_sds_rows() -> None:
    result = prepare([OWN])
    keys = issue_keys(result)
    assert ("error", "required_value_missing", "Section.csv", 4, "Teacher_id") in keys
    assert ("error", "unknown_reference", "TeacherRoster.csv", 6, "Section SIS ID") in keys
    assert ("warning", "unmapped_column", "School.csv", None, "Zone") in keys
    assert result.error_count == 2


def test_clean_own_set_exits_without_errors(tmp_path: Path) -> None:
    folder = tmp_path / "sds"
    shutil.copytree(OWN, folder)
    roster = folder / "TeacherRoster.csv"
    roster.write_text(roster.read_text().replace("Z9,T2", "C1,T2"))
    result = prepare([folder])
    assert result.error_count == 0
    assert result.summary()["counts"]["sections.csv"] == 3


def test_missing_teacher_roster_leaves_every_section_without_teacher(tmp_path: Path) -> None:
    folder = tmp_path / "sds"
    shutil.copytree(OWN, folder)
    (folder / "TeacherRoster.csv").unlink()
    result = prepare([folder])
    assert result.input_format == "sds"
    assert result.issues_by_code()["required_value_missing"] == 3


def test_more_than_ten_teachers_keeps_ten_and_warns(tmp_path: Path) -> None:
    folder = tmp_path / "sds"
    shutil.copytree(OWN, folder)
    teachers = "".join(f"X{index},100,u{index},F,L,,,,Active,,,,\r\n" for index in range(11))
    with (folder / "Teacher.csv").open("a", newline="") as handle:
        handle.write(teachers)
    (folder / "TeacherRoster.csv").write_text(
        "Section SIS ID,SIS ID\r\n"
        + "".join(f"A1,X{index}\r\n" for index in range(11))
        + "B1,T2\r\nC1,T3\r\n"
    )
    result = prepare([folder])
    sections = result.tables["sections"]
    assert sections.loc[0, "Teacher_id"] == "X0" and sections.loc[0, "Teacher_10_id"] == "X9"
    assert ("warning", "too_many_teachers", "TeacherRoster.csv", 12, "SIS ID") in issue_keys(result)
    assert result.error_count == 0
