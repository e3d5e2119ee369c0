"""Identity provider and sync method: each choice explained in one sentence with its consequences."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QButtonGroup, QGroupBox, QVBoxLayout

from wizard.flow import PageId
from wizard.session import sftp_sync
from wizard.session.context import WizardContext
from wizard.session.signin import NotSignedIn, TokenPlace, token_sentence
from wizard.state import SftpAccount, SftpAuth
from wizard.tasks import CancelToken, ProgressCallback
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets.choices import add_choices
from wizard.ui.widgets.look import set_tone
from wizard.ui.widgets.sftp_account import SftpAccountBox
from wizard.ui.words import IDENTITY_PROVIDERS, SYNC_METHODS

if TYPE_CHECKING:
    from wizard.hub.models import District

SFTP = "sftp"


class IdentitySyncPage(BasePage):
    page_id = PageId.IDENTITY_AND_SYNC

    def __init__(self, ctx: WizardContext) -> None:
        super().__init__(ctx)
        self.setSubTitle(self.tr("How students and teachers sign in, and how your roster reaches the hub."))
        self.identity_group, identity_box = self._choices(self.tr("How people sign in"), IDENTITY_PROVIDERS)
        self.sync_group, sync_box = self._choices(self.tr("How your roster reaches the hub"), SYNC_METHODS)
        self.sftp_box = SftpAccountBox()
        self.sftp_box.hide()
        self.content.addWidget(identity_box)
        self.content.addWidget(sync_box)
        self.content.addWidget(self.sftp_box)
        self.content.addStretch(1)
        self._loading = False
        self._fetched = False
        self.sftp_box.fetch_button.clicked.connect(lambda: self.fetch_sftp_account(quiet=False))
        self.sftp_box.new_password_button.clicked.connect(self.new_sftp_password)
        self.sftp_box.make_key_button.clicked.connect(self.make_sftp_key)

    def _choices(self, title: str, options: dict[str, tuple[str, str]]) -> tuple[QButtonGroup, QGroupBox]:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        group = QButtonGroup(self)
        add_choices(layout, group, options, self.tr)
        group.buttonToggled.connect(self._toggled)
        return group, box

    def _toggled(self, *_args: object) -> None:
        # Keep the choice even before it is sent, so closing the wizard loses nothing.
        if self._loading:
            return
        self.ctx.state.identity_provider = self._selected(self.identity_group)
        self.ctx.state.sync_method = self._selected(self.sync_group)
        self.ctx.save()
        self._show_sftp()
        self.completeChanged.emit()

    # --- file upload over SFTP -----------------------------------------------------------------------------
    def _show_sftp(self) -> None:
        chosen = self._selected(self.sync_group) == SFTP
        self.sftp_box.setVisible(chosen)
        # The built-in hub's SFTP server moves to a new port each time it starts: take its account afresh.
        stale = self.ctx.uses_embedded_hub and not self.sftp_box.key_path.text()
        if chosen and not self._fetched and (stale or not self.ctx.state.sftp.username):
            self.fetch_sftp_account(quiet=True)

    def _account(self) -> SftpAccount:
        self.sftp_box.read_into(self.ctx.state.sftp)
        return self.ctx.state.sftp

    def _say(self, text: str, ok: bool = True) -> None:
        self.sftp_box.status.setText(text)
        set_tone(self.sftp_box.status, "okNote" if ok else "warnNote")

    def fetch_sftp_account(self, *, quiet: bool) -> None:
        """The district's SFTP username and the hub's server, from the hub (quiet: when the choice is made)."""

        def fetched(found: sftp_sync.HubAccount) -> None:
            self._fetched = True  # only once it arrived: a look-up cut short by leaving the page runs again
            account = self._account()
            sftp_sync.use_hub_account(account, found)
            self.ctx.save()
            self.sftp_box.show_account(account)
            saved = sftp_sync.has_password(self.ctx.credentials, account)
            self._say(
                self.tr("Filled in from the hub.")
                + " "
                + (
                    self.tr("Your SFTP password is ready: {place}.").format(
                        place=self.tr(sftp_sync.password_place(self.ctx.credentials))
                    )
                    if saved
                    else self.tr("Enter the password from the hub's sync settings page, or get a new one.")
                )
            )

        def failed(error: object) -> bool:
            if not quiet:
                return False
            if isinstance(error, NotSignedIn):  # the same words as every page: sign in first
                self._say(self.tr(token_sentence(TokenPlace.MISSING)), ok=False)
                return True
            self._say(self.tr("Type the SFTP username and server your hub's dashboard shows."), ok=False)
            return True

        self.run_task(
            lambda progress, cancel: sftp_sync.fetch_account(self.ctx.district_hub()),
            fetched,
            message=self.tr("Looking up your SFTP account on the hub…"),
            on_error=failed,
            quiet=quiet,
        )

    def new_sftp_password(self) -> None:
        account = self._account()
        self.run_task(
            lambda progress, cancel: sftp_sync.new_hub_password(
                self.ctx.district_hub(), self.ctx.credentials, account
            ),
            lambda _none: self._new_password_saved(),
            message=self.tr("Asking the hub for a new SFTP password…"),
        )

    def _new_password_saved(self) -> None:
        self.sftp_box.password.clear()
        self.sftp_box.show_account(self.ctx.state.sftp)
        self.ctx.save()
        self._say(
            self.tr("The hub made a new SFTP password (the old one no longer works); {place}.").format(
                place=self.tr(sftp_sync.password_place(self.ctx.credentials))
            )
        )

    def make_sftp_key(self) -> None:
        account = self._account()
        offers_sftp = bool(account.hub_fingerprint)

        def make(progress: ProgressCallback, cancel: CancelToken) -> tuple[Path, str, bool]:
            path, public = sftp_sync.make_key(Path(account.key_path) if account.key_path else None)
            registered = False
            if offers_sftp:
                sftp_sync.register_key(self.ctx.district_hub(), public)
                registered = True
            return path, public, registered

        def made(result: tuple[Path, str, bool]) -> None:
            path, public, registered = result
            account.key_path, account.auth = str(path), SftpAuth.KEY
            self.ctx.save()
            self.sftp_box.show_account(account)
            self.sftp_box.show_public_key(public)
            self._say(
                self.tr("New key made (the private key is readable by you only) and registered with the hub.")
                if registered
                else self.tr(
                    "New key made (the private key is readable by you only). Register the public key "
                    "above on your hub's sync settings page."
                )
            )

        self.run_task(make, made, message=self.tr("Making a new SSH key…"))

    @staticmethod
    def _select(group: QButtonGroup, value: str) -> None:
        for button in group.buttons():
            if button.property("choice") == value:
                button.setChecked(True)

    @staticmethod
    def _selected(group: QButtonGroup) -> str:
        button = group.checkedButton()
        return str(button.property("choice")) if button is not None else ""

    def initializePage(self) -> None:
        self._loading = True
        self._select(self.identity_group, self.ctx.state.identity_provider)
        self._select(self.sync_group, self.ctx.state.sync_method)
        self.sftp_box.show_account(self.ctx.state.sftp)
        self.sftp_box.use_password.setText(
            self.tr("&Password (keyring only)")
            if self.ctx.credentials.persistent
            else self.tr("&Password (until the wizard closes: no keyring)")
        )
        self._loading = False
        self._show_sftp()
        self.completeChanged.emit()

    def ready(self) -> bool:
        return bool(self._selected(self.identity_group) and self._selected(self.sync_group))

    def missing(self) -> list[str]:
        missing = []
        if not self._selected(self.identity_group):
            missing.append(self.tr("choose how people sign in"))
        if not self._selected(self.sync_group):
            missing.append(self.tr("choose how your roster reaches the hub"))
        return missing

    def validatePage(self) -> bool:
        provider, method = self._selected(self.identity_group), self._selected(self.sync_group)
        account = self._account()
        password = self.sftp_box.password.text()
        if (
            method == SFTP
            and account.auth == SftpAuth.KEY
            and account.username
            and not Path(account.key_path).is_file()
        ):
            self._say(self.tr("Choose your SSH private key file, or make a new key."), ok=False)
            return False

        def send(progress: ProgressCallback, cancel: CancelToken) -> District:
            hub = self.ctx.district_hub()
            hub.set_sso(provider)
            cancel.raise_if_cancelled()
            if method == SFTP and password and account.username and account.host:
                sftp_sync.save_password(
                    self.ctx.credentials, account, password
                )  # the keyring, never the state
            return hub.set_sync(method)

        def sent(_district: object) -> bool:
            state = self.ctx.state
            state.identity_provider, state.sync_method = provider, method
            self.sftp_box.password.clear()
            state.mark_completed(self.page_id)
            self.ctx.save()
            return True

        return self.commit_in_background(send, sent, message=self.tr("Saving your choices with the hub…"))
