"""Vendor roster import: the app's own “Import Students” file, made from the SIS students.

For apps that keep their own roster (Symphony Math): each student's SIS id goes in ExternalID, existing
accounts keep their usernames (so they are updated, not recreated), and a match that is not unique is never
guessed — the admin picks the account here. The match table filters by outcome; the counts say what matters.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPushButton,
    QTableView,
)

from wizard.flow import PageId
from wizard.hub.models import Connection
from wizard.session.context import WizardContext
from wizard.session.questions import FileKind
from wizard.session.vendor import (
    COLUMN_TITLES,
    LONG_TEXT_COLUMNS,
    VendorController,
    counts_sentence,
    outcome_words,
    shown_report,
)
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.models import FrameModel, OutcomeFilter, cell
from wizard.ui.pages.base import BasePage, ConnectionWatch
from wizard.ui.widgets.look import set_tone
from wizard.ui.widgets.vendor_inputs import VendorInputs

if TYPE_CHECKING:
    from wizard.roster.vendor.matching import MatchResult
    from wizard.roster.vendor.summary import VendorSummary


class VendorImportPage(BasePage):
    page_id = PageId.VENDOR_IMPORT

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.controller = VendorController(ctx)
        self.setSubTitle(
            self.tr(
                "This app keeps its own roster. Make its student import file: SIS ids go in ExternalID and "
                "existing accounts keep their usernames, so no student loses their progress."
            )
        )
        inputs = VendorInputs()
        self.profile, self.roster_label = inputs.profile, inputs.roster_label
        self.roster_button, self.clear_roster_button = inputs.roster_button, inputs.clear_roster_button
        self.content.addWidget(inputs)

        self.counts = QLabel()
        self.counts.setWordWrap(True)
        self.counts.setAccessibleName(self.tr("Match counts"))
        self.content.addWidget(self.counts)

        filter_row = QHBoxLayout()
        self.outcome_filter = QComboBox()
        self.outcome_filter.setAccessibleName(self.tr("Show outcome"))
        show_label = QLabel(self.tr("&Show"))
        show_label.setBuddy(self.outcome_filter)
        filter_row.addWidget(show_label)
        filter_row.addWidget(self.outcome_filter, 1)
        self.content.addLayout(filter_row)
        self.proxy = OutcomeFilter(self)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Students and vendor accounts"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.content.addWidget(self.table, 1)

        decide = QHBoxLayout()
        self.decision_label = QLabel(
            self.tr("Select a student marked “Needs your decision” to pick their account.")
        )
        self.decision_label.setWordWrap(True)
        self.choice = QComboBox()
        self.choice.setAccessibleName(self.tr("Account for this student"))
        self.decide_button = QPushButton(self.tr("Use this &account"))
        self.decide_button.setAccessibleName(self.tr("Use this account for the student"))
        decide.addWidget(self.decision_label, 1)
        decide.addWidget(self.choice)
        decide.addWidget(self.decide_button)
        self.content.addLayout(decide)

        write_row = QHBoxLayout()
        self.write_status = QLabel()
        self.write_status.setWordWrap(True)
        self.write_button = QPushButton(self.tr("&Write the import file…"))
        self.write_button.setAccessibleName(self.tr("Write the vendor import file"))
        write_row.addWidget(self.write_status, 1)
        write_row.addWidget(self.write_button)
        self.content.addLayout(write_row)
        self.issue_list = QListWidget()
        self.issue_list.setAccessibleName(self.tr("What writing the vendor files found"))
        self.issue_list.setWordWrap(True)
        self.issue_list.setVisible(False)
        self.content.addWidget(self.issue_list)

        tell_row = QHBoxLayout()
        self.tell_status = QLabel()
        self.tell_status.setWordWrap(True)
        self.tell_status.setAccessibleName(self.tr("Answer to the vendor"))
        self.tell_button = QPushButton(self.tr("&Tell the vendor the import is done"))
        self.tell_button.setAccessibleName(self.tr("Tell the vendor the import is done"))
        tell_row.addWidget(self.tell_status, 1)
        tell_row.addWidget(self.mailbox_button())  # the vendor's answer arrives by email too
        tell_row.addWidget(self.tell_button)
        self.content.addLayout(tell_row)

        self._student_for_choice = ""
        # While the page is shown, the vendor may ask about the import or accept: the page notices.
        self.watch = ConnectionWatch(self, lambda _c: self._show_vendor_question(), "vendorConnectionPoll")
        self.profile.currentIndexChanged.connect(self._profile_changed)
        self.roster_button.clicked.connect(self._pick_roster)
        self.clear_roster_button.clicked.connect(self._clear_roster)
        self.outcome_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_outcome(str(self.outcome_filter.currentData() or ""))
        )
        self.decide_button.clicked.connect(self._decide)
        self.write_button.clicked.connect(self._write_clicked)
        self.tell_button.clicked.connect(self.tell_vendor)

    # --- state ---------------------------------------------------------------------------------------------
    def initializePage(self) -> None:
        from wizard.roster.vendor import list_profiles

        vendor = self.ctx.state.vendor
        self.profile.blockSignals(True)
        self.profile.clear()
        for name in list_profiles():
            self.profile.addItem(name.replace("-", " ").title(), name)
        wanted = vendor.profile or self.ctx.state.app.app_id
        self.profile.setCurrentIndex(max(0, self.profile.findData(wanted)))
        self.profile.blockSignals(False)
        vendor.profile = str(self.profile.currentData() or "")
        self._show_roster_choice()
        self._show_written()
        self.match()

    def _profile_changed(self, _index: int) -> None:
        self.controller.set_profile(str(self.profile.currentData() or ""))
        self._refresh()

    def _show_roster_choice(self) -> None:
        path = self.ctx.state.vendor.roster_path
        self.roster_label.setText(
            self.tr("Vendor roster: {path}").format(path=path)
            if path
            else self.tr(
                "No vendor roster loaded: every student gets a new account. If the district already "
                "uses the app, load its roster export so existing accounts are kept."
            )
        )
        self.clear_roster_button.setVisible(bool(path))

    def choose_roster_path(self) -> Path | None:
        """Ask for the vendor's roster export (tests replace this; a file dialog cannot run headless)."""
        return self.choose_path(
            "vendor-roster",
            FileKind.OPEN_FILE,
            self.tr("The vendor's roster export"),
            self.tr("Roster files (*.csv *.tsv *.txt *.xlsx)"),
        )

    def _pick_roster(self) -> None:
        path = self.choose_roster_path()
        if path is not None:
            self.controller.set_roster(path)
            self._refresh()

    def _clear_roster(self) -> None:
        self.controller.set_roster(None)
        self._refresh()

    def _refresh(self) -> None:
        self._show_roster_choice()
        self._show_written()
        self.match()

    # --- matching ------------------------------------------------------------------------------------------
    @property
    def result(self) -> MatchResult | None:
        return self.controller.result

    def match(self) -> None:
        self.controller.result = None
        self.completeChanged.emit()
        self.run_task(
            self.controller.match_task(),
            self._matched,
            message=self.tr("Matching students to vendor accounts…"),
            cancellable=True,
        )

    def _matched(self, result: MatchResult) -> None:
        self.controller.result = result
        counts = result.counts
        self.counts.setText(self.tr(counts_sentence(result)))
        set_tone(self.counts, "warnNote" if counts.needs_decision else "okNote")
        shown = shown_report(result)
        report = shown
        self.proxy.setSourceModel(
            FrameModel(shown, parent=self, headers=COLUMN_TITLES, full_text_tips=LONG_TEXT_COLUMNS)
        )
        self.table.hideColumn(1)
        self.table.resizeColumnsToContents()
        # Long notes are cut short (…) to keep the table readable; the tooltip has the full text.
        limit = 45 * self.table.fontMetrics().averageCharWidth()
        for column in range(shown.shape[1]):
            if self.table.columnWidth(column) > limit:
                self.table.setColumnWidth(column, limit)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(lambda current, _previous: self._row_selected(current))
        self.outcome_filter.blockSignals(True)
        self.outcome_filter.clear()
        self.outcome_filter.addItem(self.tr("Everyone ({n})").format(n=len(report)), "")
        if counts.needs_decision:
            self.outcome_filter.addItem(
                self.tr("Needs your decision ({n})").format(n=counts.needs_decision), "decide"
            )
        for outcome, count in result.outcome_counts().items():
            if count:
                self.outcome_filter.addItem(
                    f"{outcome_words().get(outcome, outcome)} ({count})",
                    outcome_words().get(outcome, outcome),
                )
        self.outcome_filter.blockSignals(False)
        if counts.needs_decision:
            self.outcome_filter.setCurrentIndex(1)
        self.proxy.set_outcome(str(self.outcome_filter.currentData() or ""))
        self._row_selected(None)
        self.completeChanged.emit()

    # --- decisions -----------------------------------------------------------------------------------------
    def _row_selected(self, current: QModelIndex | None) -> None:
        self.choice.clear()
        self._student_for_choice = ""
        model = self.proxy.sourceModel()
        enabled = False
        if (
            current is not None
            and current.isValid()
            and isinstance(model, FrameModel)
            and self.result is not None
        ):
            row = self.proxy.mapToSource(current).row()
            frame = model.frame
            student_id = str(cell(frame, row, "Student_id"))
            if student_id and cell(frame, row, "needs_decision") == "yes":
                self._student_for_choice = student_id
                for option in self.result.choices_for_student(student_id):
                    self.choice.addItem(self.tr("a new account") if option == "new" else option, option)
                name = f"{cell(frame, row, 'First_name')} {cell(frame, row, 'Last_name')}"
                self.decision_label.setText(
                    self.tr("Which account is {name} ({id})?").format(name=name, id=student_id)
                )
                enabled = True
        if not enabled:
            self.decision_label.setText(
                self.tr("Select a student marked “Needs your decision” to pick their account.")
            )
        self.choice.setEnabled(enabled)
        self.decide_button.setEnabled(enabled)

    def decide(self, student_id: str, choice: str) -> None:
        """Record the admin's pick (kept in the state) and match again with it."""
        self.controller.decide(student_id, choice)
        self._refresh()

    def _decide(self) -> None:
        if self._student_for_choice and self.choice.currentData():
            self.decide(self._student_for_choice, str(self.choice.currentData()))

    # --- output --------------------------------------------------------------------------------------------
    def choose_output_folder(self) -> Path | None:
        """Ask for the folder (tests replace this; a file dialog cannot run headless)."""
        return self.choose_path(
            "vendor-output-folder",
            FileKind.FOLDER,
            self.tr("Write the vendor files to"),
            start=self.output_folder_start(),
        )

    def output_folder_start(self) -> Path:
        return self.controller.output_folder_start()

    def _write_clicked(self) -> None:
        folder = self.choose_output_folder()
        if folder is not None:
            self.write(folder)

    def write(self, folder: Path) -> None:
        result = self.result
        if result is None:
            return

        def written(summary: VendorSummary) -> None:
            self.controller.written(folder, summary)
            self._show_written(summary)

        self.run_task(
            lambda progress, cancel: self.controller.write(result, folder),
            written,
            message=self.tr("Writing the vendor files…"),
        )

    def _show_written(self, summary: VendorSummary | None = None) -> None:
        vendor = self.ctx.state.vendor
        if summary is not None and not summary.import_written:
            errors = [issue.message for issue in summary.errors][:3]
            self.write_status.setText(
                self.tr(
                    "! Only the match report was written: {errors} Decide the open matches, then write again."
                ).format(errors=" ".join(errors))
            )
            set_tone(self.write_status, "warnNote")
        elif vendor.written:
            text = self.tr(
                "✓ vendor_import.csv and vendor_match_report.csv are in {folder}. Import the file in the "
                "vendor's admin panel."
            ).format(folder=vendor.output_dir)
            if summary is not None:
                text = "\n".join([*summary.file_lines(), text])
                if summary.warnings:
                    text += " " + self.tr("Read the warnings below first.")
            self.write_status.setText(text)
            set_tone(self.write_status, "warnNote" if summary is not None and summary.warnings else "okNote")
        else:
            self.write_status.setText(self.tr("The import file has not been written yet."))
            set_tone(self.write_status, "")
        # Every warning and error the command line prints for the same data, in the same words.
        self.issue_list.clear()
        if summary is not None:
            from wizard.roster.vendor.summary import issue_line

            self.issue_list.addItems([issue_line(issue) for issue in summary.issues])
        self.issue_list.setVisible(self.issue_list.count() > 0)
        self._show_vendor_question()
        self.completeChanged.emit()

    # --- noticing the vendor while shown -------------------------------------------------------------------
    def shown(self) -> None:
        self.watch.start()

    # --- telling the vendor --------------------------------------------------------------------------------
    def _show_vendor_question(self) -> None:
        """Once the file is written, the vendor's open question about the import can be answered from here."""
        waits, written = self.controller.vendor_waits(), self.ctx.state.vendor.written
        self.tell_button.setVisible(waits and written)
        self.tell_button.setEnabled(waits and written)
        note = self.controller.question_note()
        self.tell_status.setText(self.tr(note.text))
        self.tell_status.setVisible(bool(note.text))
        set_tone(self.tell_status, note.tone)

    def tell_vendor(self) -> None:
        """Answer the vendor's question about the import (through the hub), and show what they did."""
        connection_id = self.ctx.state.app.connection_id
        message = self.controller.tell_message()

        def send(progress: ProgressCallback, cancel: CancelToken) -> Connection:
            return self.ctx.district_hub().reply(connection_id, message)

        def sent(connection: Connection) -> None:
            self.controller.told(connection.status)

        self.tell_button.setEnabled(False)  # one answer per click
        self.watch.own_request()
        worker = self.run_task(send, sent, message=self.tr("Telling the vendor…"), retry=self.tell_vendor)
        worker.finished.connect(self._show_vendor_question)

    def ready(self) -> bool:
        return self.ctx.state.vendor.written

    def missing(self) -> list[str]:
        missing = []
        deciding = self.result.counts.needs_decision if self.result is not None else 0
        if deciding:
            missing.append(self.tr("pick the account of each student marked “Needs your decision”"))
        missing.append(self.tr("write the import file"))
        return missing

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()
        return True
