"""The Mailbox view: the email the hub sent about the district, as its mail server received it (the demo's
own server on this computer), with any message the hub could not send and why.

It reads the hub's `GET …/mail` in a Worker (through `load`, the session's call), never the hub's files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.session.text import when
from wizard.ui.widgets.banner import ErrorBanner, describe_error
from wizard.ui.widgets.look import set_tone
from wizard.ui.worker import Worker

if TYPE_CHECKING:
    from wizard.wire.mail import MailMessageOut, MailOut

NOTICE_WORDS = {
    "vendor_question": "Vendor's question",
    "vendor_accepted": "Vendor accepted",
    "vendor_rejected": "Vendor rejected",
    "upload_on_hold": "Upload on hold",
    "sync_failed": "Sync failed",
    "teacher_instructions": "Teachers' instructions",
}


class MailboxDialog(QDialog):
    def __init__(self, load: Callable[[], MailOut], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mailboxDialog")
        self.setWindowTitle(self.tr("Mailbox — the hub's email to your district"))
        self.resize(980, 640)
        self._load = load
        self._worker: Worker | None = None
        self.messages: list[MailMessageOut] = []

        layout = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        self.summary = QLabel(self.tr("Reading the hub's email…"))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("Where the hub sends its email"))
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setAccessibleName(self.tr("Messages the hub could not send"))
        self.problems.hide()
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Received"), self.tr("About"), self.tr("To"), self.tr("Subject")]
        )
        self.table.setAccessibleName(self.tr("Messages"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.body = QPlainTextEdit()
        self.body.setReadOnly(True)
        self.body.setAccessibleName(self.tr("The message"))
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.body)
        splitter.setSizes([220, 380])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Read the mailbox again"))
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.banner)
        layout.addWidget(self.summary)
        layout.addWidget(self.problems)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        self.refresh_button.clicked.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._show_selected)
        self.refresh()

    @property
    def is_busy(self) -> bool:
        return self._worker is not None

    def refresh(self) -> None:
        if self._worker is not None:
            return
        self.banner.clear()
        self.refresh_button.setEnabled(False)
        worker = Worker(lambda progress, cancel: self._load(), name="Mailbox: reading the hub's email")
        worker.result.connect(self._show)
        worker.error.connect(self._failed)
        worker.finished.connect(self._done)
        self._worker = worker
        worker.start()

    def _done(self) -> None:
        self._worker = None
        self.refresh_button.setEnabled(True)

    def _failed(self, error: object) -> None:
        message, hint = describe_error(error)
        self.summary.setText(self.tr("The hub's email could not be read."))
        self.banner.show_error(message, hint, self.refresh)

    def _show(self, mail: MailOut) -> None:
        self.messages = list(mail.mailbox)
        if not mail.sends_to:
            text = self.tr("This hub sends no email.")
        elif mail.demo_mailbox:
            text = self.tr(
                "The hub sends its email to the demo mail server on this computer ({address}); it has received "
                "{count} for your district. Each message names the step where you act."
            ).format(address=mail.sends_to, count=_messages(len(self.messages)))
        else:
            sent = sum(1 for entry in mail.outbox if entry.state == "sent")
            text = self.tr(
                "The hub sends its email through {address}: {sent} sent. Read them in your own mailbox."
            ).format(address=mail.sends_to, sent=_messages(sent))
        self.summary.setText(text)
        unsent = [entry for entry in mail.outbox if entry.state in ("failed", "retrying")]
        if unsent:
            lines = [
                self.tr("✗ “{subject}” to {to}: {state} after {attempts} attempt(s): {error}.").format(
                    subject=entry.subject,
                    to=", ".join(entry.to),
                    state=self.tr("not sent") if entry.state == "failed" else self.tr("retrying"),
                    attempts=entry.attempts,
                    error=entry.error,
                )
                for entry in unsent[:5]
            ]
            self.problems.setText("\n".join(lines))
            set_tone(self.problems, "warnNote")
            self.problems.show()
        else:
            self.problems.hide()
        rows = self.messages if mail.demo_mailbox else []
        self.table.setRowCount(len(rows))
        for row, message in enumerate(rows):
            values = [
                when(message.received),
                self.tr(NOTICE_WORDS.get(message.notice, message.notice)),
                ", ".join(message.to),
                message.subject,
            ]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        if rows:
            self.table.selectRow(0)
            self._show_selected()  # row 0 may have been selected before: show the message it holds now
        else:
            self.body.setPlainText("")

    def _show_selected(self) -> None:
        selected = self.table.selectionModel().selectedRows()
        if not selected or selected[0].row() >= len(self.messages):
            return
        message = self.messages[selected[0].row()]
        self.body.setPlainText(
            f"From: {message.sender}\nTo: {', '.join(message.to)}\nSubject: {message.subject}\n\n{message.body}"
        )

    def done(self, result: int) -> None:
        if self._worker is not None:
            self._worker.cancel()
        super().done(result)


def _messages(count: int) -> str:
    return f"{count} message" if count == 1 else f"{count} messages"
