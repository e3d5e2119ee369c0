"""Issue 11, item 9: invisible and direction-changing characters are errors in ids, warnings in names."""

from __future__ import annotations

from pathlib import Path

from tests.unit.roster.hostile import STUDENT_HEADER
from wizard.roster.pipeline import prepare


def students(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "students.csv"
    path.write_text("\n".join([STUDENT_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_an_id_with_a_zero_width_space_is_not_a_second_student(tmp_path: Path) -> None:
    result = prepare([students(tmp_path, "1,000123,Lee,Ann,3", "1,000123\u200b,Lee,Ann,3")])
    found = [i for i in result.issues if i.code == "invisible_character_in_id"]
    assert [(i.severity, i.row, i.column) for i in found] == [("error", 3, "Student_id")]
    assert "U+200B ZERO WIDTH SPACE" in found[0].message and "Another row has that id" in found[0].message
    assert "\u200b" not in found[0].message  # the message shows the id as it looks
    clean = result.clean_tables()["students"]
    assert list(clean["Student_id"]) == ["000123"]  # one student, not two


def test_direction_changing_and_bom_characters_in_ids_are_errors(tmp_path: Path) -> None:
    result = prepare(
        [students(tmp_path, "1,0001\u202e24,Lee,Ann,3", "1,\ufeff000125,Kim,Bo,3", "1,000126,Ng,Al,3")]
    )
    found = {i.row: i for i in result.issues if i.code == "invisible_character_in_id"}
    assert set(found) == {2, 3}
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in found[2].message and "\u202e" not in found[2].message
    assert "U+FEFF" in found[3].message
    assert list(result.clean_tables()["students"]["Student_id"]) == ["000126"]


def test_invisible_characters_in_names_are_warnings(tmp_path: Path) -> None:
    result = prepare([students(tmp_path, "1,000127,Lee\u200d,Ann\u2066,3")])
    found = sorted((i.severity, i.column) for i in result.issues if i.code == "invisible_character")
    assert found == [("warning", "First_name"), ("warning", "Last_name")]
    assert not [i for i in result.issues if i.code == "invisible_character_in_id"]


def test_references_to_an_id_with_an_invisible_character_are_errors_too(tmp_path: Path) -> None:
    enrollments = tmp_path / "enrollments.csv"
    enrollments.write_text("School_id,Section_id,Student_id\n1,S1,000123\u200b\n", encoding="utf-8")
    result = prepare([students(tmp_path, "1,000123,Lee,Ann,3"), enrollments])
    found = [(i.file, i.column) for i in result.issues if i.code == "invisible_character_in_id"]
    assert found == [("enrollments.csv", "Student_id")]
