"""Sending a district's roster files to a hub over SFTP (the embedded hub, `sftp.clever.com`, any SFTP server).

    result = send_files(SftpTarget.parse("district-ab12@sftp.clever.com"), SftpLogin(password="…"),
                        paths, known_hosts=KnownHosts.default(), progress=progress, cancel=cancel)

- The server's host key is pinned on first use in the user data folder (OpenSSH `known_hosts` form) and its
  fingerprint reported; a different key later stops everything before the password or a byte of data is
  sent.
- Login by password (given by the caller: the keyring, a prompt or standard input, never stored here) or by
  an SSH key file; `generate_key` makes a new ed25519 key (private key readable by the user only).
- Progress is reported in bytes, per file and in total; `cancel` stops between chunks. A dropped connection
  is retried with backoff, sending again the file that was cut off (a hub keeps only files closed properly).
  The optional staff.csv goes first and the required files after it, so the set is complete only when the
  last byte has arrived; when the run fails or is cancelled, the files it sent are removed again so that no
  partial set is left looking complete.

Where, who, keys, host keys and the errors are in sftp_access.py (imported here for callers).

Qt-free and synchronous for its callers: the asyncio work runs inside `send_files` on the calling thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from wizard.hub.sftp_access import DEFAULT_KEY_NAME as DEFAULT_KEY_NAME
from wizard.hub.sftp_access import DEFAULT_PORT as DEFAULT_PORT
from wizard.hub.sftp_access import KNOWN_HOSTS_NAME as KNOWN_HOSTS_NAME
from wizard.hub.sftp_access import HostKeyChanged as HostKeyChanged
from wizard.hub.sftp_access import HostKeyCheck, no_known_hosts, read_key, where
from wizard.hub.sftp_access import KnownHosts as KnownHosts
from wizard.hub.sftp_access import NotHubFiles as NotHubFiles
from wizard.hub.sftp_access import SftpError as SftpError
from wizard.hub.sftp_access import SftpLogin as SftpLogin
from wizard.hub.sftp_access import SftpLoginFailed as SftpLoginFailed
from wizard.hub.sftp_access import SftpRefused as SftpRefused
from wizard.hub.sftp_access import SftpTarget as SftpTarget
from wizard.hub.sftp_access import SftpUnavailable as SftpUnavailable
from wizard.hub.sftp_access import default_key_path as default_key_path
from wizard.hub.sftp_access import fingerprint as fingerprint
from wizard.hub.sftp_access import generate_key as generate_key
from wizard.hub.sftp_access import public_key_text as public_key_text
from wizard.roster import spec
from wizard.tasks import Cancelled, CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
HUB_NAMES: tuple[str, ...] = tuple(spec.hub_file_name(kind) for kind in spec.HUB_KINDS)
REQUIRED_NAMES: frozenset[str] = frozenset(spec.hub_file_name(kind) for kind in spec.REQUIRED_KINDS)


# ---- sending ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileProgress:
    """Bytes of one file sent so far, and of the whole run."""

    name: str
    sent: int
    size: int
    total_sent: int
    total: int


@dataclass(frozen=True)
class SentFiles:
    target: SftpTarget
    names: tuple[str, ...]
    bytes: int
    host_key_fingerprint: str
    host_key_pinned_now: bool  # first use: the fingerprint was pinned by this run
    attempts: int
    seconds: float


def check_hub_files(files: Sequence[Path]) -> list[Path]:
    """The files in sending order (optional first, required after); refuses names outside the hub's set."""
    by_name: dict[str, Path] = {}
    for path in files:
        if path.name not in HUB_NAMES:
            raise NotHubFiles(
                f"{path.name} is not one of the hub's file names.",
                f"Send only {', '.join(HUB_NAMES)} (exact case): the hub refuses anything else.",
            )
        if path.name in by_name:
            raise NotHubFiles(f"{path.name} is given twice.", "Send each hub file once.")
        by_name[path.name] = path
    missing = sorted(REQUIRED_NAMES - set(by_name))
    if missing:
        raise NotHubFiles(
            f"The set is incomplete: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing.",
            "The hub needs the full set every time; prepare the roster again to write every file.",
        )
    optional_first = sorted(by_name, key=lambda name: (name in REQUIRED_NAMES, HUB_NAMES.index(name)))
    return [by_name[name] for name in optional_first]


@dataclass
class _Run:
    target: SftpTarget
    login: SftpLogin
    files: list[Path]
    known_hosts: KnownHosts
    progress: ProgressCallback
    on_file: Callable[[FileProgress], None] | None
    cancel: CancelToken
    attempts: int
    backoff: float
    connect_timeout: float
    sizes: dict[str, int] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    interrupted: str | None = None
    presented: asyncssh.SSHKey | None = None
    pinned_now: bool = False

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    def report(self, name: str, sent: int) -> None:
        total_sent = sum(self.sizes[n] for n in self.done) + sent
        self.progress(total_sent, self.total, f"Sending {name}")
        if self.on_file is not None:
            self.on_file(FileProgress(name, sent, self.sizes[name], total_sent, self.total))

    def options(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "username": self.target.username,
            "port": self.target.port,
            "known_hosts": no_known_hosts,
            "connect_timeout": self.connect_timeout,
            "agent_path": None,
            "preferred_auth": "publickey,keyboard-interactive,password",
            "config": [],
            "keepalive_interval": 15,
        }
        if self.login.key_path is not None:
            options["client_keys"] = [read_key(self.login.key_path, self.login.key_passphrase)]
            options["preferred_auth"] = "publickey"
        else:
            options["client_keys"] = []
            options["password"] = self.login.password
            options["preferred_auth"] = "keyboard-interactive,password"
        return options

    async def connect(self) -> asyncssh.SSHClientConnection:
        check = HostKeyCheck(self.known_hosts, self.target.host, self.target.port)
        try:
            conn = await asyncssh.connect(self.target.host, client_factory=lambda: check, **self.options())
        except asyncssh.HostKeyNotVerifiable:
            if check.changed_from is not None and check.presented is not None:
                raise HostKeyChanged(
                    self.target.host,
                    self.target.port,
                    fingerprint(check.changed_from),
                    fingerprint(check.presented),
                    self.known_hosts.path,
                ) from None
            raise
        except asyncssh.PermissionDenied:
            how = "SSH key" if self.login.key_path is not None else "password"
            raise SftpLoginFailed(
                f"The SFTP server {where(self.target.host, self.target.port)} did not accept the username "
                f"{self.target.username} with this {how}.",
                "Check the username and password on the hub's sync settings page (or rotate the password "
                "there), or register this SSH key's public key with the hub.",
            ) from None
        finally:
            self.presented = check.presented or self.presented
            self.pinned_now = self.pinned_now or check.pinned_now
        return conn

    async def send(self, sftp: asyncssh.SFTPClient, path: Path) -> None:
        name = path.name
        self.report(name, 0)
        sent = 0
        self.interrupted = name  # until its close is confirmed: removed again if the run stops here
        with path.open("rb") as local:
            async with sftp.open(name, "wb") as remote:
                while chunk := local.read(CHUNK):
                    self.cancel.raise_if_cancelled()
                    await remote.write(chunk, sent)
                    sent += len(chunk)
                    self.report(name, sent)
        self.interrupted = None
        self.done.append(name)
        log.info("sftp: sent %s (%d bytes) to %s", name, sent, self.target)

    async def remove_sent(self) -> None:
        """Take back what this run sent, so the server never holds part of a set as if it were whole."""
        names = [*self.done, *([self.interrupted] if self.interrupted else [])]
        if not names:
            return
        try:
            async with await self.connect() as conn, conn.start_sftp_client() as sftp:
                for name in names:
                    with contextlib.suppress(asyncssh.SFTPNoSuchFile):
                        await asyncio.wait_for(sftp.remove(name), 10)
        except (OSError, asyncssh.Error, SftpError, TimeoutError) as error:
            log.warning("sftp: could not remove the files sent before the failure: %s", _reason(error))
            return
        self.done.clear()
        self.interrupted = None

    async def wait(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.cancel.raise_if_cancelled()
            await asyncio.sleep(min(0.05, max(0.0, deadline - time.monotonic())))

    async def run(self) -> int:
        try:
            return await self._attempts()
        except (Cancelled, SftpRefused, SftpUnavailable):
            await self.remove_sent()
            raise

    async def _attempts(self) -> int:
        pending = list(self.files)
        attempt = 0
        while True:
            attempt += 1
            self.cancel.raise_if_cancelled()
            try:
                async with await self.connect() as conn, conn.start_sftp_client() as sftp:
                    while pending:
                        await self.send(sftp, pending[0])
                        pending.pop(0)
                return attempt
            except asyncssh.SFTPError as error:
                if not _is_connection_loss(error):
                    raise SftpRefused(
                        f"The SFTP server refused {pending[0].name if pending else 'the files'}: {error.reason}",
                        "Nothing of this run was kept. Fix what the server says, then send the files again.",
                    ) from None
                failure: Exception = error
            except (OSError, asyncssh.DisconnectError, asyncssh.ChannelOpenError, TimeoutError) as error:
                if isinstance(error, asyncssh.HostKeyNotVerifiable | asyncssh.PermissionDenied):
                    raise
                failure = error
            if attempt >= self.attempts:
                raise SftpUnavailable(
                    f"The connection to {where(self.target.host, self.target.port)} failed "
                    f"{attempt} times ({_reason(failure)}); the set was not sent.",
                    "Check the network and that the hub's SFTP server is up, then send the files again.",
                )
            log.info("sftp: attempt %d failed (%s); retrying", attempt, _reason(failure))
            await self.wait(self.backoff * 2 ** (attempt - 1))


def _is_connection_loss(error: BaseException) -> bool:
    return isinstance(error, asyncssh.SFTPConnectionLost | asyncssh.SFTPNoConnection)


def _reason(error: BaseException) -> str:
    text = getattr(error, "reason", "") or getattr(error, "strerror", "") or str(error)
    return text or type(error).__name__


def send_files(
    target: SftpTarget,
    login: SftpLogin,
    files: Sequence[Path],
    *,
    known_hosts: KnownHosts,
    progress: ProgressCallback = no_progress,
    on_file: Callable[[FileProgress], None] | None = None,
    cancel: CancelToken | None = None,
    attempts: int = 4,
    backoff: float = 1.0,
    connect_timeout: float = 15.0,
) -> SentFiles:
    """Send the hub CSV set to the account's home folder; see the module docstring for the guarantees.

    Raises NotHubFiles, HostKeyChanged, SftpLoginFailed, SftpRefused, SftpUnavailable or Cancelled.
    """
    ordered = check_hub_files(files)
    run = _Run(
        target=target,
        login=login,
        files=ordered,
        known_hosts=known_hosts,
        progress=progress,
        on_file=on_file,
        cancel=cancel or CancelToken(),
        attempts=max(1, attempts),
        backoff=backoff,
        connect_timeout=connect_timeout,
    )
    try:
        run.sizes = {path.name: path.stat().st_size for path in ordered}
    except OSError as error:
        raise SftpError(
            f"{error.filename} cannot be read ({error.strerror}).", "Prepare the roster again."
        ) from None
    started = time.monotonic()
    used = asyncio.run(run.run())
    assert run.presented is not None
    return SentFiles(
        target=target,
        names=tuple(path.name for path in ordered),
        bytes=run.total,
        host_key_fingerprint=fingerprint(run.presented),
        host_key_pinned_now=run.pinned_now,
        attempts=used,
        seconds=time.monotonic() - started,
    )
