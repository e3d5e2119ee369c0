"""The inline error banner with Retry, the busy bar with Cancel, and the words for any error a task raises."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from wizard.errors import UserFacingError
from wizard.logs import log_file_path

log = logging.getLogger(__name__)


def describe_error(error: object) -> tuple[str, str]:
    """What happened and what to do, for any error a task may raise. Tracebacks go to the log only."""
    if isinstance(error, UserFacingError):
        return error.message, error.hint
    if isinstance(error, OSError):
        return (
            f"The file or folder could not be used: {error.strerror or error}.",
            "Check that it exists and that you may read and write there, then try again.",
        )
    log.error("unexpected error", exc_info=error if isinstance(error, BaseException) else None)
    return (
        "Something unexpected went wrong.",
        "Try again. If it keeps happening, contact support and send them the wizard's log: "
        f"{log_file_path()}",
    )


class ErrorBanner(QFrame):
    """An inline, dismissable message: what happened, what to do, and a Retry button when retrying makes sense."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setAccessibleName(self.tr("Problem"))
        layout = QHBoxLayout(self)
        texts = QVBoxLayout()
        self.message = QLabel()
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel()
        self.hint.setObjectName("errorHint")
        self.hint.setWordWrap(True)
        texts.addWidget(self.message)
        texts.addWidget(self.hint)
        layout.addLayout(texts, 1)
        self.retry_button = QPushButton(self.tr("&Retry"))
        self.retry_button.setAccessibleName(self.tr("Retry"))
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        self._retry: Callable[[], None] | None = None
        self.retry_button.clicked.connect(self._on_retry)
        self.hide()

    def show_error(self, message: str, hint: str, retry: Callable[[], None] | None) -> None:
        self.message.setText(message)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self._retry = retry
        self.retry_button.setVisible(retry is not None)
        self.setAccessibleDescription(f"{message} {hint}".strip())
        self.show()

    def clear(self) -> None:
        self._retry = None
        self.hide()

    def _on_retry(self) -> None:
        retry = self._retry
        self.clear()
        if retry is not None:
            retry()


class BusyBar(QWidget):
    """What is running, how far along, and a Cancel button for tasks that can stop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Progress"))
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the running task"))
        layout.addWidget(self.label)
        layout.addWidget(self.bar, 1)
        layout.addWidget(self.cancel_button)
        self.hide()

    def start(self, message: str, cancellable: bool) -> None:
        self.label.setText(message)
        self.bar.setRange(0, 0)  # indeterminate until the task reports a total
        self.cancel_button.setVisible(cancellable)
        self.show()

    def report(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        if message:
            self.label.setText(message)
