"""Validate: is the sync healthy, do the counts line up (SIS files vs hub vs shared), what do the data
warnings say (each savable as the CSV of affected records), and will Instant Login find every student."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from wizard.fileio import write_bytes_atomically
from wizard.flow import PageId
from wizard.session.context import WizardContext
from wizard.session.data_browser import BrowserResult, search
from wizard.session.questions import FileKind
from wizard.session.text import plural, when
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.data_browser import DataBrowser
from wizard.ui.widgets.login_check_row import LoginCheckRow
from wizard.ui.widgets.look import set_tone

if TYPE_CHECKING:
    from wizard.hub.models import Upload, Validation
    from wizard.session.context import SisCount
    from wizard.support.linkcheck import InstantLoginCheck, RosterSource

NAMED_STUDENTS = 10  # students the Instant Login line names; the support view's export lists them all
COUNTED_KINDS = ("schools", "teachers", "sections", "students", "enrollments")
SIS_COLUMN, LEFT_OUT_COLUMN, HUB_COLUMN, SHARED_COLUMN = range(4)
SYNC_METHOD_WORDS = {
    "sftp": "File upload",
    "clever_managed": "Hub-managed auto sync",
    "sis_managed": "SIS-managed auto sync",
}
ACCEPTED_UPLOADS = frozenset({"succeeded", "approved"})
SYNC_WORDS = {
    "": "not started",
    "pending": "waiting for the first roster",
    "success": "on schedule",
    "error": "the last sync failed",
    "paused": "paused: an upload waits for your approval",
}
SHARING_WORDS = {"not_set": "not set yet", "set": "set", "confirmed": "confirmed by the vendor"}
MISMATCH_BACKGROUND = "#fff4d6"  # with #6b4500 text: AA contrast (see style.py)
MISMATCH_TEXT = "#6b4500"


def _students_have(count: int) -> str:
    return f"{count} has" if count == 1 else f"{count} have"


def _students_share(count: int) -> str:
    return f"{count} shares" if count == 1 else f"{count} share"


class ValidatePage(BasePage):
    page_id = PageId.VALIDATE

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(self.tr("Check that everything lines up before teachers and students sign in."))
        top = QHBoxLayout()
        self.sync_status = QLabel()
        self.sync_status.setWordWrap(True)
        self.sync_status.setAccessibleName(self.tr("Sync status"))
        self.sharing_status = QLabel()
        self.sharing_status.setWordWrap(True)
        self.sharing_status.setAccessibleName(self.tr("Sharing status"))
        self.refresh_button = QPushButton(self.tr("&Check again"))
        self.refresh_button.setAccessibleName(self.tr("Check again"))
        top.addWidget(self.sync_status, 1)
        top.addWidget(self.sharing_status, 1)
        top.addWidget(self.refresh_button, 0, Qt.AlignmentFlag.AlignTop)
        self.content.addLayout(top)

        counts_box = QGroupBox(self.tr("Counts"))
        counts_layout = QVBoxLayout(counts_box)
        self.counts = QTableWidget(len(COUNTED_KINDS), 4)
        self.counts.setHorizontalHeaderLabels(
            [
                self.tr("In your SIS files"),
                self.tr("Left out (errors)"),
                self.tr("On the hub"),
                self.tr("Shared with the app"),
            ]
        )
        left_out_header = self.counts.horizontalHeaderItem(LEFT_OUT_COLUMN)
        if left_out_header is not None:
            left_out_header.setToolTip(
                self.tr("Rows left out of the upload because they had errors (“Leave out rows with errors”).")
            )
        self.counts.setVerticalHeaderLabels([self.tr(kind.capitalize()) for kind in COUNTED_KINDS])
        self.counts.setAccessibleName(self.tr("Counts: SIS files, left out, hub, shared"))
        self.counts.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.counts.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.counts.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.counts.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.counts.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.mismatch_note = QLabel()
        self.mismatch_note.setWordWrap(True)
        counts_layout.addWidget(self.counts)
        counts_layout.addWidget(self.mismatch_note)
        self.content.addWidget(counts_box)

        warnings_box = QWidget()
        warnings_layout = QVBoxLayout(warnings_box)
        self.warnings = QTableWidget(0, 3)
        self.warnings.setHorizontalHeaderLabels([self.tr("Warning"), self.tr("Records"), ""])
        self.warnings.setAccessibleName(self.tr("Data warnings"))
        self.warnings.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.warnings.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.warnings.verticalHeader().hide()
        warnings_layout.addWidget(self.warnings)
        self.saved_status = QLabel()
        self.saved_status.setAccessibleName(self.tr("Saved file"))
        warnings_layout.addWidget(self.saved_status)
        # The data warnings and, beside them, the data browser: who is shared with which app, and why.
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Data warnings and data browser"))
        self.tabs.addTab(warnings_box, self.tr("Data &warnings"))
        self.data_browser = DataBrowser(self._run_browser, self._browse)
        self.tabs.addTab(self.data_browser, self.tr("Data br&owser: who gets which app, and why"))
        self.content.addWidget(self.tabs, 1)

        self.login_row = LoginCheckRow()
        self.login_check, self.vendor_roster_button = self.login_row.text, self.login_row.button
        self.content.addWidget(self.login_row)
        self.vendor_roster_button.clicked.connect(self._pick_vendor_roster)
        self._last_login_check: InstantLoginCheck | None = None
        self.refresh_button.clicked.connect(self.initializePage)

    def initializePage(self) -> None:
        connection_id = self.ctx.state.app.connection_id

        upload_id = self.ctx.state.roster.upload_id

        def check(
            progress: ProgressCallback, cancel: CancelToken
        ) -> tuple[Validation, dict[str, SisCount] | None, Upload | None]:
            hub = self.ctx.district_hub()
            report = hub.validation(connection_id)
            upload = hub.upload_status(upload_id) if upload_id else None
            return report, self.ctx.sis_file_counts(), upload

        self.run_task(
            check,
            self._show,
            message=self.tr("Checking sync, counts and sharing…"),
            on_error=self._not_checked,
        )
        from wizard.support.linkcheck import RosterSource  # pandas loads with the check, not with the page

        self.run_login_check(self._written_vendor_import(), RosterSource.WIZARD_IMPORT)

    def _written_vendor_import(self) -> Path | None:
        """For an app with its own roster, the import file this wizard wrote is what the vendor will know."""
        vendor = self.ctx.state.vendor
        if self.ctx.state.app.uses_secure_sync or not vendor.written:
            return None
        path = Path(vendor.output_dir) / "vendor_import.csv"
        return path if path.is_file() else None

    def _show(self, loaded: tuple[Validation, dict[str, SisCount] | None, Upload | None]) -> None:
        report, sis_counts, upload = loaded
        healthy = report.sync_state == "success"
        method = report.sync_method or ""
        self.sync_status.setText(
            self.tr("{mark} {method}: {status}. Last success: {last}.").format(
                mark="✓" if healthy else "!",
                method=self.tr(SYNC_METHOD_WORDS.get(method, method.replace("_", " ")))
                if method
                else self.tr("Roster sync not chosen"),
                status=self.tr(SYNC_WORDS.get(report.sync_state, report.sync_state)),
                last=when(report.last_success, never=self.tr("never")),
            )
        )
        self._mark(self.sync_status, healthy)
        shared_ok = bool(report.sharing_type) and report.app_status == "connected"
        self.sharing_status.setText(
            self.tr("{mark} {app}: {app_status}; sharing {status}.").format(
                mark="✓" if shared_ok else "!",
                app=self.ctx.state.app.app_name,
                app_status=report.app_status.replace("_", " "),
                status=self.tr(SHARING_WORDS.get(report.sharing_status, report.sharing_status)),
            )
        )
        self._mark(self.sharing_status, shared_ok)
        self._fill_counts(report, sis_counts, upload)
        self._fill_warnings(report)
        self.ctx.state.mark_completed(self.page_id)
        self.ctx.save()

    def _not_checked(self, _error: object) -> bool:
        """The check failed (e.g. the hub did not answer): no tick from an earlier check stays on screen as if
        it had just been made. The banner says what happened and offers Retry."""
        words = self.tr("! Not checked: the hub did not answer this time (see above).")
        for label in (self.sync_status, self.sharing_status, self.mismatch_note):
            label.setText(words)
            self._mark(label, False)
        return False

    @staticmethod
    def _mark(label: QLabel, good: bool) -> None:
        set_tone(label, "okNote" if good else "warnNote")

    def _fill_counts(
        self, report: Validation, sis_counts: dict[str, SisCount] | None, upload: Upload | None
    ) -> None:
        mismatches: list[str] = []
        left_out: list[str] = []
        for row, kind in enumerate(COUNTED_KINDS):
            hub, shared = self._hub_counts(report, upload, kind)
            sis = (sis_counts or {}).get(kind)
            mismatch = sis is not None and hub is not None and sis.sent != hub
            if mismatch:
                mismatches.append(
                    self.tr("{kind}: {sent} sent from your files but {hub} on the hub").format(
                        kind=kind, sent=sis.sent if sis else 0, hub=hub
                    )
                )
            if sis is not None and sis.left_out:
                left_out.append(plural(sis.left_out, kind.rstrip("s"), kind))
            values = (
                sis.read if sis else None,
                sis.left_out if sis else None,
                hub,
                shared,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem("—" if value is None else str(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                flagged = (mismatch and column in (SIS_COLUMN, HUB_COLUMN)) or (
                    column == LEFT_OUT_COLUMN and bool(value)
                )
                if flagged:
                    item.setBackground(QBrush(QColor(MISMATCH_BACKGROUND)))
                    item.setForeground(QBrush(QColor(MISMATCH_TEXT)))
                    item.setToolTip(
                        self.tr("Rows with errors were left out of the upload.")
                        if column == LEFT_OUT_COLUMN
                        else self.tr("The hub does not hold what your files hold.")
                    )
                    item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, self.tr("mismatch"))
                self.counts.setItem(row, column, item)
        notes: list[str] = []
        if sis_counts is None:
            notes.append(
                self.tr("No SIS files were exported by this wizard, so only the hub's counts are shown.")
            )
        if left_out:
            notes.append(
                self.tr(
                    "! Left out for errors: {rows}. The hub does not have them: fix them in your SIS, "
                    "then prepare and upload again."
                ).format(rows=", ".join(left_out))
            )
        if mismatches:
            notes.append(
                self.tr("! Mismatches (highlighted): ")
                + "; ".join(mismatches)
                + self.tr(". Upload your latest files again, or look at the upload's errors.")
            )
        if sis_counts is not None and not left_out and not mismatches:
            notes.append(self.tr("✓ The hub holds exactly what your SIS files hold."))
        self.mismatch_note.setText(" ".join(notes))
        self._mark(self.mismatch_note, sis_counts is not None and not mismatches and not left_out)

    @staticmethod
    def _hub_counts(report: Validation, upload: Upload | None, kind: str) -> tuple[int | None, int | None]:
        """(on the hub, shared) for `kind`; the hub reports enrollments only with the upload that sent them."""
        pair = report.counts.get(kind)
        if pair is not None:
            return pair.hub, pair.shared
        if upload is not None and upload.status in ACCEPTED_UPLOADS and kind in upload.counts:
            return upload.counts[kind], None
        return None, None

    def _fill_warnings(self, report: Validation) -> None:
        self.warnings.setRowCount(len(report.warnings))
        for row, warning in enumerate(report.warnings):
            self.warnings.setItem(row, 0, QTableWidgetItem(warning.message or warning.code))
            count = QTableWidgetItem(str(warning.count))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.warnings.setItem(row, 1, count)
            button = QPushButton(self.tr("Save CSV…"))
            button.setAccessibleName(self.tr("Save the records of “{w}” as CSV").format(w=warning.message))
            button.clicked.connect(lambda _c=False, code=warning.code: self.save_warning_csv(code))
            self.warnings.setCellWidget(row, 2, button)
        self.warnings.resizeColumnToContents(2)
        if not report.warnings:
            self.saved_status.setText(self.tr("✓ No data warnings for what you share."))

    # --- the data browser ----------------------------------------------------------------------------------
    def _run_browser(
        self,
        task: Callable[[ProgressCallback, CancelToken], Any],
        on_result: Callable[[Any], None],
        message: str,
        on_error: Callable[[object], bool],
    ) -> None:
        self.run_task(task, on_result, message=message, on_error=on_error)

    def _browse(self, query: str) -> BrowserResult:
        return search(self.ctx.district_hub, query)

    # --- Instant Login -------------------------------------------------------------------------------------
    def _pick_vendor_roster(self) -> None:
        path = self.choose_open_path()
        if path is not None:
            self.run_login_check(path)

    def choose_open_path(self) -> Path | None:
        """Ask for the vendor's roster export (tests replace this; a file dialog cannot run headless)."""
        return self.choose_path(
            "vendor-roster",
            FileKind.OPEN_FILE,
            self.tr("The vendor's roster export"),
            self.tr("CSV files (*.csv);;All files (*)"),
        )

    def run_login_check(self, vendor_roster: Path | None, source: RosterSource | None = None) -> None:
        """Check Instant Login against `vendor_roster`: the vendor's export unless `source` says it is the
        import file this wizard wrote."""
        self.run_task(
            lambda progress, cancel: self.ctx.login_check(vendor_roster, source),
            self._show_login_check,
            message=self.tr("Checking Instant Login links…"),
            on_error=self.login_row.failed,
        )

    def _show_login_check(self, check: InstantLoginCheck) -> None:
        problems: list[str] = []
        if check.without_sis_id:
            problems.append(self.tr("{who} no SIS id").format(who=_students_have(len(check.without_sis_id))))
        if check.duplicate_sis_id:
            problems.append(
                self.tr("{who} a SIS id with someone else").format(
                    who=_students_share(len(check.duplicate_sis_id))
                )
            )
        unknown = check.unknown_to_vendor
        if unknown:
            words = self.tr("{who} a SIS id the vendor's roster does not know").format(
                who=_students_have(len(unknown))
            )
            if check.lost_leading_zeros:
                words += self.tr(
                    " (for {z} of them the vendor's ExternalID lost the SIS id's leading zeros: the file went "
                    "through a spreadsheet; re-import the wizard's file without opening it)"
                ).format(z=check.lost_leading_zeros)
            problems.append(words)
        if check.roster is not None:
            against = self.tr("checked against {roster}").format(roster=check.checked_against)
        elif self.ctx.state.app.uses_secure_sync:
            against = self.tr("the app receives the SIS ids through Secure Sync")
        else:
            against = self.tr("SIS ids checked; load the vendor's roster to check the links themselves")
        if problems:
            text = self.tr(
                "! Instant Login: of {total} shared students, {problems}. They cannot be signed straight "
                "into their account ({against})."
            ).format(total=check.total, problems="; ".join(problems), against=against)
        else:
            text = self.tr(
                "✓ Instant Login: all {total} shared students have a SIS id that links them ({against})."
            ).format(total=check.total, against=against)
        if check.against_own_import:
            text += " " + self.tr(
                "Once the vendor has imported it, check against their roster export to see the accounts they "
                "really have."
            )
        named = check.not_linking[:NAMED_STUDENTS]
        if named:
            text += "\n" + self.tr("Who will not be signed straight in, and why:")
            for problem in named:
                where = ", ".join(part for part in (problem.sis_id, problem.school) if part)
                text += f"\n• {problem.name} ({where}): {problem.reason}. {problem.what_to_do}"
            if len(check.not_linking) > len(named):
                text += "\n" + self.tr("… and {n} more.").format(n=len(check.not_linking) - len(named))
        self.login_row.say(text, check.ok)
        self._last_login_check = check

    # --- saving files --------------------------------------------------------------------------------------
    def choose_save_path(self, suggested: str) -> Path | None:
        """Ask where to save (tests replace this; a file dialog cannot run headless)."""
        return self.choose_path(
            "warning-csv",
            FileKind.SAVE_FILE,
            self.tr("Save affected records"),
            self.tr("CSV files (*.csv)"),
            suggested=suggested,
        )

    def save_warning_csv(self, code: str) -> None:
        target = self.choose_save_path(f"{code}.csv")
        if target is None:
            return
        connection_id = self.ctx.state.app.connection_id

        def fetch_and_write(progress: ProgressCallback, cancel: CancelToken) -> Path:
            data = self.ctx.district_hub().warning_csv(connection_id, code)
            return write_bytes_atomically(target, data)  # the affected students' records: user-only

        self.run_task(fetch_and_write, self._saved_csv, message=self.tr("Saving the affected records…"))

    def _saved_csv(self, path: Path) -> None:
        self.saved_status.setText(self.tr("✓ Saved {path}").format(path=path))
