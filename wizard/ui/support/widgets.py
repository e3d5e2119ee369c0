"""Small building blocks the support view's tabs share: read-only tables, wrapping labels, the task runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from wizard.session.folders import FolderMemory
from wizard.support.linkcheck import StudentLink
from wizard.support.rehearsal import RehearsalOutcome
from wizard.support.run import SupportRun
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.worker import Worker

Result = TypeVar("Result")  # what a tab's background task returns and its result handler takes


class Host(Protocol):
    """What a tab needs from the window: the checked district's run, and a way to run hub work."""

    @property
    def run(self) -> SupportRun | None: ...

    @property
    def folders(self) -> FolderMemory: ...

    def run_task(
        self,
        task: Callable[[ProgressCallback, CancelToken], Result],
        on_result: Callable[[Result], None],
        message: str,
    ) -> Worker: ...

    def show_problem(self, message: str, hint: str) -> None: ...

    def rehearse(self, link: StudentLink, roster_path: Path) -> RehearsalOutcome:
        """Sign a checked student in through the hub's simulated app (blocking: call it in a task)."""
        ...


def ask_save_path(
    parent: QWidget, folders: FolderMemory, title: str, name: str, file_filter: str
) -> Path | None:
    """Ask where to save `name`, starting where the admin last saved one; the folder chosen is remembered.
    None when they cancel."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(folders.start(name)), file_filter)
    if not path:
        return None
    folders.remember(Path(path))
    return Path(path)


def short_time(stamp: str | None) -> str:
    """An ISO timestamp as "2026-11-22 21:25"."""
    return stamp.replace("T", " ")[:16] if stamp else "never"


def make_table(headers: list[str], stretch: int = -1) -> QTableWidget:
    """A read-only, row-selecting table; column `stretch` (default the last) takes the spare width."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch < 0:
        table.horizontalHeader().setStretchLastSection(True)
    else:
        table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    table.setWordWrap(False)
    return table


def fill_table(table: QTableWidget, rows: list[list[str]], numeric: set[int] | None = None) -> None:
    numeric = numeric or set()
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def fit_height(table: QTableWidget) -> None:
    """Size a short table to its rows, so the tab has no empty table acreage."""
    header = table.horizontalHeader().height()
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(header + rows + 2 * table.frameWidth() + 2)


def wrapping_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
