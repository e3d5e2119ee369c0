"""When no keyring keeps the admin token: the admin's choice before sign-up, and the token shown once after."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)


class NoKeyringChoice(QGroupBox):
    """Said before the token exists: there is no usable keyring; keep it for this session, or see it once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noKeyring")
        self.setTitle(self.tr("This computer has no usable keyring"))
        self.setAccessibleName(self.tr("No usable keyring"))
        layout = QVBoxLayout(self)
        note = QLabel(
            self.tr(
                "The wizard cannot save your admin token safely on this computer, and never writes it to a file. "
                "Without the token you cannot continue after closing the wizard. Choose:"
            )
        )
        note.setWordWrap(True)
        self.show_once = QRadioButton(
            self.tr("&Show me the token once, so I can keep it in my password manager (recommended)")
        )
        self.session_only = QRadioButton(
            self.tr("Keep it for this &session only (I finish today, or ask hub support for a new one)")
        )
        for button in (self.show_once, self.session_only):
            button.setAccessibleName(button.text().replace("&", ""))
        self.show_once.setChecked(True)
        layout.addWidget(note)
        layout.addWidget(self.show_once)
        layout.addWidget(self.session_only)

    @property
    def wants_token_shown(self) -> bool:
        return self.show_once.isChecked()


class TokenOnce(QGroupBox):
    """The new admin token, shown once, with a copy button and what to do with it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tokenOnce")
        self.setTitle(self.tr("Your admin token — shown only now"))
        layout = QVBoxLayout(self)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        row = QHBoxLayout()
        self.token = QLineEdit()
        self.token.setReadOnly(True)
        self.token.setAccessibleName(self.tr("Your admin token"))
        self.copy_button = QPushButton(self.tr("&Copy"))
        self.copy_button.setAccessibleName(self.tr("Copy the admin token"))
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.token, 1)
        row.addWidget(self.copy_button)
        layout.addWidget(self.advice)
        layout.addLayout(row)
        self.hide()

    def show_token(self, token: str, district_id: str) -> None:
        self.token.setText(token)
        self.advice.setText(
            self.tr(
                "Store it in your password manager now, with your district id {id}: this computer cannot keep it, "
                "and the hub never shows it again. To continue another day, sign in with both on the Welcome or "
                "the sign-up page. Then choose Next."
            ).format(id=district_id)
        )
        self.show()

    def copy(self) -> None:
        QApplication.clipboard().setText(self.token.text())

    def forget(self) -> None:
        self.token.clear()
        self.hide()
