"""The Validate pages' Instant Login line: what the login-link check found, and the button that checks against
the vendor's roster export (the hub's Validate page and the clever.com one)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from wizard.errors import UserFacingError
from wizard.ui.widgets.look import set_tone


class LoginCheckRow(QWidget):
    """`text` says what the check found, `button` asks for the vendor's roster export."""

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAccessibleName(self.tr("Instant Login link check"))
        self.button = QPushButton(self.tr("Check against the &vendor's roster…"))
        self.button.setAccessibleName(self.tr("Check the links against the vendor's roster export"))
        row.addWidget(self.text, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)

    def say(self, text: str, good: bool) -> None:
        self.text.setText(text)
        set_tone(self.text, "okNote" if good else "warnNote")

    def failed(self, error: object) -> bool:
        """A check that could not run for a reason the admin can fix (the roster unreadable): said here, in
        place of the result; True when handled."""
        if isinstance(error, UserFacingError):
            self.say(f"! {error.message} {error.hint}", good=False)
            return True
        return False
