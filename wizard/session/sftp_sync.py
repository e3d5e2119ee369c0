"""File sync over SFTP in the wizard, Qt-free: the district's SFTP account, its password or SSH key, sending
the prepared files, and following the hub until it has processed them. The pages are layout and signals.

- The account (username, server, port) comes from the hub (`GET …/sftp`), or the admin types it for a hub whose
  dashboard shows it (sftp.clever.com). The password lives only in the keyring, under the SFTP server and the
  username; with a hub that has the onboarding API the wizard can ask it for a new one and keep it there
  without ever showing it.
- Or an SSH key: an existing private key file, or a new ed25519 key the wizard makes in the user data folder
  (private key user-only); its public key is shown for the hub's dashboard, and registered with a hub that has
  the onboarding API.
- Sending reports bytes per file and in total, stops on Cancel and retries a dropped connection
  (`wizard.hub.sftp`); the hub then processes the set after its quiet period: the page says when that is
  expected, then follows the upload the hub made of it (holds and approval as for any upload).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from wizard.credentials import CredentialStore
from wizard.errors import UserFacingError
from wizard.hub.models import Upload
from wizard.state import SftpAccount, SftpAuth
from wizard.tasks import CancelToken, ProgressCallback
from wizard.wire.sftp import SftpKeyOut, SftpPasswordOut, SftpSettingsOut
from wizard.wire.vocab import UploadSource

if TYPE_CHECKING:  # the SSH stack (asyncssh) loads when a file is first sent, not when the wizard opens
    from wizard.hub.sftp import FileProgress, KnownHosts, SentFiles, SftpLogin, SftpTarget

REAL_HUB_QUIET_SECONDS = 300.0  # sftp.clever.com processes about 5 minutes after the last change
CLOCK_GRACE = 5.0  # the hub's clock and this computer's may differ a little
NO_UPLOAD = "none"  # SftpAccount.upload_before when the hub had no SFTP upload before the send


class SftpHub(Protocol):
    """What file sync needs of the signed-in district's hub (the onboarding API)."""

    def sftp_settings(self) -> SftpSettingsOut: ...

    def rotate_sftp_password(self) -> SftpPasswordOut: ...

    def add_sftp_key(self, public_key: str) -> SftpKeyOut: ...

    def uploads(self) -> list[Upload]: ...


class SftpNotSetUp(UserFacingError):
    """The SFTP account, password or key the upload needs is missing."""


@dataclass(frozen=True)
class HubAccount:
    """The district's SFTP account as the hub shows it (no secret)."""

    username: str
    host: str
    port: int
    host_key_fingerprint: str
    quiet_seconds: float


def fetch_account(hub: SftpHub) -> HubAccount:
    """The district's SFTP username and the hub's SFTP server; says what to do when the hub has none."""
    settings = hub.sftp_settings()
    if not (settings.enabled and settings.host and settings.port and settings.username):
        raise SftpNotSetUp(
            "This hub does not offer file sync over SFTP.",
            "Type the SFTP username and server your hub's dashboard shows, or choose another sync method.",
        )
    return HubAccount(
        username=settings.username,
        host=settings.host,
        port=settings.port,
        host_key_fingerprint=settings.host_key_fingerprint or "",
        quiet_seconds=settings.quiet_seconds or REAL_HUB_QUIET_SECONDS,
    )


def use_hub_account(account: SftpAccount, found: HubAccount) -> None:
    account.username, account.host, account.port = found.username, found.host, found.port
    account.hub_fingerprint = found.host_key_fingerprint
    account.quiet_seconds = found.quiet_seconds


def check_account(account: SftpAccount) -> SftpTarget:
    from wizard.hub.sftp import DEFAULT_PORT, SftpTarget

    if not account.username.strip() or not account.host.strip():
        raise SftpNotSetUp(
            "The SFTP username and server are needed for file upload.",
            "Take them from the hub, or type the ones your hub's dashboard shows (e.g. sftp.clever.com).",
        )
    return SftpTarget(account.username.strip(), account.host.strip(), account.port or DEFAULT_PORT)


def has_password(credentials: CredentialStore, account: SftpAccount) -> bool:
    target = check_account(account)
    return credentials.sftp_password(target.host, target.port, target.username) is not None


def needs_setting_up(credentials: CredentialStore, account: SftpAccount) -> bool:
    """Whether file upload over SFTP cannot sign in from this computer as things are: the password is not here
    (no keyring kept it, another computer, or the built-in hub's server moved to a new port) or the key file is
    gone. The wizard then shows "Identity and sync" again even when the hub has the choice already."""
    if account.auth == SftpAuth.KEY:
        return not (account.key_path and Path(account.key_path).is_file())
    if not account.username.strip() or not account.host.strip():
        return False  # the wizard uploads the files itself (no SFTP account typed)
    return not has_password(credentials, account)


def password_place(credentials: CredentialStore) -> str:
    """Where an SFTP password the wizard keeps lives, in the words every page uses."""
    if credentials.persistent:
        return "it is saved in your keyring"
    return (
        "this computer has no usable keyring, so it is kept only until the wizard closes "
        "(next time, get a new one here)"
    )


def save_password(credentials: CredentialStore, account: SftpAccount, password: str) -> None:
    """Keep the SFTP password in the keyring only (never in the saved state)."""
    target = check_account(account)
    credentials.set_sftp_password(target.host, target.port, target.username, password)


def new_hub_password(hub: SftpHub, credentials: CredentialStore, account: SftpAccount) -> None:
    """Ask the hub for a new SFTP password and keep it in the keyring, unseen (the old one stops working)."""
    answer = hub.rotate_sftp_password()
    if answer.username:
        account.username = answer.username
    save_password(credentials, account, answer.password)


def make_key(path: Path | None = None) -> tuple[Path, str]:
    """A new ed25519 key pair (by default in the user data folder): its path and public key line."""
    from wizard.hub.sftp import default_key_path, generate_key

    where = path or default_key_path()
    return where, generate_key(where, comment="district-onboarding-wizard")


def existing_key(path: Path) -> str:
    """The public key line of an existing private key (raises a user-facing error if it cannot be used)."""
    from wizard.hub.sftp import public_key_text

    return public_key_text(path)


def register_key(hub: SftpHub, public_key: str) -> SftpKeyOut:
    return hub.add_sftp_key(public_key)


def login(credentials: CredentialStore, account: SftpAccount) -> SftpLogin:
    from wizard.hub.sftp import SftpLogin

    target = check_account(account)
    if account.auth == SftpAuth.KEY:
        if not account.key_path:
            raise SftpNotSetUp("No SSH key is chosen.", "Choose or make one on “Identity and sync”.")
        return SftpLogin(key_path=Path(account.key_path))
    password = credentials.sftp_password(target.host, target.port, target.username)
    if not password:
        raise SftpNotSetUp(
            f"No SFTP password for {target.username} is saved on this computer.",
            "Go back to “Identity and sync” and enter it (from the hub's sync settings page), or get a new one "
            "from the hub there.",
        )
    return SftpLogin(password=password)


def _size(count: int) -> str:
    return f"{count / 1e6:,.1f} MB" if count >= 100_000 else f"{count / 1e3:,.0f} KB"


def progress_text(item: FileProgress) -> str:
    """“Sending students.csv: 3.2 of 9.7 MB (12.0 of 27.1 MB in all)”."""
    return (
        f"Sending {item.name}: {_size(item.sent)} of {_size(item.size)} "
        f"({_size(item.total_sent)} of {_size(item.total)} in all)"
    )


def send(
    credentials: CredentialStore,
    account: SftpAccount,
    files: Sequence[Path],
    progress: ProgressCallback,
    cancel: CancelToken,
    known_hosts: KnownHosts | None = None,
    on_file: Callable[[FileProgress], None] | None = None,
    hub: SftpHub | None = None,
) -> SentFiles:
    """Send the hub files over SFTP (blocking: a Worker runs it). Progress messages name the file and the
    bytes sent of it and in all. With `hub`, notes its newest SFTP upload first, so the upload made of
    these files is recognised whatever the two clocks say."""
    from wizard.hub.sftp import KnownHosts, send_files

    def relay(item: FileProgress) -> None:
        progress(item.total_sent, item.total, progress_text(item))
        if on_file is not None:
            on_file(item)

    if hub is not None:
        before = _newest_sftp_upload(hub)
        account.upload_before = before.id if before is not None else NO_UPLOAD
    sent = send_files(
        check_account(account),
        login(credentials, account),
        files,
        known_hosts=known_hosts or KnownHosts.default(),
        on_file=relay,
        cancel=cancel,
    )
    account.host_key_fingerprint = sent.host_key_fingerprint
    account.sent_at = time.time()
    return sent


def expected_at(account: SftpAccount) -> str:
    """When the hub should process the set: the last file plus its quiet period, as HH:MM local time."""
    when = datetime.fromtimestamp(account.sent_at + (account.quiet_seconds or REAL_HUB_QUIET_SECONDS))
    return when.astimezone().strftime("%H:%M")


def sent_text(sent: SentFiles, account: SftpAccount) -> str:
    return (
        f"Sent {len(sent.names)} files ({_size(sent.bytes)}) to {sent.target} over SFTP. The hub processes them "
        f"once the folder has been quiet for a while: processing expected at {expected_at(account)}."
    )


def _newest_sftp_upload(hub: SftpHub) -> Upload | None:
    return next((upload for upload in hub.uploads() if upload.source == UploadSource.SFTP), None)


def find_processed(hub: SftpHub, account: SftpAccount) -> Upload | None:
    """The upload the hub made of the files sent last (None while it waits for its quiet period)."""
    if account.upload_before:
        newest = _newest_sftp_upload(hub)
        return newest if newest is not None and newest.id != account.upload_before else None
    for upload in hub.uploads():
        if upload.source != UploadSource.SFTP or not upload.created:
            continue
        created = datetime.fromisoformat(upload.created.replace("Z", "+00:00")).timestamp()
        if created >= account.sent_at - CLOCK_GRACE:
            return upload
    return None
