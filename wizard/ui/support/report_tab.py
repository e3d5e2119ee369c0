"""Diagnostic report: one self-contained HTML file to attach to a ticket, redacted unless the agent opts in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QPushButton, QVBoxLayout, QWidget

from wizard.support.run import REPORT_FILE, write_report
from wizard.support.troubleshoot import LoginDiagnosis
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.support.widgets import Host, ask_save_path, wrapping_label


class ReportTab(QWidget):
    def __init__(
        self, host: Host, diagnoses: Callable[[], list[LoginDiagnosis]], hash_key: Callable[[str], bytes]
    ) -> None:
        super().__init__()
        self.host = host
        self.diagnoses = diagnoses
        self.hash_key = hash_key  # district id -> the agent's key for hashing ids in its reports
        layout = QVBoxLayout(self)
        layout.addWidget(
            wrapping_label(
                self.tr(
                    "One HTML file to attach to a ticket: onboarding state, counts, warnings, the login-link check "
                    "and your lookups. Student and teacher names, emails and ids are replaced by hashed ids unless "
                    "you include them."
                )
            )
        )
        self.include_names = QCheckBox(self.tr("&Include names, emails and ids"))
        self.save_button = QPushButton(self.tr("Sa&ve diagnostic report…"))
        self.save_button.clicked.connect(self._choose)
        self.note = wrapping_label()
        layout.addWidget(self.include_names)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def _choose(self) -> None:
        title = self.tr("Save the diagnostic report")
        path = ask_save_path(self, self.host.folders, title, REPORT_FILE, self.tr("HTML (*.html)"))
        if path:
            self.save_report(path)

    def save_report(self, path: Path) -> None:
        run, include, diagnoses = self.host.run, self.include_names.isChecked(), tuple(self.diagnoses())
        if run is None:
            return
        hash_key = self.hash_key

        def task(progress: ProgressCallback, cancel: CancelToken) -> Path:
            return write_report(
                run,
                path,
                generated=dt.datetime.now(dt.UTC),
                include_names=include,
                diagnoses=diagnoses,
                hash_key=hash_key(run.district.id),  # the keyring may block: not on the GUI thread
            )

        self.host.run_task(
            task,
            lambda saved: self.note.setText(self.tr("Saved {path}").format(path=saved)),
            self.tr("Writing the report…"),
        )
