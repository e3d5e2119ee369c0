from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from wizard.ui.models import (
    ERROR_BACKGROUND,
    ERROR_ROW_BACKGROUND,
    WARNING_BACKGROUND,
    WARNING_TEXT,
    FrameModel,
    IssueFilter,
    IssueModel,
    MappingModel,
)


def _issues() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "severity": ["error", "error", "warning"],
            "code": ["duplicate_id", "invalid_email", "duplicate_email"],
            "file": ["students.csv", "students.csv", "teachers.csv"],
            "row": pd.array([3, 5, None], dtype="Int64"),
            "column": ["Student_id", "Student_email", "Teacher_email"],
            "value": ["007", "not-an-email", "a@b.org"],
            "message": ["The id is used twice.", "Not an email.", "Shared email."],
        }
    )


def test_frame_model_reads_cells_and_marks_problems(qtbot: QtBot) -> None:
    frame = pd.DataFrame({"Student_id": ["001", "002"], "Grade": ["5", pd.NA]}, dtype="string")
    model = FrameModel(
        frame,
        error_rows=[1],
        cell_problems={(0, "Grade"): ("error", "Bad grade"), (1, "Student_id"): ("warning", "Odd")},
    )
    assert (model.rowCount(), model.columnCount()) == (2, 2)
    assert model.index(0, 0).data() == "001"  # leading zeros kept: values stay text
    assert model.index(1, 1).data() == ""
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == "Error: Bad grade"
    assert model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole).color() == ERROR_BACKGROUND
    assert model.index(1, 0).data(Qt.ItemDataRole.BackgroundRole).color() == WARNING_BACKGROUND
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole).color() == WARNING_TEXT
    assert model.index(1, 1).data(Qt.ItemDataRole.BackgroundRole).color() == ERROR_ROW_BACKGROUND
    assert "warning: Odd" in model.index(1, 0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"


def test_the_three_preview_states_are_distinct_and_readable() -> None:
    from wizard.ui.models import ERROR_ROW_TEXT, ERROR_TEXT
    from wizard.ui.style import contrast_ratio

    pairs = [
        (ERROR_TEXT, ERROR_BACKGROUND),
        (WARNING_TEXT, WARNING_BACKGROUND),
        (ERROR_ROW_TEXT, ERROR_ROW_BACKGROUND),
    ]
    assert len({background.name() for _text, background in pairs}) == 3
    assert all(contrast_ratio(text.name(), background.name()) >= 4.5 for text, background in pairs)


def test_friendly_column_titles_keep_the_file_name_as_tooltip(qtbot: QtBot) -> None:
    from wizard.session.prepare import friendly_column

    frame = pd.DataFrame({"Student_number": ["1"]}, dtype="string")
    model = FrameModel(frame, headers={"Student_number": friendly_column("Student_number")})
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Student number"
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "Student_number"


def test_issue_filter_by_severity_code_and_text(qtbot: QtBot) -> None:
    model = IssueModel(_issues())
    proxy = IssueFilter()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 3
    proxy.set_filters(severity="error")
    assert proxy.rowCount() == 2
    proxy.set_filters(code="invalid_email")
    assert proxy.rowCount() == 1
    proxy.set_filters(severity="", code="", text="TEACHERS")
    assert proxy.rowCount() == 1
    assert proxy.index(0, 1).data() == "duplicate_email"
    assert model.counts_by_code() == {"duplicate_email": 1, "duplicate_id": 1, "invalid_email": 1}
    assert model.index(2, 3).data() == ""  # a file-level issue has no row


def test_mapping_model_edits_only_valid_targets(qtbot: QtBot) -> None:
    model = MappingModel(lambda kind: {"students": ["Student_id", "Grade"]}[kind])
    model.load(
        {"files": {"Export.csv": {"kind": "students", "columns": {"Stu #": "Student_id"}}}},
        {"Export.csv": ["Stu #", "Notes"]},
    )
    assert model.rowCount() == 2
    notes = model.index(1, MappingModel.TARGET_COLUMN)
    assert notes.data() == "(ignored)"
    assert not model.setData(notes, "Not_a_column")
    assert model.setData(notes, "Grade")
    assert not model.setData(model.index(1, 0), "x")
    assert model.flags(notes) & Qt.ItemFlag.ItemIsEditable
    assert model.to_dict() == {
        "files": {"Export.csv": {"kind": "students", "columns": {"Stu #": "Student_id", "Notes": "Grade"}}}
    }


def test_the_preview_formats_only_the_cells_it_shows(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    from PySide6.QtWidgets import QTableView

    rows = 200_000
    frame = pd.DataFrame(
        {
            "Student_id": pd.Series(np.arange(rows).astype(str), dtype="str"),
            "Grade": pd.Series(np.full(rows, "5"), dtype="str"),
        }
    )
    model = FrameModel(frame)
    read: list[int] = []
    cell = model.cell
    monkeypatch.setattr(model, "cell", lambda row, column: read.append(row) or cell(row, column))
    view = QTableView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: bool(read))
    assert max(read) < 100  # the first screen only
    read.clear()
    view.scrollToBottom()
    qtbot.waitUntil(lambda: bool(read))
    qtbot.wait(20)
    assert max(read) == rows - 1 and min(read) > rows - 100  # the last screen only
    assert model.index(rows - 1, 0).data() == str(rows - 1)


def test_the_issue_search_uses_the_text_worked_out_off_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wizard.session import preview

    issues = _issues()
    search = preview.issue_search_text(issues)
    assert (
        search.iloc[2].startswith("warning duplicate_email teachers.csv")
        and "shared email." in search.iloc[2]
    )

    def not_on_the_gui_thread(frame: pd.DataFrame) -> pd.Series:
        raise AssertionError("the search text was built again")

    monkeypatch.setattr(preview, "issue_search_text", not_on_the_gui_thread)
    model = IssueModel(issues, search=search)
    proxy = IssueFilter()
    proxy.setSourceModel(model)
    proxy.set_filters(text="Shared EMAIL")
    assert proxy.rowCount() == 1 and proxy.index(0, 1).data() == "duplicate_email"


def test_a_checked_result_opens_its_preview_without_placing_issues_again(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from wizard.demo import write_demo_sis_files
    from wizard.session import preview
    from wizard.session.prepare_child import check_in_child
    from wizard.ui.widgets.roster_results import RosterResults

    inputs = write_demo_sis_files(tmp_path / "in")
    students = inputs / "students.csv"
    students.write_text(students.read_text(encoding="utf-8") + "x,,,,,,\n", encoding="utf-8")
    checked = check_in_child([inputs], None)
    assert checked.cell_problems["students"]

    def not_on_the_gui_thread(*args: object) -> object:
        raise AssertionError("issues were placed on cells again, on the GUI thread")

    monkeypatch.setattr(preview, "_origin_positions", not_on_the_gui_thread)
    results = RosterResults()
    qtbot.addWidget(results)
    results.show_result(checked)
    results.preview_choice.setCurrentIndex(results.preview_choice.findData("students"))
    model = results.preview_view.model()
    assert isinstance(model, FrameModel) and model.rowCount() == len(checked.tables["students"])
    (row, column), (severity, _) = next(iter(checked.cell_problems["students"].items()))
    position = list(checked.tables["students"].columns).index(column)
    expected = ERROR_BACKGROUND if severity == "error" else WARNING_BACKGROUND
    assert model.index(row, position).data(Qt.ItemDataRole.BackgroundRole).color() == expected
