"""Upload files, validation_report.csv and summary.json."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.unit.roster.helpers import DATA, read_csv
from wizard.roster.issues import CODES
from wizard.roster.pipeline import OutputError, prepare, write_outputs


def make_formula_set(folder: Path) -> Path:
    folder.mkdir()
    for path in (DATA / "hub-valid").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    teachers = folder / "teachers.csv"
    teachers.write_text(teachers.read_text().replace("Carmen", "=cmd|' /C calc'!A0"))
    return folder


def test_formula_like_values_are_reported_and_neutralised_only_in_the_report(tmp_path: Path) -> None:
    result = prepare([make_formula_set(tmp_path / "in")])
    assert result.issues_by_code()["formula_like_value"] == 1
    write_outputs(result, tmp_path / "out")
    assert read_csv(tmp_path / "out" / "teachers.csv")[0]["First_name"] == "=cmd|' /C calc'!A0"
    report = read_csv(tmp_path / "out" / "validation_report.csv")
    formula = next(row for row in report if row["code"] == "formula_like_value")
    assert formula["value"] == "'=cmd|' /C calc'!A0"
    assert formula["row"] == "2" and formula["file"] == "teachers.csv" and formula["column"] == "First_name"


def test_report_header_and_summary_content(tmp_path: Path) -> None:
    result = prepare([DATA / "sis-messy"])
    write_outputs(result, tmp_path)
    header = (tmp_path / "validation_report.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "severity,code,file,row,column,value,message"
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["errors"] == result.error_count == 11
    assert summary["warnings"] == result.warning_count
    assert summary["issues_by_code"]["unknown_reference"] == 4
    assert summary["counts"]["students.csv"] == 2
    assert summary["upload_files_written"] is False
    assert {entry["name"] for entry in summary["inputs"]} >= {"Student Export.csv"}
    assert (
        next(entry for entry in summary["inputs"] if entry["name"] == "Student Export.csv")["delimiter"]
        == ";"
    )


def test_every_emitted_code_is_documented() -> None:
    for folder in ("sis-messy", "sds-v1", "oneroster-valid", "hub-valid"):
        assert set(prepare([DATA / folder]).issues_by_code()) <= set(CODES)


def test_no_temporary_files_are_left_behind(tmp_path: Path) -> None:
    write_outputs(prepare([DATA / "hub-valid"]), tmp_path)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "enrollments.csv",
        "schools.csv",
        "sections.csv",
        "students.csv",
        "summary.json",
        "teachers.csv",
        "validation_report.csv",
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_folder_is_an_output_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(OutputError, match="Choose a folder"):
        write_outputs(prepare([DATA / "hub-valid"]), locked / "out")


def test_out_folder_that_is_a_file_is_an_output_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot be created"):
        write_outputs(prepare([DATA / "hub-valid"]), blocker / "out")


def test_inputs_are_never_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    for path in (DATA / "hub-valid").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    before = (folder / "students.csv").read_bytes()
    with pytest.raises(OutputError, match="overwrite an input"):
        write_outputs(prepare([folder]), folder)
    assert (folder / "students.csv").read_bytes() == before


def test_mass_warnings_are_capped_but_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wizard.roster import pipeline

    monkeypatch.setattr(pipeline, "WARNING_LIST_LIMIT", 3)
    folder = tmp_path / "in"
    folder.mkdir()
    for path in (DATA / "hub-valid").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    rows = "".join(f"01,{index:06d},,,Last,,First,1,,,03/04/2015\r\n" for index in range(900, 910))
    students = folder / "students.csv"
    students.write_text(
        "School_id,Student_id,Student_number,State_id,Last_name,Middle_name,First_name,Grade,Gender,"
        "Graduation_year,DOB\r\n" + rows
    )
    result = prepare([folder])
    assert result.issues_by_code()["ambiguous_date"] == 10
    assert result.not_listed == {"ambiguous_date": 7, "student_without_enrollment": 7}
    listed = [issue for issue in result.issues if issue.code == "ambiguous_date"]
    assert [issue.row for issue in listed] == [2, 3, 4, None]
    assert "7 more" in listed[-1].message
    assert result.warning_count == 20
    assert result.error_count > 0  # enrollments name students that are no longer there: never capped
    write_outputs(result, tmp_path / "out")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["warnings_not_listed"] == {"ambiguous_date": 7, "student_without_enrollment": 7}
    assert summary["warnings"] == 20
