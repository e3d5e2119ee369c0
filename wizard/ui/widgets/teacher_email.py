"""“Email the instructions to teachers of the shared schools”: one message rendered as the hub will send it,
how many teachers get it, then the hub sends them (it queues them and answers at once).

Both calls go through the hub's API in a Worker (`preview` and `send` are the session's calls).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.ui.widgets.banner import ErrorBanner, describe_error
from wizard.ui.widgets.look import set_tone
from wizard.ui.worker import Task, Worker

if TYPE_CHECKING:
    from wizard.wire.mail import TeacherInstructionsOut


def _teachers(count: int) -> str:
    return f"{count} teacher" if count == 1 else f"{count} teachers"


class TeacherEmailDialog(QDialog):
    def __init__(
        self,
        preview: Callable[[], TeacherInstructionsOut],
        send: Callable[[], TeacherInstructionsOut],
        open_mailbox: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teacherEmailDialog")
        self.setWindowTitle(self.tr("Email the instructions to the teachers of the shared schools"))
        self.resize(860, 620)
        self._preview, self._send = preview, send
        self._worker: Worker | None = None
        self.result_seen: TeacherInstructionsOut | None = None
        layout = QVBoxLayout(self)
        self.banner = ErrorBanner(self)
        self.count = QLabel(self.tr("Counting the teachers the app is shared with…"))
        self.count.setWordWrap(True)
        self.count.setAccessibleName(self.tr("Who receives the email"))
        self.message = QPlainTextEdit()
        self.message.setReadOnly(True)
        self.message.setAccessibleName(self.tr("One of the messages, as the hub sends it"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("What was sent"))
        self.status.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.send_button = QPushButton(self.tr("&Send"))
        self.send_button.setEnabled(False)
        self.send_button.setAccessibleName(self.tr("Have the hub email the teachers"))
        self.mailbox_button = QPushButton(self.tr("Mailb&ox…"))
        self.mailbox_button.setAccessibleName(self.tr("Open the mailbox"))
        buttons.addButton(self.mailbox_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.send_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(self.banner)
        layout.addWidget(self.count)
        layout.addWidget(QLabel(self.tr("The message (each teacher gets their own name and school):")))
        layout.addWidget(self.message, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.send_button.clicked.connect(self.send)
        self.mailbox_button.clicked.connect(lambda: open_mailbox())
        self._run(lambda progress, cancel: self._preview(), self._previewed, "counting the teachers")

    @property
    def is_busy(self) -> bool:
        return self._worker is not None

    def _run(self, task: Task, on_result: Callable[[TeacherInstructionsOut], None], what: str) -> None:
        self.banner.clear()
        self.send_button.setEnabled(False)
        worker = Worker(task, name=f"Teachers' email: {what}")
        worker.result.connect(on_result)
        worker.error.connect(self._failed)
        worker.finished.connect(self._finished)
        self._worker = worker
        worker.start()

    def _finished(self) -> None:
        self._worker = None
        self.send_button.setEnabled(self._can_send())

    def _can_send(self) -> bool:
        seen = self.result_seen
        return seen is not None and seen.teachers > 0 and seen.queued == 0

    def _failed(self, error: object) -> None:
        message, hint = describe_error(error)
        self.banner.show_error(message, hint, None)

    def _previewed(self, answer: TeacherInstructionsOut) -> None:
        self.result_seen = answer
        if answer.teachers == 0:
            text = self.tr("No teacher the app is shared with has an email address at the hub")
            text += (
                self.tr(" ({count} have none).").format(count=answer.without_email)
                if answer.without_email
                else "."
            )
            self.count.setText(text + " " + self.tr("Hand out the printed instructions instead."))
            set_tone(self.count, "warnNote")
            self.message.setPlainText("")
            return
        text = self.tr("{teachers} at {schools} will get this message.").format(
            teachers=_teachers(answer.teachers),
            schools=self.tr("1 school")
            if answer.schools == 1
            else self.tr("{n} schools").format(n=answer.schools),
        )
        if answer.without_email:
            text += " " + (
                self.tr("1 teacher without an email address at the hub is left out.")
                if answer.without_email == 1
                else self.tr("{count} teachers without an email address at the hub are left out.").format(
                    count=answer.without_email
                )
            )
        self.count.setText(text)
        set_tone(self.count, "")
        self.send_button.setText(self.tr("&Send to {teachers}").format(teachers=_teachers(answer.teachers)))
        if answer.preview is not None:
            self.message.setPlainText(
                f"To: {answer.preview.to}\nSubject: {answer.preview.subject}\n\n{answer.preview.body}"
            )

    def send(self) -> None:
        if not self._can_send() or self._worker is not None:
            return
        self._run(lambda progress, cancel: self._send(), self._sent, "sending")

    def _sent(self, answer: TeacherInstructionsOut) -> None:
        self.result_seen = answer
        self.status.setText(
            self.tr(
                "✓ The hub is emailing {teachers} (it sends in the background and retries; the Mailbox shows "
                "what went and anything it could not send)."
            ).format(teachers=_teachers(answer.queued))
        )
        set_tone(self.status, "okNote")
        self.status.show()

    def done(self, result: int) -> None:
        if self._worker is not None:
            self._worker.cancel()
        super().done(result)
