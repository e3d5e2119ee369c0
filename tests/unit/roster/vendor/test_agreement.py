"""The import file, its summary and its match report agree line for line, and a value that looks like a
formula never becomes part of an initial or a username (issue 10, problem 6)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.roster.vendor.fixtures import students, symphony_roster
from tests.unit.roster.vendor.test_properties import districts
from wizard.roster.vendor import VendorProfile, build_import, load_profile, match_roster, write_vendor_outputs
from wizard.roster.vendor.outcomes import LINKED_OUTCOMES, Outcome
from wizard.roster.vendor.summary import summarize

SYMPHONY = load_profile("symphony-math")
GENERIC = load_profile("generic-email-login")  # keeps unlinked accounts: they are import rows too


def _username_header(profile: VendorProfile) -> str:
    return next(column.header for column in profile.columns if column.source == "username")


def _external_id_header(profile: VendorProfile) -> str:
    return next(column.header for column in profile.columns if column.source == "students.Student_id")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts(), st.sampled_from([SYMPHONY, GENERIC]), st.data())
def test_the_import_file_its_summary_and_its_report_agree_line_for_line(
    data: tuple[pd.DataFrame, pd.DataFrame], profile: VendorProfile, draw: st.DataObject
) -> None:
    sis, roster = data
    left_out = draw.draw(st.sets(st.sampled_from(sis["Student_id"].tolist())) if len(sis) else st.just(set()))
    result = match_roster(sis, None, roster, profile, left_out=left_out)
    with tempfile.TemporaryDirectory() as folder:
        # offline, with --allow-errors: the students with errors or open decisions are left out
        outputs = write_vendor_outputs(result, Path(folder), allow_errors=True, make_passwords=_passwords)
        summary = summarize(result, outputs, Path(folder), upstream_errors=len(left_out))
    frame, report, counts = outputs.import_frame, outputs.report, summary.counts
    assert frame is not None
    in_file = report[report["import_username"] != ""]
    # Each import row is one report row that names its username, and the other way round.
    assert sorted(frame[_username_header(profile)]) == sorted(in_file["import_username"])
    students_in_file = in_file[in_file["Student_id"] != ""]
    assert sorted(frame[_external_id_header(profile)].loc[lambda ids: ids != ""]) == sorted(
        students_in_file["Student_id"]
    )
    # The summary counts what is in the file, and the report says the same of every student.
    assert int(students_in_file["outcome"].isin(LINKED_OUTCOMES).sum()) == counts.linked
    assert int((students_in_file["outcome"] == Outcome.NEW_ACCOUNT).sum()) == counts.new
    assert len(students_in_file) == counts.linked + counts.new
    assert len(in_file) - len(students_in_file) == summary.kept == summary.import_rows - len(students_in_file)
    # Nobody the report calls linked or new is missing from the file; those left out say so.
    said_in = report["outcome"].isin([*LINKED_OUTCOMES, Outcome.NEW_ACCOUNT]) & (report["Student_id"] != "")
    assert (report.loc[said_in, "import_username"] != "").all()
    left = report[report["Student_id"].isin(left_out) & (report["needs_decision"] == "")]
    assert (left["outcome"] == Outcome.LEFT_OUT_FOR_ERRORS).all() and (left["import_username"] == "").all()
    assert counts.linked + counts.new + counts.needs_decision + counts.left_out == len(result.students)
    [wrote] = [line for line in summary.lines() if line.startswith("Wrote")]
    assert f"({counts.linked:,} linked, {counts.new:,} new)" in wrote


def _passwords(count: int, length: int) -> list[str]:
    return ["x" * length] * count


def test_a_formula_never_becomes_part_of_an_initial_or_a_username() -> None:
    sis = students(
        {
            "Student_id": "1",
            "First_name": "Ann",
            "Middle_name": '=HYPERLINK("http://x.test","y")',
            "Last_name": "Lee",
        },
        {"Student_id": "2", "First_name": "=cmd|' /C calc'!A0", "Last_name": "Ray"},
        {"Student_id": "3", "First_name": "Bo", "Middle_name": " -2+3", "Last_name": "@SUM(A1)"},
        {"Student_id": "4", "First_name": "Eva", "Middle_name": "maría", "Last_name": "Cruz"},
    )
    result = match_roster(sis, None, symphony_roster(), SYMPHONY)
    frame = build_import(result)
    assert frame["MI"].tolist() == ["", "", "", "M"]
    assert frame["Username"].tolist() == ["alee", "student2", "student3", "ecruz"]
    flagged = {issue.column for issue in result.issues if issue.code == "vendor_name_looks_like_formula"}
    assert flagged == {"First_name", "Middle_name", "Last_name"}
