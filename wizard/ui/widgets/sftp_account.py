"""The SFTP account for file upload: username, server, and a password (keyring only) or an SSH key. Layout only;
`wizard.session.sftp_sync` does the work and the page connects the buttons."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from wizard.state import SftpAccount, SftpAuth


class SftpAccountBox(QGroupBox):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sftpAccount")
        self.setTitle(self.tr("File upload over SFTP"))
        self.setAccessibleName(self.tr("SFTP account"))
        layout = QVBoxLayout(self)
        self.intro = QLabel(
            self.tr(
                "From your hub's sync settings page (the real hub: sftp.clever.com); the built-in hub fills them "
                "in. Left empty, the wizard uploads the files itself."
            )
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.username = QLineEdit()
        self.username.setAccessibleName(self.tr("SFTP username"))
        self.host = QLineEdit()
        self.host.setPlaceholderText("sftp.clever.com")
        self.host.setAccessibleName(self.tr("SFTP server"))
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(22)
        self.port.setAccessibleName(self.tr("SFTP port"))
        self.fetch_button = QPushButton(self.tr("&Fill in from the hub"))
        self.fetch_button.setAccessibleName(self.tr("Fill in the SFTP account from the hub"))
        account_row = QHBoxLayout()
        for label, widget, stretch in (
            (self.tr("&Username"), self.username, 2),
            (self.tr("&Server"), self.host, 2),
            (self.tr("P&ort"), self.port, 0),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            account_row.addWidget(caption)
            account_row.addWidget(widget, stretch)
        account_row.addWidget(self.fetch_button)
        layout.addLayout(account_row)
        self.fingerprint = QLabel()
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setAccessibleName(self.tr("The server's host key fingerprint"))
        layout.addWidget(self.fingerprint)

        self.auth_group = QButtonGroup(self)
        self.use_password = QRadioButton(self.tr("&Password (keyring only)"))
        self.use_key = QRadioButton(self.tr("SSH &key"))
        for button in (self.use_password, self.use_key):
            button.setAccessibleName(button.text().replace("&", ""))
            self.auth_group.addButton(button)
        self.use_password.setChecked(True)
        password_row = QHBoxLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(self.tr("SFTP password"))
        self.new_password_button = QPushButton(self.tr("Get a &new password from the hub"))
        self.new_password_button.setAccessibleName(self.tr("Get a new SFTP password from the hub"))
        password_row.addWidget(self.use_password)
        password_row.addWidget(self.password, 1)
        password_row.addWidget(self.new_password_button)
        layout.addLayout(password_row)
        key_row = QHBoxLayout()
        self.key_path = QLineEdit()
        self.key_path.setAccessibleName(self.tr("SSH private key file"))
        self.choose_key_button = QPushButton(self.tr("C&hoose…"))
        self.make_key_button = QPushButton(self.tr("&Make a new key"))
        self.make_key_button.setAccessibleName(self.tr("Make a new SSH key"))
        key_row.addWidget(self.use_key)
        key_row.addWidget(self.key_path, 1)
        key_row.addWidget(self.choose_key_button)
        key_row.addWidget(self.make_key_button)
        layout.addLayout(key_row)
        self.public_key = QPlainTextEdit()
        self.public_key.setReadOnly(True)
        self.public_key.setMaximumHeight(48)
        self.public_key.setAccessibleName(self.tr("Public key to register with the hub"))
        self.public_key.hide()
        layout.addWidget(self.public_key)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("SFTP account status"))
        layout.addWidget(self.status)
        self.auth_group.buttonToggled.connect(self._auth_changed)
        self.choose_key_button.clicked.connect(self.choose_key)
        self._auth_changed()

    def choose_key(self) -> None:
        """Ask for the SSH private key file; choosing one means logging in by key."""
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose your SSH private key (not the .pub file)")
        )
        if name:
            self.key_path.setText(name)
            self.use_key.setChecked(True)

    def _auth_changed(self, *_args: object) -> None:
        by_key = self.use_key.isChecked()
        self.password.setEnabled(not by_key)
        self.new_password_button.setEnabled(not by_key)
        for widget in (self.key_path, self.choose_key_button, self.make_key_button):
            widget.setEnabled(by_key)

    def show_account(self, account: SftpAccount) -> None:
        self.username.setText(account.username)
        self.host.setText(account.host)
        self.port.setValue(account.port or 22)
        (self.use_key if account.auth == SftpAuth.KEY else self.use_password).setChecked(True)
        self.key_path.setText(account.key_path)
        shown = account.host_key_fingerprint or account.hub_fingerprint
        self.fingerprint.setText(
            self.tr("Host key %1: trusted at the first connection; any other key is refused later.").replace(
                "%1", shown
            )
            if shown
            else self.tr(
                "Host key: shown after the first connection (compare it with the one your hub shows)."
            )
        )

    def read_into(self, account: SftpAccount) -> None:
        account.username = self.username.text().strip()
        account.host = self.host.text().strip()
        account.port = self.port.value()
        account.auth = SftpAuth.KEY if self.use_key.isChecked() else SftpAuth.PASSWORD
        account.key_path = self.key_path.text().strip()

    def show_public_key(self, public: str) -> None:
        self.public_key.setPlainText(public)
        self.public_key.setVisible(bool(public))
