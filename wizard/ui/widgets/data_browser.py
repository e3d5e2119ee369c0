"""The data browser: a search box and a table of who is shared with which app, and why (or why not).

Used by the Validate page and the support view. The search itself is the Qt-free
`wizard.session.data_browser.search`, which the host runs off the GUI thread with its own Worker (`run`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.errors import UserFacingError
from wizard.session.data_browser import BrowserResult
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.widgets.look import set_tone

# run(task, on_result, message, on_error): the host's one way to start hub work (a Worker with its busy bar).
Runner = Callable[..., object]
HEADERS = ("Person", "Role", "SIS id", "Email", "School", "App", "Shared?", "Why")
PERSON, ROLE, SIS_ID, EMAIL, SCHOOL, APP, SHARED, WHY = range(len(HEADERS))
NOT_SHARED_TEXT = "#6b4500"  # on white: AA contrast (see style.py)


class DataBrowser(QWidget):
    def __init__(
        self, run: Runner, search: Callable[[str], BrowserResult], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._run = run
        self._search = search
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        intro = QLabel(
            self.tr(
                "Any student or teacher: which apps they are shared with and why (the rule, school or section "
                "that brings them in), or why not."
            )
        )
        intro.setWordWrap(True)
        row = QHBoxLayout()
        self.query = QLineEdit()
        self.query.setPlaceholderText(self.tr("A name, a SIS id or an email address"))
        self.query.setAccessibleName(self.tr("Find a student or teacher"))
        self.query.setClearButtonEnabled(True)
        self.look_up_button = QPushButton(self.tr("&Look up"))
        self.look_up_button.setAccessibleName(self.tr("Look up who is shared with which app"))
        label = QLabel(self.tr("&Find:"))
        label.setBuddy(self.query)
        row.addWidget(label)
        row.addWidget(self.query, 1)
        row.addWidget(self.look_up_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("What the look-up found"))
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        self.table.setAccessibleName(self.tr("Who is shared with which app, and why"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # the reason gets the room; long emails are elided
        for column in range(len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EMAIL, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(EMAIL, self.fontMetrics().averageCharWidth() * 22)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(self.fontMetrics().averageCharWidth() * 6)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.result: BrowserResult | None = None
        self.look_up_button.clicked.connect(self.look_up)
        self.query.returnPressed.connect(self.look_up)

    def look_up(self) -> None:
        text = self.query.text().strip()
        if not text:
            self._say(self.tr("Type a name, a SIS id or an email address to look someone up."), ok=False)
            return
        search = self._search

        def task(progress: ProgressCallback, cancel: CancelToken) -> Any:
            return search(text)

        self._run(task, self.show_result, self.tr("Looking up “{q}”…").format(q=text), self._failed)

    def _failed(self, error: object) -> bool:
        if isinstance(error, UserFacingError):
            self._say(f"! {error.message} {error.hint}".strip(), ok=False)
            return True
        return False

    def show_result(self, result: BrowserResult) -> None:
        self.result = result
        self.table.setRowCount(len(result.rows))
        for number, row in enumerate(result.rows):
            values = (
                row.person,
                row.role,
                row.sis_id,
                row.email,
                row.schools,
                row.app or self.tr("(no app)"),
                row.verdict,
                row.reason,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column == SHARED and row.app and not row.shared:
                    item.setForeground(QBrush(QColor(NOT_SHARED_TEXT)))
                if column == WHY:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(number, column, item)
        self.table.resizeColumnToContents(PERSON)
        self.table.resizeRowsToContents()
        self._say(self.tr(result.summary), ok=bool(result.people))

    def _say(self, text: str, *, ok: bool) -> None:
        self.status.setText(text)
        set_tone(self.status, "" if ok else "warnNote")

    def set_enabled(self, enabled: bool) -> None:
        self.look_up_button.setEnabled(enabled)
