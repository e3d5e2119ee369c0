"""Messy SIS exports: semicolons, BOM, human headers, duplicate ids, unknown references, bad values."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.unit.roster.helpers import DATA, column, issue_keys, read_csv
from wizard.errors import UsageError
from wizard.roster.issues import Issue
from wizard.roster.mapping import FileMapping, MappingSpec, save_mapping
from wizard.roster.pipeline import PrepareOptions, PrepareResult, prepare, write_outputs

MESSY = DATA / "sis-messy"
STUDENTS = "Student Export.csv"
ENROLLMENTS = "Enrollment.csv"
SECTIONS = "Class Sections.csv"


def test_messy_export_names_each_bad_row() -> None:
    result = prepare([MESSY])
    assert result.input_format == "sis"
    assert issue_keys(result) == {
        ("error", "invalid_email", STUDENTS, 3, "E-mail"),
        ("error", "invalid_grade", STUDENTS, 3, "Grade Level"),
        ("error", "duplicate_id", STUDENTS, 4, "Stu #"),
        ("error", "invalid_date", STUDENTS, 4, "Birth Date"),
        ("error", "invalid_email", STUDENTS, 5, "E-mail"),
        ("error", "unknown_reference", STUDENTS, 5, "School Code"),
        ("error", "unknown_reference", SECTIONS, 3, "Teacher ID"),
        ("error", "unknown_reference", ENROLLMENTS, 4, "Section ID"),
        ("error", "unknown_reference", ENROLLMENTS, 5, "Student ID"),
        ("error", "reference_to_record_with_errors", ENROLLMENTS, 3, "Student ID"),
        ("error", "reference_to_record_with_errors", ENROLLMENTS, 4, "Student ID"),
        ("warning", "ambiguous_date", STUDENTS, 2, "Birth Date"),
        ("warning", "formula_like_value", STUDENTS, 5, "E-mail"),
        ("warning", "possible_lost_leading_zeros", STUDENTS, 5, "School Code"),
        ("warning", "possible_lost_leading_zeros", ENROLLMENTS, 5, "Student ID"),
        ("warning", "unmapped_column", STUDENTS, None, "Notes"),
        ("warning", "section_without_students", SECTIONS, 3, "Section ID"),
        ("warning", "student_without_enrollment", STUDENTS, 6, "Stu #"),
    }
    assert result.error_count == 11


def test_messages_name_the_record_and_what_to_do() -> None:
    issues = {(issue.code, issue.row, issue.file): issue for issue in prepare([MESSY]).issues}
    duplicate = issues[("duplicate_id", 4, STUDENTS)]
    assert "0001001" in duplicate.message and "row 2" in duplicate.message
    unknown = issues[("unknown_reference", 3, SECTIONS)]
    assert "T9" in unknown.message and "no teacher in Teacher Export.csv" in unknown.message
    padded = issues[("unknown_reference", 5, ENROLLMENTS)]
    assert "0001004" in padded.message and "leading zeros" in padded.message


def test_values_are_normalised_but_ids_never_altered() -> None:
    result = prepare([MESSY])
    assert column(result, "students", "Student_id")[:2] == ["0001001", "0001002"]
    assert column(result, "students", "Grade") == ["Kindergarten", "14", "1", "2", "Kindergarten"]
    assert column(result, "students", "Student_email")[0] == "ann.smith@example.org"
    assert column(result, "students", "DOB")[0] == "03/04/2012"
    assert column(result, "students", "Gender") == ["F", "M", "F", "X", "F"]
    assert column(result, "sections", "Teacher_2_id") == ["T2", "", ""]
    assert column(result, "sections", "Term_start") == ["08/15/2025"] * 3
    assert column(result, "schools", "School_id") == ["001", "002"]


def test_allow_errors_writes_only_clean_rows(tmp_path: Path) -> None:
    result = prepare([MESSY])
    written = write_outputs(result, tmp_path, allow_errors=True)
    assert {path.name for path in written} >= {"students.csv", "validation_report.csv", "summary.json"}
    students = read_csv(tmp_path / "students.csv")
    assert [row["Student_id"] for row in students] == ["0001001", "0001004"]
    assert students[0]["First_name"] == "Ann"
    assert [row["Section_id"] for row in read_csv(tmp_path / "sections.csv")] == ["S1", "S3"]
    assert read_csv(tmp_path / "enrollments.csv") == [
        {"School_id": "001", "Section_id": "S1", "Student_id": "0001001"}
    ]
    # the students written without their rows: named so a vendor match does not take them for leavers
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["students_left_out"] == ["0001002", "0001003"]


def test_without_allow_errors_no_upload_files(tmp_path: Path) -> None:
    written = write_outputs(prepare([MESSY]), tmp_path)
    assert sorted(path.name for path in written) == ["summary.json", "validation_report.csv"]
    assert not (tmp_path / "students.csv").exists()


def test_date_order_dmy_reads_day_first_without_warning() -> None:
    result = prepare([MESSY], PrepareOptions(date_order="dmy"))
    assert column(result, "students", "DOB")[0] == "04/03/2012"
    assert "ambiguous_date" not in result.issues_by_code()


def test_mapping_file_and_overrides_for_what_cannot_be_guessed(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(MESSY, folder)
    (folder / STUDENTS).rename(folder / "export1.csv")
    mapping_path = tmp_path / "mapping.toml"
    save_mapping(
        MappingSpec({"export1.csv": FileMapping("students", {"Notes": "", "Stu #": "Student_id"})}),
        mapping_path,
    )
    result = prepare([folder], PrepareOptions(mapping_file=mapping_path))
    assert result.mapping.files["export1.csv"].kind == "students"
    assert result.mapping.files["export1.csv"].columns["Last Name"] == "Last_name"
    assert "unmapped_column" not in result.issues_by_code()
    assert len(result.tables["students"]) == 5
    # the same without a mapping, but naming the file on the command line
    overridden = prepare([folder], PrepareOptions(overrides={"students": folder / "export1.csv"}))
    assert len(overridden.tables["students"]) == 5


def test_unclassifiable_file_and_missing_kinds_are_errors(tmp_path: Path) -> None:
    (tmp_path / "misc.csv").write_text("colour,flavour\nred,sweet\n")
    (tmp_path / "pupils.csv").write_text("Student ID,School ID,First Name,Last Name\n1,9,A,B\n")
    result = prepare([tmp_path / "misc.csv", tmp_path / "pupils.csv"])
    keys = issue_keys(result)
    assert ("error", "unclassified_file", "misc.csv", None, "") in keys
    in_folder = prepare([tmp_path])  # a stray file in an export folder is only a warning
    assert ("warning", "unused_input", "misc.csv", None, "") in issue_keys(in_folder)
    missing = {key[2] for key in keys if key[1] == "missing_file"}
    assert missing == {"schools.csv", "teachers.csv", "sections.csv", "enrollments.csv"}


def test_missing_required_column_fails_every_row(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("First Name,Last Name\nA,B\nC,D\n")
    result = prepare([tmp_path / "students.csv"])
    assert ("error", "missing_column", "students.csv", None, "Student_id") in issue_keys(result)
    assert len(result.clean_tables()["students"]) == 0


def test_xlsx_inputs(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Student ID", "School", "First Name", "Last Name", "Grade", "DOB"])
    sheet.append(["00042", "01", "Ann", "Lee", 3, "2015-04-01"])
    workbook.save(tmp_path / "Students.xlsx")
    result = prepare([tmp_path / "Students.xlsx"])
    assert column(result, "students", "Student_id") == ["00042"]
    assert column(result, "students", "Grade") == ["3"]
    assert result.inputs[0].encoding == "XLSX"


def test_nonexistent_input_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        prepare([tmp_path / "nope.csv"])


def test_nothing_readable_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"")
    with pytest.raises(UsageError, match="None of the inputs"):
        prepare([tmp_path / "a.csv"])


def test_progress_is_reported_and_cancel_stops_the_run() -> None:
    from wizard.tasks import Cancelled, CancelToken

    calls: list[tuple[int, int, str]] = []
    prepare([MESSY], progress=lambda done, total, message="": calls.append((done, total, message)))
    assert calls and all(0 <= done <= total for done, total, _ in calls)
    assert any("Reading" in message for _, _, message in calls)
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        prepare([MESSY], cancel=token)


def test_repeated_enrollment_is_a_warning(tmp_path: Path) -> None:
    for path in (DATA / "hub-valid").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    with (tmp_path / "enrollments.csv").open("a", newline="") as handle:
        handle.write("01,SEC-1,000123\r\n")
    result = prepare([tmp_path])
    assert ("warning", "duplicate_enrollment", "enrollments.csv", 4, "Student_id") in issue_keys(result)
    assert "row 2" in next(issue.message for issue in result.issues if issue.code == "duplicate_enrollment")


def test_stale_mapping_line_is_reported(tmp_path: Path) -> None:
    mapping_path = tmp_path / "m.json"
    save_mapping(
        MappingSpec({STUDENTS: FileMapping("students", {"Pupil Ref": "Student_number"})}), mapping_path
    )
    result = prepare([MESSY], PrepareOptions(mapping_file=mapping_path))
    assert ("warning", "invalid_mapping", STUDENTS, None, "Pupil Ref") in issue_keys(result)


def test_id_widths_emails_and_vocabularies(tmp_path: Path) -> None:
    (tmp_path / "schools.csv").write_text("School_id,School_name\n01,A\n")
    (tmp_path / "students.csv").write_text(
        "Student_id,School_id,First_name,Last_name,Gender,Race,Student_email\n"
        "00123,01,A,B,boy,White,a@x.org\n"
        "124,01,C,D,robot,Martian,A@X.org\n"
        "00125,01,E,F,,,\n"
    )
    result = prepare([tmp_path])
    keys = issue_keys(result)
    assert ("warning", "possible_lost_leading_zeros", "students.csv", 3, "Student_id") in keys
    assert ("warning", "duplicate_email", "students.csv", 3, "Student_email") in keys
    assert ("error", "invalid_value", "students.csv", 3, "Gender") in keys
    assert ("warning", "nonstandard_value", "students.csv", 3, "Race") in keys
    assert column(result, "students", "Gender") == ["M", "robot", ""]
    assert column(result, "students", "Race") == ["Caucasian", "Martian", ""]


def test_unbalanced_quote_in_header_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text('"Student ID,School\n1,2\n')
    (tmp_path / "schools.csv").write_text("School_id,School_name\n01,A\n")
    result = prepare([tmp_path])
    assert ("error", "unreadable_file", "students.csv", None, "") in issue_keys(result)


def test_ragged_rows_and_empty_names_are_reported(tmp_path: Path) -> None:
    (tmp_path / "schools.csv").write_text("School_id,School_name\n01,A\n")
    (tmp_path / "students.csv").write_text(
        "Student_id,School_id,First_name,Last_name\n1,01,Ann,\n2,01,Bo,Li,extra\n"
    )
    keys = issue_keys(prepare([tmp_path]))
    assert ("warning", "recommended_value_missing", "students.csv", 2, "Last_name") in keys
    assert ("error", "malformed_row", "students.csv", 3, "") in keys


def test_an_unusable_parent_file_is_one_line_not_one_per_row(tmp_path: Path) -> None:
    for path in (DATA / "hub-valid").iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "schools.csv").write_text(
        "School_id,Label\n01,x\n"
    )  # no School_name: every school has errors
    result = prepare([tmp_path])
    cascaded = [issue for issue in result.issues if issue.code == "reference_to_record_with_errors"]
    assert {(issue.file, issue.row) for issue in cascaded} == {
        ("students.csv", None),
        ("teachers.csv", None),
        ("sections.csv", None),
        ("enrollments.csv", None),
    }
    assert all(len(frame) == 0 for frame in result.clean_tables().values())


def test_origins_point_each_row_at_its_input_row(tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("Student ID,School\n1,9\n\n2,9\n")
    (tmp_path / "more students.csv").write_text("Student ID,School\n3,9\n")
    result = prepare([tmp_path])
    origins = result.origins["students"]
    assert list(zip(origins["file"], origins["row"], strict=True)) == [
        ("more students.csv", 2),
        ("students.csv", 2),
        ("students.csv", 4),
    ]
    assert origins.index.equals(result.tables["students"].index)


def test_xlsx_id_longer_than_excel_keeps_is_reported(tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Student ID", "School", "First Name", "Last Name", "Grade"])
    sheet.append([12345678901234567890, "01", "Ann", "Lee", 3])
    workbook.save(tmp_path / "Students.xlsx")
    result = prepare([tmp_path / "Students.xlsx"])
    flagged = [issue for issue in result.issues if issue.code == "scientific_notation_id"]
    assert [(issue.file, issue.row, issue.value) for issue in flagged] == [
        ("Students.xlsx", 2, "1.23456789012346E+19")
    ]


def _enrollments_without_school(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "schools.csv").write_text("School ID;School Name\n01;A\n02;B\n")
    (folder / "teachers.csv").write_text("Teacher ID;School ID;First Name;Last Name\nT1;01;Al;Bo\n")
    (folder / "students.csv").write_text(
        "Student ID;School ID;First Name;Last Name\n1;01;Ann;Lee\n2;02;Bo;Li\n"
    )
    (folder / "sections.csv").write_text("Section ID;School ID;Teacher ID\nS1;01;T1\nS2;02;T1\n")
    (folder / "enrollments.csv").write_text("Section ID;Student ID\nS1;1\nS2;2\nS9;1\n")
    return folder


def test_enrollments_school_id_comes_from_their_section(tmp_path: Path) -> None:
    result = prepare([_enrollments_without_school(tmp_path)])
    assert column(result, "enrollments", "School_id") == ["01", "02", ""]
    keys = issue_keys(result)
    assert not any(code == "missing_column" for _, code, *_ in keys)
    assert not any(code == "required_value_missing" and col == "School_id" for _, code, _, _, col in keys)
    # only the row whose section is unknown is left out, and it says why
    assert ("error", "unknown_reference", "enrollments.csv", 4, "Section ID") in keys
    assert list(result.error_rows["enrollments"]) == [2]


def test_hub_format_enrollments_still_need_school_id(tmp_path: Path) -> None:
    folder = tmp_path / "hub"
    folder.mkdir()
    (folder / "schools.csv").write_text("School_id,School_name\n01,A\n")
    (folder / "sections.csv").write_text("School_id,Section_id,Teacher_id\n01,S1,T1\n")
    (folder / "enrollments.csv").write_text("Section_id,Student_id\nS1,1\n")
    result = prepare([folder], PrepareOptions(input_format="hub"))
    assert ("error", "missing_column", "enrollments.csv", None, "School_id") in issue_keys(result)


def _sections_with_terms(tmp_path: Path, terms: list[tuple[str, str]]) -> Path:
    folder = tmp_path / "terms"
    folder.mkdir(parents=True)
    (folder / "schools.csv").write_text("School ID;School Name\n01;A\n")
    (folder / "teachers.csv").write_text("Teacher ID;School ID;First Name;Last Name\nT1;01;Al;Bo\n")
    rows = "".join(f"S{index};01;T1;{start};{end}\n" for index, (start, end) in enumerate(terms))
    (folder / "sections.csv").write_text("Section ID;School ID;Teacher ID;Term Start;Term End\n" + rows)
    return folder


def _date_issues(result: PrepareResult) -> list[Issue]:
    return [issue for issue in result.issues if issue.code in ("ambiguous_date", "invalid_date")]


def test_one_unambiguous_date_settles_the_order_of_its_column(tmp_path: Path) -> None:
    terms = [("25/08/2026", "03/04/2027"), ("01/09/2026", "30/06/2027"), ("02/09/2026", "04/05/2027")]
    result = prepare([_sections_with_terms(tmp_path, terms)])
    assert _date_issues(result) == []
    assert column(result, "sections", "Term_start") == ["08/25/2026", "09/01/2026", "09/02/2026"]
    assert column(result, "sections", "Term_end") == ["04/03/2027", "06/30/2027", "05/04/2027"]


def test_the_files_other_date_column_settles_a_column_of_only_ambiguous_dates(tmp_path: Path) -> None:
    # the demo district: every Term_end is 06/11/2027, every Term_start 08/17/2026 (month first)
    result = prepare([_sections_with_terms(tmp_path, [("08/17/2026", "06/11/2027")] * 4)])
    assert _date_issues(result) == []
    assert column(result, "sections", "Term_end") == ["06/11/2027"] * 4


def test_a_file_whose_dates_never_show_the_order_warns_per_row_with_the_count(tmp_path: Path) -> None:
    result = prepare([_sections_with_terms(tmp_path, [("2026-08-17", "06/11/2027")] * 3)])
    issues = _date_issues(result)
    assert [(issue.code, issue.row, issue.column) for issue in issues] == [
        ("ambiguous_date", row, "Term End") for row in (2, 3, 4)
    ]
    assert "3 dates like this" in issues[0].message and "--date-order dmy" in issues[0].message
    explicit = prepare(
        [_sections_with_terms(tmp_path / "again", [("2026-08-17", "06/11/2027")] * 3)],
        PrepareOptions(date_order="dmy"),
    )
    assert _date_issues(explicit) == []
    assert column(explicit, "sections", "Term_end") == ["11/06/2027"] * 3


def test_a_column_mixing_both_orders_says_so(tmp_path: Path) -> None:
    terms = [("2026-08-17", "12/25/2026"), ("2026-08-17", "25/12/2026"), ("2026-08-17", "03/04/2027")]
    result = prepare([_sections_with_terms(tmp_path, terms)])
    (issue,) = _date_issues(result)
    assert (issue.code, issue.row) == ("ambiguous_date", 4)
    assert "'12/25/2026' on row 2" in issue.message and "'25/12/2026' on row 3" in issue.message
    assert column(result, "sections", "Term_end") == ["12/25/2026", "12/25/2026", "03/04/2027"]


def test_a_school_taken_from_a_bad_section_is_reported_once_on_the_section(tmp_path: Path) -> None:
    folder = _enrollments_without_school(tmp_path)
    (folder / "sections.csv").write_text("Section ID;School ID;Teacher ID\nS1;01;T1\nS2;07;T1\n")
    result = prepare([folder])
    enrollment_issues = {
        (issue.code, issue.row, issue.column) for issue in result.issues if issue.file == "enrollments.csv"
    }
    assert enrollment_issues == {
        ("reference_to_record_with_errors", 3, "Section ID"),
        ("unknown_reference", 4, "Section ID"),
    }
    assert ("error", "unknown_reference", "sections.csv", 3, "School ID") in issue_keys(result)


def test_progress_comes_between_the_checks_of_one_file_and_cancel_stops_there() -> None:
    # a million-row file takes many seconds to check: progress (and Cancel) must not wait for the whole file
    from wizard.tasks import Cancelled, CancelToken

    calls: list[str] = []
    prepare([MESSY], progress=lambda done, total, message="": calls.append(message))
    within = [message for message in calls if message.startswith("Checking students.csv: ")]
    assert len(within) >= 5 and "Checking students.csv: dates" in within
    assert any(message.startswith("Checking references in enrollments.csv: ") for message in calls)
    token = CancelToken()
    seen: list[str] = []

    def cancel_at_dates(done: int, total: int, message: str = "") -> None:
        seen.append(message)
        if message == "Checking students.csv: dates":
            token.cancel()

    with pytest.raises(Cancelled):
        prepare([MESSY], progress=cancel_at_dates, cancel=token)
    assert seen[-1] == "Checking students.csv: dates"  # stopped at the next check, not at the next file
