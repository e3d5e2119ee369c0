"""Files already in the hub's format, as the embedded hub re-validates uploads."""

from __future__ import annotations

from pathlib import Path

from tests.unit.roster.helpers import DATA, issue_keys
from wizard.roster.pipeline import PrepareOptions, prepare, write_outputs

HUB = DATA / "hub-valid"


def test_hub_set_round_trips_byte_for_byte_where_nothing_needs_normalising(tmp_path: Path) -> None:
    result = prepare([HUB], PrepareOptions(input_format="hub", date_order="mdy"))
    assert result.input_format == "hub"
    assert result.error_count == 0 and result.warning_count == 0
    write_outputs(result, tmp_path)
    assert (tmp_path / "schools.csv").read_bytes() == (HUB / "schools.csv").read_bytes()
    assert (tmp_path / "enrollments.csv").read_bytes() == (HUB / "enrollments.csv").read_bytes()
    students = (tmp_path / "students.csv").read_text(encoding="utf-8").splitlines()
    assert students[0].split(",")[:3] == ["School_id", "Student_id", "Student_number"]
    assert students[2].startswith('01,000124,,,Kim,,"Blake ""BJ""",Kindergarten')


def test_auto_detects_the_hub_set() -> None:
    assert prepare([HUB]).input_format == "hub"


def test_hub_format_wants_exact_headers(tmp_path: Path) -> None:
    for path in HUB.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    teachers = tmp_path / "teachers.csv"
    teachers.write_text(teachers.read_text().replace("Teacher_id", "teacher_id"))
    strict = prepare([tmp_path], PrepareOptions(input_format="hub"))
    keys = issue_keys(strict)
    assert ("warning", "unmapped_column", "teachers.csv", None, "teacher_id") in keys
    assert ("error", "missing_column", "teachers.csv", None, "Teacher_id") in keys
    lenient = prepare([tmp_path])  # auto: the synonym table accepts it
    assert lenient.error_count == 0


def test_hub_names_with_human_headers_count_as_sis(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("Student ID,School,First Name,Last Name\n1,9,A,B\n")
    assert prepare([tmp_path]).input_format == "sis"


def test_hub_file_names_are_case_sensitive(tmp_path: Path) -> None:
    for path in HUB.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "teachers.csv").rename(tmp_path / "Teachers.csv")
    keys = issue_keys(prepare([tmp_path], PrepareOptions(input_format="hub")))
    assert ("error", "unclassified_file", "Teachers.csv", None, "") in keys
    assert ("error", "missing_file", "teachers.csv", None, "") in keys


def test_ids_in_scientific_notation_are_flagged(tmp_path: Path) -> None:
    for path in HUB.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    enrollments = tmp_path / "enrollments.csv"
    enrollments.write_text(enrollments.read_text() + "01,SEC-1,1.23457E+11\r\n")
    keys = issue_keys(prepare([tmp_path]))
    assert ("warning", "scientific_notation_id", "enrollments.csv", 4, "Student_id") in keys
    assert ("error", "unknown_reference", "enrollments.csv", 4, "Student_id") in keys
