"""File sync over SFTP in the wizard's session layer, against the embedded hub's real SFTP server (no display)."""

from __future__ import annotations

import stat
import time
from pathlib import Path

import pytest

from tests.hub_support import FakeClock, clock, sign_up
from tests.sftp_support import QUIET, roster_files, sftp_hub
from tests.unit.test_credentials import MemoryKeyring
from wizard.credentials import CredentialStore
from wizard.hub.sftp import KnownHosts
from wizard.sandbox.server import RunningHub
from wizard.session import sftp_sync
from wizard.session.hub_access import HubAccess
from wizard.state import SftpAccount, SftpAuth
from wizard.tasks import CancelToken

__all__ = ["clock", "sftp_hub"]


@pytest.fixture
def credentials() -> CredentialStore:
    return CredentialStore(MemoryKeyring())


def test_the_account_comes_from_the_hub_and_the_password_goes_to_the_keyring_only(
    sftp_hub: RunningHub, clock: FakeClock, credentials: CredentialStore, tmp_path: Path
) -> None:
    signed = sign_up(sftp_hub, clock)
    hub = HubAccess().open_district(sftp_hub.base_url, signed.district_id, signed.admin_token)
    account = SftpAccount()
    found = sftp_sync.fetch_account(hub)
    sftp_sync.use_hub_account(account, found)
    assert sftp_hub.sftp is not None and (account.host, account.port) == ("127.0.0.1", sftp_hub.sftp.port)
    assert account.hub_fingerprint == sftp_hub.sftp.fingerprint and account.quiet_seconds == QUIET
    assert not sftp_sync.has_password(credentials, account)
    sftp_sync.new_hub_password(hub, credentials, account)
    assert sftp_sync.has_password(credentials, account)
    progress: list[tuple[int, int, str]] = []
    sent = sftp_sync.send(
        credentials,
        account,
        roster_files(tmp_path / "roster"),
        lambda done, total, message: progress.append((done, total, message)),
        CancelToken(),
        known_hosts=KnownHosts(tmp_path / "known_hosts"),
        hub=hub,
    )
    assert account.host_key_fingerprint == account.hub_fingerprint
    assert progress[-1][0] == progress[-1][1] == sent.bytes
    assert any("Sending students.csv:" in message and "in all" in message for *_, message in progress)
    assert "processing expected at" in sftp_sync.sent_text(sent, account)
    deadline = time.monotonic() + 30
    while (upload := sftp_sync.find_processed(hub, account)) is None or not upload.done:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert upload.status == "succeeded" and upload.source == "sftp"


def test_a_new_ssh_key_is_user_only_registered_and_used(
    sftp_hub: RunningHub, clock: FakeClock, credentials: CredentialStore, tmp_path: Path
) -> None:
    signed = sign_up(sftp_hub, clock)
    hub = HubAccess().open_district(sftp_hub.base_url, signed.district_id, signed.admin_token)
    account = SftpAccount(auth=SftpAuth.KEY)
    sftp_sync.use_hub_account(account, sftp_sync.fetch_account(hub))
    path, public = sftp_sync.make_key(tmp_path / "sftp_ed25519")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and public.startswith("ssh-ed25519 ")
    account.key_path = str(path)
    sftp_sync.register_key(hub, public)
    sent = sftp_sync.send(
        credentials, account, roster_files(tmp_path / "roster"), lambda *_: None, CancelToken(),
        known_hosts=KnownHosts(tmp_path / "known_hosts"),
    )  # fmt: skip
    assert sent.names[-1] == "enrollments.csv"


def test_what_is_missing_is_said_before_anything_is_sent(
    credentials: CredentialStore, tmp_path: Path
) -> None:
    with pytest.raises(sftp_sync.SftpNotSetUp, match="username and server are needed"):
        sftp_sync.login(credentials, SftpAccount())
    with pytest.raises(sftp_sync.SftpNotSetUp, match="No SFTP password for district-x"):
        sftp_sync.login(credentials, SftpAccount(username="district-x", host="sftp.clever.com"))
    with pytest.raises(sftp_sync.SftpNotSetUp, match="No SSH key is chosen"):
        sftp_sync.login(credentials, SftpAccount(username="d", host="h", auth=SftpAuth.KEY))


def test_processing_is_expected_one_quiet_period_after_the_last_file() -> None:
    account = SftpAccount(sent_at=1_790_000_000.0, quiet_seconds=300.0)
    expected = time.strftime("%H:%M", time.localtime(1_790_000_300.0))
    assert sftp_sync.expected_at(account) == expected
