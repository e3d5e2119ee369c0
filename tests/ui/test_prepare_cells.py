"""The Prepare page's preview puts each issue on the output cell it is about, using the result's origins."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from wizard.roster.pipeline import prepare
from wizard.session.preview import cell_problems, row_origins
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


def test_a_million_row_preview_opens_without_an_object_per_row(qtbot: QtBot) -> None:
    # row headers and problem cells of a big table used to be a Python tuple and dict entry per row, built on the
    # GUI thread before the first paint (seconds at 1,000,000 rows); now they are read on demand
    import tracemalloc
    from types import SimpleNamespace

    import numpy as np
    import pandas as pd

    from wizard.roster.mapping import MappingSpec

    rows = 1_000_000
    frame = pd.DataFrame({"Student_id": pd.Series(np.arange(rows).astype(str), dtype="str")})
    origins = pd.DataFrame(
        {
            "file": pd.Series(["students.csv"] * rows, dtype="str"),
            "row": pd.array(np.arange(2, rows + 2), dtype="Int64"),
        }
    )
    issues = pd.DataFrame(
        {
            "severity": pd.Series(["error"], dtype="str"),
            "code": pd.Series(["duplicate_id"], dtype="str"),
            "file": pd.Series(["students.csv"], dtype="str"),
            "row": pd.array([rows], dtype="Int64"),
            "column": pd.Series(["Student_id"], dtype="str"),
            "value": pd.Series(["x"], dtype="str"),
            "message": pd.Series(["repeated"], dtype="str"),
        }
    )
    result = SimpleNamespace(
        tables={"students": frame},
        origins={"students": origins},
        issue_frame=issues,
        mapping=MappingSpec(),
    )
    tracemalloc.start()
    try:
        problems = cell_problems(result, "students")
        model = FrameModel(frame, cell_problems=problems, row_origins=row_origins(result, "students"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert problems == {(rows - 2, "Student_id"): ("error", "repeated")}
    assert model.headerData(rows - 1, Qt.Orientation.Vertical) == str(rows + 1)
    assert peak < 40_000_000  # a tuple per row alone would be far more
