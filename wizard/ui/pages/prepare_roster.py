"""Prepare roster files: SIS exports in, hub-ready files out, every problem shown where it is.

Drop or pick files, folders or zips; the roster engine reads them in a worker (progress, Cancel) and pre-fills
the column mapping, which the admin can edit (remembered per district); the issue list filters live by
severity, code and text; the preview shows each output file with problem rows and cells highlighted. Export
writes the hub files to a folder. Online, the files are then uploaded with progress and the hub's processing
followed to the end, including approving an upload the hub put on hold. Everything up to the upload works
offline. What is not layout lives in `wizard.session.prepare.PrepareController`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
)

from wizard.flow import PageId
from wizard.hub.models import Upload
from wizard.session import sftp_sync
from wizard.session.clever import clever_sent_text
from wizard.session.context import WizardContext
from wizard.session.prepare import PrepareController, upload_view
from wizard.session.questions import FileKind, Option, Question
from wizard.session.text import plural
from wizard.state import data_dir
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.export_targets import ExportTargets
from wizard.ui.widgets.input_files import InputFiles
from wizard.ui.widgets.look import set_tone
from wizard.ui.widgets.roster_results import ISSUES_TAB, RosterResults

if TYPE_CHECKING:
    from wizard.hub.sftp import SentFiles
    from wizard.roster.pipeline import PrepareResult
    from wizard.roster.targets import Export

# What the admin may do when finishing offline with nothing (or not everything) exported.
EXPORT_NOW, CLOSE_ANYWAY, GO_BACK = "export", "close", "back"
CLOSE_QUESTION = "close-without-export"


class PrepareRosterPage(BasePage):
    page_id = PageId.PREPARE_ROSTER

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.controller = PrepareController(ctx)
        self.setSubTitle(
            self.tr(
                "Turn your SIS exports into the hub's roster files. Nothing leaves this computer until you upload."
            )
        )
        self._build_inputs()
        self.summary = QLabel(self.tr("Add your SIS export files, then choose Check files."))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Summary"))
        self.content.addWidget(self.summary)
        self.tabs = RosterResults()
        self.content.addWidget(self.tabs, 1)
        # The results' controls, by the names the page has always offered.
        self.mapping_model, self.apply_mapping_button = (
            self.tabs.mapping_model,
            self.tabs.apply_mapping_button,
        )
        self.severity_filter, self.code_filter = self.tabs.severity_filter, self.tabs.code_filter
        self.text_filter, self.issue_proxy = self.tabs.text_filter, self.tabs.issue_proxy
        self.issue_view, self.issue_count = self.tabs.issue_view, self.tabs.issue_count
        self.preview_choice, self.preview_view = self.tabs.preview_choice, self.tabs.preview_view
        self._build_actions()
        self.upload_timer = self.make_timer(ctx.settings.upload_poll_ms, self._poll_upload)
        self.upload_timer.setObjectName("uploadPoll")
        self._connect()

    def _build_inputs(self) -> None:
        box = InputFiles(self.add_inputs)
        self.inputs, self.check_button, self.demo_button = box.inputs, box.check_button, box.demo_button
        self.add_files_button, self.add_folder_button = box.add_files_button, box.add_folder_button
        self.remove_button = box.remove_button
        self.content.addWidget(box)

    def _build_actions(self) -> None:
        actions = QHBoxLayout()
        self.leave_out_errors = QCheckBox(self.tr("Leave out rows with &errors"))
        self.leave_out_errors.setAccessibleName(self.tr("Leave out rows with errors"))
        self.export_button = QPushButton(self.tr("E&xport to a folder…"))
        self.export_button.setAccessibleName(self.tr("Export to a folder"))
        self.upload_button = QPushButton(self.tr("&Upload to the hub"))
        self.upload_button.setAccessibleName(self.tr("Upload to the hub"))
        self.approve_button = QPushButton(self.tr("&Approve these changes"))
        self.approve_button.setAccessibleName(self.tr("Approve the held upload"))
        self.upload_status = QLabel()
        self.upload_status.setWordWrap(True)
        self.upload_status.setAccessibleName(self.tr("Upload status"))
        actions.addWidget(self.leave_out_errors)
        actions.addStretch(1)
        self.export_targets = ExportTargets(self.controller.export_targets())  # beside the button they change
        self.export_targets.changed.connect(self.controller.choose_targets)
        self.target_boxes = self.export_targets.boxes
        actions.addWidget(self.export_targets)
        actions.addWidget(self.export_button)
        actions.addWidget(self.upload_button)
        actions.addWidget(self.approve_button)
        self.content.addLayout(actions)
        self.content.addWidget(self.upload_status)

    def _connect(self) -> None:
        self.add_files_button.clicked.connect(self._pick_files)
        self.add_folder_button.clicked.connect(self._pick_folder)
        self.remove_button.clicked.connect(self._remove_selected)
        self.demo_button.clicked.connect(self.use_demo_files)
        self.check_button.clicked.connect(lambda: self.check(use_edited_mapping=False))
        self.apply_mapping_button.clicked.connect(lambda: self.check(use_edited_mapping=True))
        self.export_button.clicked.connect(self._export_clicked)
        self.upload_button.clicked.connect(self.upload)
        self.approve_button.clicked.connect(self.approve)

    # --- state ---------------------------------------------------------------------------------------------
    @property
    def online(self) -> bool:
        return self.controller.online

    @property
    def result(self) -> PrepareResult | None:
        return self.controller.result

    def initializePage(self) -> None:
        self.export_targets.show_chosen(self.ctx.state.roster.export_targets)
        self.inputs.clear()
        for path in self.ctx.state.roster.input_paths:
            self.inputs.addItem(path)
        self.upload_button.setVisible(self.online)
        if self.online and self.ctx.state.sync_method in {"clever_managed", "sis_managed"}:
            self.setSubTitle(
                self.tr(
                    "You chose auto sync, which takes over once it is connected. Upload your files once now so "
                    "you can set up sharing and validate right away."
                )
            )
        # Demo files only make sense where they cannot end up on a real hub.
        self.demo_button.setVisible(not self.online or self.ctx.uses_embedded_hub)
        self.approve_button.setVisible(False)
        self._show_upload_state(None, self.ctx.state.roster.upload_status)
        self._update_buttons()
        if self.ctx.state.roster.input_paths and self.result is None:
            self.check(use_edited_mapping=False)
        if self.ctx.state.on_clever:
            self.upload_button.setText(self.tr("&Send to clever.com over SFTP"))
            self.upload_button.setAccessibleName(self.tr("Send the files to clever.com over SFTP"))
            if self.ctx.state.sftp.sent_at:
                self.upload_status.setText(self.tr(clever_sent_text(self.ctx.state.sftp)))
        if self.controller.waiting_for_sftp:
            self.upload_status.setText(
                self.tr("Your files were sent over SFTP; the hub processes them at about %1.").replace(
                    "%1", sftp_sync.expected_at(self.ctx.state.sftp)
                )
            )
        if self.online and (self.ctx.state.roster.upload_id or self.controller.waiting_for_sftp):
            self._poll_upload()  # shows what the hub made of the upload since last time

    def input_paths(self) -> list[Path]:
        return [Path(self.inputs.item(row).text()) for row in range(self.inputs.count())]

    def add_inputs(self, paths: list[Path]) -> None:
        known = {str(path) for path in self.input_paths()}
        for path in paths:
            if str(path) not in known:
                self.inputs.addItem(str(path))
                known.add(str(path))
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        self.controller.set_inputs(self.input_paths())
        self._update_buttons()

    def _pick_files(self) -> None:
        names = self.choose_paths(
            "sis-files",
            FileKind.OPEN_FILES,
            self.tr("Choose SIS export files"),
            self.tr("Roster files (*.csv *.tsv *.txt *.xlsx *.zip);;All files (*)"),
        )
        self.add_inputs(names)

    def _pick_folder(self) -> None:
        folder = self.choose_path("sis-folder", FileKind.FOLDER, self.tr("Choose a folder of SIS exports"))
        if folder is not None:
            self.add_inputs([folder])

    def use_demo_files(self) -> None:
        """Write the demo district's roster (hub CSVs) into the data folder and check it."""
        from wizard.demo import write_demo_sis_files

        # The demo files replace the list: checked together with the admin's own exports they would mix two
        # districts (and keep the errors of the files that were there).
        self.inputs.clear()
        self.add_inputs([write_demo_sis_files(data_dir() / "demo-roster")])
        self.check(use_edited_mapping=False)

    def _remove_selected(self) -> None:
        for item in self.inputs.selectedItems():
            self.inputs.takeItem(self.inputs.row(item))
        self._inputs_changed()

    # --- checking ------------------------------------------------------------------------------------------
    def check(self, *, use_edited_mapping: bool) -> None:
        paths = self.input_paths()
        if not paths:
            return
        edited = (
            self.mapping_model.to_dict() if use_edited_mapping and self.mapping_model.rowCount() else None
        )
        mapping = self.controller.mapping(edited)
        self.controller.result = None
        self._update_buttons()
        worker = self.run_task(
            lambda progress, cancel: self.controller.check(paths, mapping, progress, cancel),
            self._checked,
            message=self.tr("Reading and checking your files…"),
            cancellable=True,
        )
        worker.cancelled.connect(self._check_cancelled)

    def _check_cancelled(self) -> None:
        self.summary.setText(
            self.tr("Checking was stopped; nothing was written. Choose Check files to start again.")
        )
        set_tone(self.summary, "warnNote")

    def _checked(self, result: PrepareResult) -> None:
        self.controller.checked(result)
        self.tabs.show_result(result)
        counts = ", ".join(f"{len(frame)} {kind}" for kind, frame in result.tables.items())
        self.summary.setText(
            self.tr("{files} read: {counts}. {errors}, {warnings}.").format(
                files=plural(len(result.inputs), "file"),
                counts=counts or self.tr("no hub data"),
                errors=plural(result.error_count, "error"),
                warnings=plural(result.warning_count, "warning"),
            )
        )
        set_tone(self.summary, "okNote" if result.error_count == 0 else "warnNote")
        self.leave_out_errors.setVisible(result.error_count > 0)
        if result.error_count:
            self.tabs.setCurrentIndex(ISSUES_TAB)
        self._update_buttons()

    # --- export and upload ---------------------------------------------------------------------------------
    def _update_buttons(self) -> None:
        has_result = self.result is not None
        self.check_button.setEnabled(bool(self.input_paths()))
        self.apply_mapping_button.setEnabled(has_result)
        self.export_button.setEnabled(has_result)
        self.upload_button.setEnabled(has_result and self.online)
        self.completeChanged.emit()

    def choose_export_folder(self) -> Path | None:
        return self.choose_path("export-folder", FileKind.FOLDER, self.tr("Export the hub files to"))

    def _export_clicked(self) -> None:
        folder = self.choose_export_folder()
        if folder is not None:
            self.export(folder)

    def export(self, folder: Path, then: Callable[[list[Path]], None] | None = None) -> None:
        result, allow = self.result, self.leave_out_errors.isChecked()
        if result is None:
            return
        if result.error_count and not allow:
            self.banner.show_error(
                self.tr("Your files still have {errors}, so the hub files were not written.").format(
                    errors=plural(result.error_count, "error")
                ),
                self.tr("Fix them in your SIS and check again, or tick “Leave out rows with errors”."),
                None,
            )
            return

        def exported(export: Export) -> None:
            self.controller.written(folder)
            paths = list(export.written)
            text = self.tr("✓ Wrote {files} to {folder}").format(
                files=plural(len(paths), "file"), folder=folder
            )
            if export.sets:
                text += self.tr(", with {sets}").format(
                    sets=", ".join(f"{written.name} ({written.path.name})" for written in export.sets)
                )
            self.upload_status.setText(text)
            if then is not None:
                then(paths)

        self.run_task(
            lambda progress, cancel: self.controller.write(result, folder, allow, progress, cancel),
            exported,
            message=self.tr("Writing the hub files…"),
        )

    def upload(self) -> None:
        """Export (to the chosen folder, or the wizard's own) and send the hub files, then follow processing."""

        def send(paths: list[Path]) -> None:
            hub_files = self.controller.hub_files(paths)
            if self.controller.uses_sftp:
                account = self.ctx.state.sftp
                self.run_task(
                    lambda progress, cancel: sftp_sync.send(
                        self.ctx.credentials,
                        account,
                        hub_files,
                        progress,
                        cancel,
                        hub=None if self.ctx.state.on_clever else self.ctx.district_hub(),
                    ),
                    self._sent_over_sftp,
                    message=self.tr("Sending your files over SFTP…"),
                    cancellable=True,
                    retry=self.upload,
                )
                return
            self.run_task(
                lambda progress, cancel: self.ctx.district_hub().upload(hub_files, progress, cancel),
                self._uploaded,
                message=self.tr("Uploading to the hub…"),
                cancellable=True,
                retry=self.upload,
            )

        self.export(self.controller.upload_folder(), then=send)

    def _sent_over_sftp(self, sent: SentFiles) -> None:
        self.controller.sent_over_sftp()
        if self.ctx.state.on_clever:  # clever.com reports in its dashboard and by email: nothing to poll
            self.upload_status.setText(self.tr(clever_sent_text(self.ctx.state.sftp, sent)))
            set_tone(self.upload_status, "okNote")
            self.completeChanged.emit()
            return
        self.upload_status.setText(self.tr(sftp_sync.sent_text(sent, self.ctx.state.sftp)))
        set_tone(self.upload_status, "okNote")
        self._poll_sftp()

    def _poll_sftp(self) -> None:
        """While the hub waits for its quiet period: look for the upload it makes of the files sent."""
        if not self.controller.waiting_for_sftp:
            return
        self.poll(
            lambda progress, cancel: sftp_sync.find_processed(self.ctx.district_hub(), self.ctx.state.sftp),
            self._sftp_polled,
            message=self.tr("Waiting for the hub to process the files…"),
        )

    def _sftp_polled(self, upload: Upload | None) -> None:
        if upload is None:
            if self.isVisible() and not self.upload_timer.isActive():
                self.upload_timer.start()
            return
        self.controller.uploaded(upload)
        self._upload_polled(upload)

    def _uploaded(self, upload: Upload) -> None:
        self.controller.uploaded(upload)
        self._show_upload_state(upload)
        self._poll_upload()

    def _poll_upload(self) -> None:
        upload_id = self.ctx.state.roster.upload_id
        if not upload_id and self.controller.waiting_for_sftp:
            self._poll_sftp()
            return
        if not upload_id:
            return
        self.poll(
            lambda progress, cancel: self.ctx.district_hub().upload_status(upload_id),
            self._upload_polled,
            message=self.tr("Waiting for the hub to process the upload…"),
        )

    def _upload_polled(self, upload: Upload) -> None:
        self.controller.polled(upload)
        self._show_upload_state(upload)
        if upload.done:
            self.upload_timer.stop()
        elif self.isVisible() and not self.upload_timer.isActive():
            self.upload_timer.start()
        self.completeChanged.emit()

    def _show_upload_state(self, upload: Upload | None, status: str = "") -> None:
        view = upload_view(upload, status)
        self.approve_button.setVisible(view is not None and view.approvable)
        if view is None:
            return
        self.upload_status.setText(self.tr(view.text))
        set_tone(self.upload_status, "okNote" if view.ok else "warnNote")

    def approve(self) -> None:
        upload_id = self.ctx.state.roster.upload_id
        self.run_task(
            lambda progress, cancel: self.ctx.district_hub().approve_upload(upload_id),
            self._upload_polled,
            message=self.tr("Approving the upload…"),
        )

    # --- completion ----------------------------------------------------------------------------------------
    def ready(self) -> bool:
        return self.controller.upload_accepted if self.online else self.result is not None

    def validatePage(self) -> bool:
        self.ctx.state.mark_completed(self.page_id)
        return self.may_close()

    def may_close(self) -> bool:
        """Offline with prepared files not exported (or with errors), ask first; True when closing may go on.

        Used by Finish and by closing the window (Cancel, Escape, the title bar)."""
        self.ctx.save()  # the inputs and mapping are kept, whatever is chosen below
        if not self.controller.needs_closing_question():
            return True
        choice = self.ask_before_closing(self.controller.closing_question(self.leave_out_errors.isChecked()))
        if choice == CLOSE_ANYWAY:
            return True
        if choice == EXPORT_NOW:
            folder = self.choose_export_folder()
            if folder is not None:
                self.export(folder, then=lambda _paths: self.finish())
        return False

    def ask_before_closing(self, text: str) -> str:
        """Export now, close anyway or go back (Escape goes back)."""
        return self.ask(
            Question(
                CLOSE_QUESTION,
                self.tr("Close without exporting?"),
                self.tr(text),
                (
                    Option(EXPORT_NOW, self.tr("&Export now…")),
                    Option(CLOSE_ANYWAY, self.tr("&Close anyway"), "destructive"),
                    Option(GO_BACK, self.tr("&Go back"), "reject"),
                ),
                default=GO_BACK,
            )
        )
