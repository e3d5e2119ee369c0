"""Identity provider and sync on clever.com: the identity provider is a guided dashboard step; the SFTP account
(from the dashboard's sync settings) is real: the password goes to the keyring, or an SSH key is chosen or
made, and the files go to sftp.clever.com on the next page."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from wizard.flow import PageId
from wizard.session import clever, sftp_sync
from wizard.session.context import WizardContext
from wizard.state import GuidedStep, SftpAuth
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.guided_step import GuidedStepBox
from wizard.ui.widgets.look import scrolling, set_tone
from wizard.ui.widgets.sftp_account import SftpAccountBox

STEP = GuidedStep.IDENTITY_PROVIDER


class CleverIdentityPage(BasePage):
    page_id = PageId.IDENTITY_AND_SYNC

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(
            self.tr("Choose how people sign in (in the dashboard), and give the wizard your SFTP account.")
        )
        self.guided = GuidedStepBox(clever.guide(STEP))
        self.guided.choice_changed.connect(self._choose)
        self.guided.done_toggled.connect(self._tick)
        self.guided.open_requested.connect(self.open_link)
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.guided)
        self.sftp_box = SftpAccountBox()
        self.sftp_box.intro.setText(
            self.tr(
                "Done by the wizard: your roster files go to clever.com over SFTP. Copy the username and server "
                "from the dashboard's Sync settings (SFTP credentials), then type the password (kept in your "
                "keyring only) or use an SSH key whose public key you add there."
            )
        )
        self.sftp_box.fetch_button.hide()  # clever.com has no API that hands out the account
        self.sftp_box.new_password_button.hide()
        settings_row = QHBoxLayout()
        self.settings_button = QPushButton(self.tr("Open the dashboard's S&ync settings ↗"))
        self.settings_button.setAccessibleName(self.tr("Open the dashboard's Sync settings"))
        self.settings_button.clicked.connect(lambda: self.open_link(clever.SYNC_SETTINGS_URL))
        settings_row.addWidget(self.settings_button)
        settings_row.addWidget(QLabel(clever.SYNC_SETTINGS_URL), 1)
        box_layout = self.sftp_box.layout()
        if isinstance(box_layout, QVBoxLayout):
            box_layout.insertLayout(1, settings_row)  # right under the words on where the account is
        column.addWidget(self.sftp_box)
        column.addStretch(1)
        self.content.addWidget(scrolling(holder), 1)
        self.sftp_box.make_key_button.clicked.connect(self.make_sftp_key)
        for edit in (
            self.sftp_box.username,
            self.sftp_box.host,
            self.sftp_box.password,
            self.sftp_box.key_path,
        ):
            edit.textChanged.connect(lambda _text: self.completeChanged.emit())
        self.sftp_box.auth_group.buttonToggled.connect(lambda *_a: self.completeChanged.emit())
        self._password_saved = False

    def initializePage(self) -> None:
        state = self.ctx.state
        record = clever.record(state, STEP)
        self.guided.show_record(record, {})
        self._show_guided()
        self.sftp_box.show_account(state.sftp)
        self._password_saved = False
        if state.sftp.username and state.sftp.host and state.sftp.auth == SftpAuth.PASSWORD:
            account = state.sftp
            self.run_task(  # the keyring may block (a locked Secret Service): never on the GUI thread
                lambda progress, cancel: sftp_sync.has_password(self.ctx.credentials, account),
                self._password_known,
                message=self.tr("Looking for your SFTP password in the keyring…"),
                quiet=True,
            )
        self.completeChanged.emit()

    def _password_known(self, known: bool) -> None:
        self._password_saved = known
        if known:
            self._say(self.tr("Your SFTP password is saved in your keyring."))
        self.completeChanged.emit()

    # --- the guided step -----------------------------------------------------------------------------------
    def _choose(self, key: str, value: str) -> None:
        clever.set_choice(self.ctx.state, STEP, key, value)
        self.ctx.save()
        self._show_guided()
        self.completeChanged.emit()

    def _tick(self, done: bool) -> None:
        clever.set_done(self.ctx.state, STEP, done)
        self.ctx.save()
        self._show_guided()
        self.completeChanged.emit()

    def _show_guided(self) -> None:
        state = self.ctx.state
        self.guided.show_words(
            clever.check_text(state, STEP), clever.said_text(state, STEP), clever.missing(state, STEP)
        )

    # --- the SFTP account ----------------------------------------------------------------------------------
    def _say(self, text: str, ok: bool = True) -> None:
        self.sftp_box.status.setText(text)
        set_tone(self.sftp_box.status, "okNote" if ok else "warnNote")

    def make_sftp_key(self) -> None:
        account = self.ctx.state.sftp
        self.sftp_box.read_into(account)

        def made(result: tuple[Path, str]) -> None:
            path, public = result
            account.key_path, account.auth = str(path), SftpAuth.KEY
            self.ctx.save()
            self.sftp_box.show_account(account)
            self.sftp_box.show_public_key(public)
            self._say(
                self.tr(
                    "New key made (the private key is readable by you only). Add the public key above on the "
                    "dashboard's Sync settings page, then send your files."
                )
            )
            self.completeChanged.emit()

        self.run_task(
            lambda progress, cancel: sftp_sync.make_key(Path(account.key_path) if account.key_path else None),
            made,
            message=self.tr("Making a new SSH key…"),
        )

    def _account_missing(self) -> list[str]:
        box = self.sftp_box
        missing = []
        if not box.username.text().strip() or not box.host.text().strip():
            missing.append(self.tr("type the SFTP username and server from the dashboard's Sync settings"))
        if box.use_key.isChecked():
            if not box.key_path.text().strip():
                missing.append(self.tr("choose or make an SSH key"))
        elif not box.password.text() and not self._password_saved:
            missing.append(self.tr("type the SFTP password from the dashboard's Sync settings"))
        return missing

    def ready(self) -> bool:
        return clever.is_done(self.ctx.state, STEP) and not self._account_missing()

    def missing(self) -> list[str]:
        missing = (
            [] if clever.is_done(self.ctx.state, STEP) else [self.tr("tick Done for how people sign in")]
        )
        return missing + self._account_missing()

    def validatePage(self) -> bool:
        account = self.ctx.state.sftp
        self.sftp_box.read_into(account)
        password = self.sftp_box.password.text()
        if account.auth == SftpAuth.KEY and not Path(account.key_path).is_file():
            self._say(self.tr("Choose your SSH private key file, or make a new key."), ok=False)
            return False

        def keep(progress: ProgressCallback, cancel: CancelToken) -> None:
            if account.auth == SftpAuth.PASSWORD and password:
                sftp_sync.save_password(
                    self.ctx.credentials, account, password
                )  # the keyring, never the state
            return None

        def kept(_none: object) -> bool:
            state = self.ctx.state
            state.sync_method = "sftp"
            self.sftp_box.password.clear()
            state.mark_completed(self.page_id)
            self.ctx.save()
            return True

        return self.commit_in_background(
            keep, kept, message=self.tr("Saving your SFTP password in the keyring…")
        )
