from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.roster.mapping import (
    FileMapping,
    MappingFileError,
    MappingSpec,
    guess_columns,
    kind_from_headers,
    kind_from_name,
    load_mapping,
    save_mapping,
)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("students.csv", "students"),
        ("Student Export 2025.csv", "students"),
        ("TeacherRoster.csv", "enrollments"),
        ("Class Sections.txt", "sections"),
        ("Buildings.xlsx", "schools"),
        ("staff.csv", "staff"),
        ("stuff.csv", None),
    ],
)
def test_kind_from_name(name: str, kind: str | None) -> None:
    assert kind_from_name(name) == kind


def test_kind_from_headers() -> None:
    assert kind_from_headers(["Student ID", "First Name", "Last Name", "Grade"]) == "students"
    assert kind_from_headers(["School ID", "Section ID", "Student ID"]) == "enrollments"
    assert kind_from_headers(["Section ID", "Teacher ID", "Course Name", "Period", "Term"]) == "sections"
    assert kind_from_headers(["colour", "flavour"]) is None


def test_student_number_becomes_the_id_only_when_there_is_no_id_column() -> None:
    both = guess_columns("students", ["Student Number", "Student ID", "Last Name"])
    assert both.columns == {
        "Student ID": "Student_id",
        "Student Number": "Student_number",
        "Last Name": "Last_name",
    }
    only = guess_columns("students", ["StudentNumber", "School", "Nickname"])
    assert only.columns == {"StudentNumber": "Student_id", "School": "School_id"}
    assert only.unmapped == ("Nickname",)


def test_exact_hub_headers_win_and_exact_only_ignores_synonyms() -> None:
    mapping = guess_columns(
        "teachers", ["Teacher_id", "School_id", "Email", "teacher_email"], exact_only=True
    )
    assert mapping.columns == {"Teacher_id": "Teacher_id", "School_id": "School_id"}
    assert set(mapping.unmapped) == {"Email", "teacher_email"}


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_mapping_round_trips(tmp_path: Path, suffix: str) -> None:
    spec = MappingSpec(
        {
            'Export "A".csv': FileMapping(
                "students", {"Stu #": "Student_id", "Notes": "", "Ünï": "First_name"}
            ),
            "b.csv": FileMapping("schools", {}),
        }
    )
    path = tmp_path / f"mapping{suffix}"
    save_mapping(spec, path)
    assert load_mapping(path).to_dict() == spec.to_dict()
    assert not [item for item in tmp_path.iterdir() if item.name.endswith(".tmp")]


def test_documented_toml_example_loads(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(
        '[files."Student Export.csv"]\nkind = "students"\n[files."Student Export.csv".columns]\n'
        '"Stu #" = "Student_id"\n"Notes" = ""\n'
    )
    mapping = load_mapping(path).files["Student Export.csv"]
    assert mapping.kind == "students"
    assert mapping.columns == {"Stu #": "Student_id", "Notes": ""}


@pytest.mark.parametrize(
    ("text", "suffix", "fragment"),
    [
        ("[files.x", ".toml", "not valid TOML"),
        ("{", ".json", "not valid JSON"),
        ('[files."a.csv"]\nkind = "pupils"\n', ".toml", "not a hub file"),
        (
            json.dumps({"files": {"a.csv": {"kind": "students", "columns": {"X": "Shoe_size"}}}}),
            ".json",
            "Shoe_size",
        ),
        (json.dumps({"files": {"a.csv": {"kind": "students", "columns": {"X": 3}}}}), ".json", "must map"),
        (json.dumps([1, 2]), ".json", "no [files] table"),
    ],
)
def test_bad_mapping_files_say_what_is_wrong(tmp_path: Path, text: str, suffix: str, fragment: str) -> None:
    path = tmp_path / f"m{suffix}"
    path.write_text(text)
    with pytest.raises(MappingFileError, match=fragment.replace("[", r"\[")):
        load_mapping(path)


def test_missing_mapping_file(tmp_path: Path) -> None:
    with pytest.raises(MappingFileError, match="does not exist"):
        load_mapping(tmp_path / "none.toml")
