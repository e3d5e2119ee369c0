"""The Prepare page's preview puts each issue on the output cell it is about, using the result's origins."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from wizard.roster.pipeline import prepare
from wizard.session.prepare import cell_problems, row_origins
from wizard.ui.models import ERROR_BACKGROUND, FrameModel


def test_issues_land_on_their_row_across_blank_lines_and_two_files(qtbot: QtBot, tmp_path: Path) -> None:
    # A blank line in one file and a second file for the same table: counting rows per file in input order
    # would put the bad grade (students.csv, row 4) past the end of the table.
    (tmp_path / "students.csv").write_text("Student ID,School,Grade,First Name\n1,9,5,Ann\n\n2,9,banana,Bo\n")
    (tmp_path / "more students.csv").write_text("Student ID,School,Grade,First Name\n3,9,5,Cy\n4,9,5,Di\n")
    result = prepare([tmp_path])
    frame = result.tables["students"]
    problems = cell_problems(result, "students")
    [(position, column)] = [key for key, (severity, _) in problems.items() if severity == "error"]
    assert column == "Grade" and frame["Grade"].iloc[position] == "banana"
    assert frame["Student_id"].iloc[position] == "2"
    origins = row_origins(result, "students")
    assert origins[position] == ("students.csv", 4)
    model = FrameModel(frame, cell_problems=problems, row_origins=origins)
    grade = list(frame.columns).index("Grade")
    assert model.index(position, grade).data(Qt.ItemDataRole.BackgroundRole).color() == ERROR_BACKGROUND
    assert model.headerData(position, Qt.Orientation.Vertical) == "4"  # the row the issue list names
    assert model.headerData(position, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole) == (
        "students.csv, row 4"
    )


def test_an_issue_about_a_row_left_out_marks_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "students.csv").write_text("Student ID,School,Grade,First Name\n1,9,5,Ann\n2,9,banana,Bo\n")
    result = prepare([tmp_path])
    kept = result.origins["students"]["row"] != 3
    result.tables["students"] = result.tables["students"][kept.to_numpy()]
    result.origins["students"] = result.origins["students"][kept.to_numpy()]
    assert cell_problems(result, "students") == {}  # the old row arithmetic would have marked row 2's cell
