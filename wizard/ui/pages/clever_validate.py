"""Validate on clever.com: the prepared files' counts beside the counts the admin reads in the dashboard (each
mismatch explained with what to check), the data warnings the roster engine found, and the login-link check
against the vendor's roster export. clever.com has no district API to read counts from, so the admin types them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from wizard.flow import PageId
from wizard.session import clever
from wizard.session.context import WizardContext
from wizard.session.questions import FileKind
from wizard.session.summary import COUNTED_FILES, SisCount
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.login_check_row import LoginCheckRow
from wizard.ui.widgets.look import set_tone

if TYPE_CHECKING:
    from wizard.support.linkcheck import InstantLoginCheck, RosterSource

PREPARED_COLUMN, LEFT_OUT_COLUMN, DASHBOARD_COLUMN, STATUS_COLUMN = range(4)
MISMATCH_BACKGROUND = "#fff4d6"  # with #6b4500 text: AA contrast (see style.py)
MISMATCH_TEXT = "#6b4500"
STATUS_WORDS = {
    clever.CountStatus.MATCH: "✓ the same",
    clever.CountStatus.MISMATCH: "! different",
    clever.CountStatus.NOT_ENTERED: "type the dashboard's count",
}


class CleverValidatePage(BasePage):
    page_id = PageId.VALIDATE

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(
            self.tr("Check that clever.com holds what you sent, before teachers and students sign in.")
        )
        self.said = QLabel()
        self.said.setWordWrap(True)
        self.said.setAccessibleName(self.tr("What you told the wizard you did in the dashboard"))
        self.content.addWidget(self.said)

        counts_box = QGroupBox(self.tr("Counts: your files and the clever.com dashboard"))
        counts_layout = QVBoxLayout(counts_box)
        how = QHBoxLayout()
        how_label = QLabel(
            self.tr(
                "Open the dashboard's data browser and type the number of each kind it shows in the third "
                "column (clever.com has no district API the wizard could read them from)."
            )
        )
        how_label.setWordWrap(True)
        self.open_button = QPushButton(self.tr("Open the dashboard's &data browser ↗"))
        self.open_button.setAccessibleName(self.tr("Open the dashboard's data browser"))
        self.open_button.clicked.connect(lambda: self.open_link(clever.DATA_BROWSER_URL))
        how.addWidget(how_label, 1)
        how.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        counts_layout.addLayout(how)
        self.counts = QTableWidget(len(COUNTED_FILES), 4)
        self.counts.setHorizontalHeaderLabels(
            [
                self.tr("In your prepared files"),
                self.tr("Left out (errors)"),
                self.tr("In the dashboard (type it)"),
                self.tr("Compared"),
            ]
        )
        self.counts.setVerticalHeaderLabels([self.tr(kind.capitalize()) for kind in COUNTED_FILES])
        self.counts.setAccessibleName(self.tr("Counts: prepared files, left out, clever.com dashboard"))
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.counts.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.counts.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.counts.itemChanged.connect(self._count_typed)
        self.mismatch_note = QLabel()
        self.mismatch_note.setWordWrap(True)
        self.mismatch_note.setAccessibleName(self.tr("What the counts say"))
        counts_layout.addWidget(self.counts)
        counts_layout.addWidget(self.mismatch_note)
        self.content.addWidget(counts_box)

        warnings_box = QGroupBox(self.tr("Data warnings in your files (found by the wizard)"))
        warnings_layout = QVBoxLayout(warnings_box)
        self.warnings = QTableWidget(0, 2)
        self.warnings.setHorizontalHeaderLabels([self.tr("Warning (first example)"), self.tr("Records")])
        self.warnings.setAccessibleName(self.tr("Data warnings"))
        self.warnings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.warnings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.warnings.verticalHeader().hide()
        self.report_note = QLabel()
        self.report_note.setWordWrap(True)
        warnings_layout.addWidget(self.warnings)
        warnings_layout.addWidget(self.report_note)
        self.content.addWidget(warnings_box, 1)

        self.login_row = LoginCheckRow()
        self.login_check, self.vendor_roster_button = self.login_row.text, self.login_row.button
        self.vendor_roster_button.clicked.connect(self._pick_vendor_roster)
        self.content.addWidget(self.login_row)
        self._prepared: dict[str, SisCount] | None = None
        self._filling = False

    def initializePage(self) -> None:
        state = self.ctx.state
        before = [item for item in clever.guides() if item.page < self.page_id]
        ticked = [item.title for item in before if clever.is_done(state, item.step)]
        self.said.setText(
            self.tr(
                "You said you did {count} of {total} dashboard steps: {steps}. The summary on Roll out lists "
                "what you chose; this page checks what the wizard can: your files against the dashboard's counts."
            ).format(count=len(ticked), total=len(before), steps=", ".join(ticked) or self.tr("none yet"))
        )
        set_tone(self.said, "okNote" if len(ticked) == len(before) else "warnNote")
        self._prepared = self.ctx.sis_file_counts()
        self._fill_counts()
        self._fill_warnings()
        vendor = state.vendor
        written = Path(vendor.output_dir) / "vendor_import.csv" if vendor.written else None
        if written is not None and written.is_file():
            from wizard.support.linkcheck import RosterSource  # pandas loads with the check, not the page

            self.run_login_check(written, RosterSource.WIZARD_IMPORT)
        else:
            self.run_login_check(None)

    # --- counts --------------------------------------------------------------------------------------------
    def _fill_counts(self) -> None:
        self._filling = True
        rows = clever.compare_counts(self._prepared, self.ctx.state.clever.dashboard_counts)
        for row, count in enumerate(rows):
            mismatch = count.status is clever.CountStatus.MISMATCH
            values = (
                "—" if count.prepared is None else str(count.prepared),
                str(count.left_out) if count.prepared is not None else "—",
                "" if count.dashboard is None else str(count.dashboard),
                self.tr(STATUS_WORDS[count.status]),
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                flags = item.flags()
                if column == DASHBOARD_COLUMN and count.prepared is not None:
                    item.setFlags(flags | Qt.ItemFlag.ItemIsEditable)
                    item.setToolTip(
                        self.tr("Type the number of {kind} the dashboard shows").format(kind=count.kind)
                    )
                else:
                    item.setFlags(flags & ~Qt.ItemFlag.ItemIsEditable)
                if (mismatch and column in (PREPARED_COLUMN, DASHBOARD_COLUMN, STATUS_COLUMN)) or (
                    column == LEFT_OUT_COLUMN and count.left_out
                ):
                    item.setBackground(QBrush(QColor(MISMATCH_BACKGROUND)))
                    item.setForeground(QBrush(QColor(MISMATCH_TEXT)))
                    item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, self.tr("mismatch"))
                self.counts.setItem(row, column, item)
        self._filling = False
        self.counts.resizeRowsToContents()
        rows_height = sum(self.counts.rowHeight(row) for row in range(self.counts.rowCount()))
        frame = 2 * self.counts.frameWidth()
        self.counts.setFixedHeight(self.counts.horizontalHeader().height() + rows_height + frame)
        notes = [f"! {count.kind.capitalize()}: {count.explanation}" for count in rows if count.explanation]
        if self._prepared is None:
            notes.append(self.tr("! No prepared files yet: go back to “Prepare roster files” and send them."))
        elif all(count.status is clever.CountStatus.MATCH for count in rows if count.prepared is not None):
            notes.append(self.tr("✓ clever.com holds exactly what your files hold."))
        elif not notes:
            notes.append(self.tr("Type the dashboard's counts to compare them with your files."))
        self.mismatch_note.setText("\n".join(notes))
        set_tone(self.mismatch_note, "warnNote" if any(n.startswith("!") for n in notes) else "okNote")
        self.completeChanged.emit()

    def _count_typed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != DASHBOARD_COLUMN:
            return
        kind = list(COUNTED_FILES)[item.row()]
        problem = clever.set_dashboard_count(self.ctx.state, kind, item.text())
        self.ctx.save()
        if problem:
            self.banner.show_error(problem, self.tr("Numbers only, as the dashboard shows them."), None)
        else:
            self.banner.clear()
        self._fill_counts()

    def type_count(self, kind: str, count: int) -> None:
        """Enter a dashboard count as if typed in its cell (used by the tour and tests)."""
        row = list(COUNTED_FILES).index(kind)
        cell = self.counts.item(row, DASHBOARD_COLUMN)
        if cell is not None:
            cell.setText(str(count))

    # --- warnings ------------------------------------------------------------------------------------------
    def _fill_warnings(self) -> None:
        found = clever.engine_warnings(self.ctx.state.roster.export_dir)
        self.warnings.setRowCount(len(found))
        for row, warning in enumerate(found):
            self.warnings.setItem(row, 0, QTableWidgetItem(warning.example or warning.code))
            count = QTableWidgetItem(str(warning.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.warnings.setItem(row, 1, count)
        self.warnings.resizeRowsToContents()
        report = Path(self.ctx.state.roster.export_dir) / clever.REPORT_NAME
        if not found:
            self.report_note.setText(self.tr("✓ The wizard found no data warnings in your files."))
        else:
            self.report_note.setText(
                self.tr(
                    "Every record is listed in {report}; the dashboard's Sync page lists clever.com's own."
                ).format(report=report)
            )

    # --- Instant Login -------------------------------------------------------------------------------------
    def _pick_vendor_roster(self) -> None:
        path = self.choose_open_path()
        if path is not None:
            self.run_login_check(path)

    def choose_open_path(self) -> Path | None:
        return self.choose_path(
            "vendor-roster",
            FileKind.OPEN_FILE,
            self.tr("The vendor's roster export"),
            self.tr("CSV files (*.csv);;All files (*)"),
        )

    def run_login_check(self, vendor_roster: Path | None, source: RosterSource | None = None) -> None:
        state = self.ctx.state
        self.run_task(
            lambda progress, cancel: clever.login_check(state, vendor_roster, source),
            self._show_login_check,
            message=self.tr("Checking Instant Login links…"),
            on_error=self.login_row.failed,
        )

    def _show_login_check(self, check: InstantLoginCheck) -> None:
        clever.record_login_check(self.ctx.state, check)
        text, good = clever.login_check_text(check)
        if check.against_own_import:
            text += " " + self.tr(
                "Once the vendor has imported it, check against their roster export to see the accounts they "
                "really have."
            )
        self.login_row.say(text, good)
        self.ctx.save()

    def ready(self) -> bool:
        return clever.counts_entered(self.ctx.state, self._prepared)

    def missing(self) -> list[str]:
        return [self.tr("type the counts the dashboard shows for each kind")]

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True
