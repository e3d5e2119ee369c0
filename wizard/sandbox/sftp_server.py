"""The embedded hub's SFTP server: each district drops its roster files into its own folder, as on the real hub.

Real SSH (asyncssh) on loopback. Only the district's generated username logs in, with its password or a
registered SSH key, and sees one flat folder: the hub's file names only (anything else is refused with an
SFTP error naming the accepted names), no sub-folders, no links, no paths outside, no shell, exec or port
forwarding. A file is written under a hidden partial name and becomes visible only when the client closes it
properly; a transfer cut off mid-file is thrown away. Once the folder has been quiet for the configured time
and holds the complete set, the files are processed as one upload through the same pipeline as HTTP uploads.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import posixpath
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import asyncssh

from wizard.roster import spec
from wizard.sandbox import sftp_accounts, uploads
from wizard.sandbox.deps import HubContext
from wizard.sandbox.store import iso, new_id

log = logging.getLogger(__name__)

DEFAULT_PORT = 8722
DEFAULT_QUIET_SECONDS = 300.0
PARTIAL_SUFFIX = ".partial"  # "._students.csv.partial": hidden, never an accepted name
PROCESSING_FOLDER = ".processing"
ACCEPTED_NAMES: frozenset[str] = uploads.ACCEPTED_NAMES
REQUIRED_NAMES: frozenset[str] = frozenset(spec.hub_file_name(kind) for kind in spec.REQUIRED_KINDS)
FAULT_PREFIX = "sftp:/"  # fault rules for the SFTP server match "sftp:/students.csv" (drop = cut mid-file)


def accepted_names_text() -> str:
    return ", ".join(spec.hub_file_name(kind) for kind in spec.HUB_KINDS)


def refused_name_message(name: str) -> str:
    return (
        f"{name or 'That path'} is not a file the hub accepts. Upload only these names (exact case) into "
        f"your home folder: {accepted_names_text()}."
    )


# ---- the host key -------------------------------------------------------------------------------------------


def host_key_path(db_path: Path) -> Path:
    """The server's private host key, kept next to the hub database so its fingerprint survives restarts."""
    return db_path.with_name(f"{db_path.stem}-sftp-host-key")


def load_or_create_host_key(path: Path) -> asyncssh.SSHKey:
    """Read the host key, or make a new ed25519 key readable by this user only."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519", comment="embedded hub sftp")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(key.export_private_key())
    return key


def fingerprint(key: asyncssh.SSHKey) -> str:
    return str(key.get_fingerprint("sha256"))


# ---- the folders --------------------------------------------------------------------------------------------


@dataclass
class FolderActivity:
    last_change: float = 0.0  # time.time() of the last completed file, removal or opened write
    open_writes: int = 0
    waiting_reported: bool = False  # an incomplete set was logged once, not every tick


@dataclass(frozen=True)
class FolderStatus:
    """What sits in a district's folder, not yet processed, and when processing is expected."""

    files: tuple[str, ...]
    missing: tuple[str, ...]
    transfers_open: int
    last_change: float | None
    processing_expected_at: float | None  # None: nothing to process, or the set is incomplete

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": list(self.files),
            "missing": list(self.missing),
            "transfers_open": self.transfers_open,
            "last_change": iso(self.last_change) if self.last_change else None,
            "processing_expected_at": iso(self.processing_expected_at)
            if self.processing_expected_at
            else None,
        }


class DropFolders:
    """The districts' folders under one root, and what has happened in them (shared with the HTTP routes)."""

    def __init__(self, root: Path, quiet_seconds: float) -> None:
        self.root = root
        self.quiet_seconds = quiet_seconds
        self._activity: dict[str, FolderActivity] = {}
        self._lock = threading.Lock()
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o700)

    def folder(self, district_id: str) -> Path:
        path = self.root / district_id
        path.mkdir(mode=0o700, exist_ok=True)
        return path

    def complete_files(self, district_id: str) -> list[str]:
        folder = self.root / district_id
        if not folder.is_dir():
            return []
        return sorted(
            entry.name
            for entry in os.scandir(folder)
            if entry.name in ACCEPTED_NAMES and entry.is_file(follow_symlinks=False)
        )

    def touch(self, district_id: str, *, opened: int = 0) -> None:
        with self._lock:
            activity = self._activity.setdefault(district_id, FolderActivity())
            activity.last_change = time.time()
            activity.open_writes = max(0, activity.open_writes + opened)
            activity.waiting_reported = False

    def recover(self) -> None:
        """After a restart: drop partial files left by cut transfers, and wait a quiet period for the rest."""
        for folder in self.root.iterdir():
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if entry.name.endswith(PARTIAL_SUFFIX):
                    entry.unlink(missing_ok=True)
            if self.complete_files(folder.name):
                self.touch(folder.name)

    def ready(self, now: float) -> list[str]:
        """Districts whose folder has been quiet long enough, with no transfer open and the full set."""
        found = []
        with self._lock:
            candidates = [
                (district, activity)
                for district, activity in self._activity.items()
                if activity.open_writes == 0 and now - activity.last_change >= self.quiet_seconds
            ]
        for district, activity in candidates:
            names = set(self.complete_files(district))
            if names >= REQUIRED_NAMES:
                found.append(district)
            elif not activity.waiting_reported:
                activity.waiting_reported = True
                log.info(
                    "district %s: %s waiting for the rest of the set (%s missing)",
                    district,
                    ", ".join(sorted(names)) or "nothing",
                    ", ".join(sorted(REQUIRED_NAMES - names)),
                )
        return found

    def forget(self, district_id: str) -> None:
        with self._lock:
            self._activity.pop(district_id, None)

    def status(self, district_id: str) -> FolderStatus:
        names = self.complete_files(district_id)
        with self._lock:
            activity = self._activity.get(district_id)
            open_writes = activity.open_writes if activity else 0
            last = activity.last_change if activity else None
        complete = set(names) >= REQUIRED_NAMES
        expected = (last or time.time()) + self.quiet_seconds if names and complete else None
        return FolderStatus(
            files=tuple(names),
            missing=tuple(sorted(REQUIRED_NAMES - set(names))),
            transfers_open=open_writes,
            last_change=last,
            processing_expected_at=expected,
        )


# ---- SSH: who may log in ------------------------------------------------------------------------------------


class _HubSSHServer(asyncssh.SSHServer):
    """Password or registered-key login for districts' generated usernames; nothing else is offered."""

    def __init__(self, context: HubContext) -> None:
        self._context = context
        self._conn: asyncssh.SSHServerConnection | None = None

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self._conn = conn

    def begin_auth(self, username: str) -> bool:
        return True  # always ask: an unknown username fails like a wrong password, revealing nothing

    def password_auth_supported(self) -> bool:
        return True

    def public_key_auth_supported(self) -> bool:
        return True

    def _account(self, username: str) -> sftp_accounts.Account | None:
        with self._context.db.read() as conn:
            return sftp_accounts.account_by_username(conn, username)

    async def validate_password(self, username: str, password: str) -> bool:
        account = await asyncio.get_running_loop().run_in_executor(None, self._account, username)
        if account is None or not account.password_hash:
            return False
        valid = await asyncio.get_running_loop().run_in_executor(
            None, sftp_accounts.verify_password, password, account.password_hash
        )
        if valid:
            self._logged_in(account)
        return valid

    def validate_public_key(self, username: str, key: asyncssh.SSHKey) -> bool:
        account = self._account(username)
        if account is None:
            return False
        with self._context.db.read() as conn:
            valid = sftp_accounts.key_is_registered(conn, account.district_id, key)
        if valid:
            self._logged_in(account)
        return valid

    def _logged_in(self, account: sftp_accounts.Account) -> None:
        assert self._conn is not None
        self._conn.set_extra_info(district_id=account.district_id)
        log.info("sftp: district %s signed in as %s", account.district_id, account.username)


# ---- SFTP: one flat folder per district ---------------------------------------------------------------------


@dataclass
class _Incoming:
    """A file being written under its partial name; it becomes `name` only on a proper close."""

    name: str
    partial: Path
    stream: IO[bytes]
    size: int = 0
    closed: bool = False


@dataclass
class _Outgoing:
    name: str
    stream: IO[bytes]


class _DistrictFolder(asyncssh.SFTPServer):
    """The SFTP view of one district's folder: `/` (and `.`) is the folder; the only entries are its files."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], service: SftpService) -> None:
        super().__init__(chan)
        district = chan.get_connection().get_extra_info("district_id")
        if not district:  # cannot happen after a successful login; refuse rather than guess
            raise asyncssh.SFTPPermissionDenied("Not signed in to a district.")
        self._district = str(district)
        self._service = service
        self._folder = service.folders.folder(self._district)
        self._incoming: list[_Incoming] = []
        self._exiting = False

    # -- paths: a name is the whole path; nothing is nested --

    def _name(self, path: bytes) -> str:
        """'' for the folder itself, else the one file name `path` means; anything else is refused."""
        try:
            text = path.decode("utf-8")
        except UnicodeDecodeError:
            raise asyncssh.SFTPNoSuchFile(refused_name_message("")) from None
        normal = posixpath.normpath("/" + text)
        if normal in {"/", "//"}:
            return ""
        name = normal.lstrip("/")
        if "/" in name or name in {".", ".."}:
            raise asyncssh.SFTPPermissionDenied(
                f"{text} is outside your folder: upload the files into your home folder, not a sub-folder."
            )
        return name

    def _file(self, path: bytes) -> tuple[str, Path]:
        name = self._name(path)
        if name not in ACCEPTED_NAMES:
            raise asyncssh.SFTPPermissionDenied(refused_name_message(name))
        return name, self._folder / name

    def realpath(self, path: bytes) -> bytes:
        name = self._name(path)
        return b"/" + name.encode()

    def _attrs(self, target: Path) -> asyncssh.SFTPAttrs:
        try:
            result = os.lstat(target)
        except FileNotFoundError:
            raise asyncssh.SFTPNoSuchFile("No such file.") from None
        if stat.S_ISLNK(result.st_mode):
            raise asyncssh.SFTPNoSuchFile("No such file.")
        return asyncssh.SFTPAttrs.from_local(result)

    def stat(self, path: bytes) -> asyncssh.SFTPAttrs:
        name = self._name(path)
        if not name:
            return self._attrs(self._folder)
        if name not in ACCEPTED_NAMES:
            raise asyncssh.SFTPNoSuchFile("No such file.")
        return self._attrs(self._folder / name)

    lstat = stat

    async def scandir(self, path: bytes) -> Any:
        if self._name(path):
            raise asyncssh.SFTPNoSuchFile("Only your home folder can be listed; it has no sub-folders.")
        for name in (".", ".."):
            yield asyncssh.SFTPName(name.encode(), attrs=self._attrs(self._folder))
        for name in self._service.folders.complete_files(self._district):
            with contextlib.suppress(asyncssh.SFTPNoSuchFile):
                yield asyncssh.SFTPName(name.encode(), attrs=self._attrs(self._folder / name))

    def open(self, path: bytes, pflags: int, attrs: asyncssh.SFTPAttrs) -> object:
        name, target = self._file(path)
        if not pflags & asyncssh.FXF_WRITE:
            try:
                return _Outgoing(name, target.open("rb"))
            except FileNotFoundError:
                raise asyncssh.SFTPNoSuchFile(f"{name} is not in your folder.") from None
        if pflags & asyncssh.FXF_EXCL and target.exists():
            raise asyncssh.SFTPFileAlreadyExists(f"{name} already exists.")
        if pflags & asyncssh.FXF_APPEND:
            raise asyncssh.SFTPOpUnsupported("Appending is not supported: send the whole file again.")
        partial = self._folder / f".{name}.{new_id()[:8]}{PARTIAL_SUFFIX}"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        incoming = _Incoming(name, partial, os.fdopen(descriptor, "wb"))
        self._incoming.append(incoming)
        self._service.folders.touch(self._district, opened=1)
        return incoming

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        if not isinstance(file_obj, _Outgoing):
            raise asyncssh.SFTPPermissionDenied("This file is open for writing only.")
        file_obj.stream.seek(offset)
        return file_obj.stream.read(size)

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        if not isinstance(file_obj, _Incoming):
            raise asyncssh.SFTPPermissionDenied("This file is open for reading only.")
        limit = self._service.max_file_bytes
        if offset + len(data) > limit:
            self._discard(file_obj)
            raise asyncssh.SFTPFailure(
                f"{file_obj.name} is larger than the hub accepts ({_size_text(limit)} per file); "
                "nothing of it was kept."
            )
        if self._service.should_drop(file_obj.name):
            log.info("sftp: fault injection cuts the connection during %s", file_obj.name)
            self._discard(file_obj)
            self.connection.abort()
            raise asyncssh.SFTPConnectionLost("Connection cut (fault injection).")
        file_obj.stream.seek(offset)
        file_obj.stream.write(data)
        file_obj.size = max(file_obj.size, offset + len(data))
        return len(data)

    def fstat(self, file_obj: object) -> asyncssh.SFTPAttrs:
        if isinstance(file_obj, _Incoming):
            return asyncssh.SFTPAttrs(
                type=asyncssh.FILEXFER_TYPE_REGULAR, size=file_obj.size, permissions=0o600
            )
        assert isinstance(file_obj, _Outgoing)
        return asyncssh.SFTPAttrs.from_local(os.fstat(file_obj.stream.fileno()))

    def fsetstat(self, file_obj: object, attrs: asyncssh.SFTPAttrs) -> None:
        """Accepted and ignored (clients set times or modes after a put); the hub decides the file modes."""

    def setstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        self._file(path)

    def close(self, file_obj: object) -> None:
        """Close a file. A proper close (the client's request) publishes it under its name; a close made
        because the session ended (the connection dropped mid-transfer) keeps nothing.

        asyncssh closes the files still open when a session ends and then calls `exit()` without yielding in
        between, so publishing waits one turn of the event loop: `exit()` arrives first for a cut session.
        """
        if isinstance(file_obj, _Outgoing):
            file_obj.stream.close()
            return
        assert isinstance(file_obj, _Incoming)
        if file_obj.closed:
            return
        file_obj.stream.close()
        asyncio.get_running_loop().call_soon(self._publish, file_obj)

    def _publish(self, file_obj: _Incoming) -> None:
        if self._exiting:
            log.info("sftp: district %s: %s cut off mid-transfer, not kept", self._district, file_obj.name)
            self._discard(file_obj)
            return
        file_obj.closed = True
        self._incoming.remove(file_obj)
        file_obj.partial.replace(self._folder / file_obj.name)
        self._service.folders.touch(self._district, opened=-1)
        log.info("sftp: district %s: %s received (%d bytes)", self._district, file_obj.name, file_obj.size)

    def _discard(self, file_obj: _Incoming) -> None:
        if file_obj.closed:
            return
        file_obj.closed = True
        with contextlib.suppress(OSError):
            file_obj.stream.close()
        file_obj.partial.unlink(missing_ok=True)
        if file_obj in self._incoming:
            self._incoming.remove(file_obj)
        self._service.folders.touch(self._district, opened=-1)

    def exit(self) -> None:
        self._exiting = True
        for file_obj in list(self._incoming):
            self._discard(file_obj)

    def remove(self, path: bytes) -> None:
        name, target = self._file(path)
        try:
            target.unlink()
        except FileNotFoundError:
            raise asyncssh.SFTPNoSuchFile(f"{name} is not in your folder.") from None
        self._service.folders.touch(self._district)

    # -- everything else is refused --

    def mkdir(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise _refused()

    def rmdir(self, path: bytes) -> None:
        raise _refused()

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise _refused()

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise _refused()

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise _refused()

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise _refused()

    def readlink(self, path: bytes) -> bytes:
        raise _refused()

    def lsetstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise _refused()


def _refused() -> asyncssh.SFTPError:
    return asyncssh.SFTPPermissionDenied(
        "Only uploading the hub's roster files is allowed here: no folders, links or renames."
    )


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


# ---- the service --------------------------------------------------------------------------------------------


@dataclass
class SftpService:
    """SFTP for the hub on its own event loop thread. `start()` returns once it listens."""

    context: HubContext
    root: Path
    host_key: asyncssh.SSHKey
    quiet_seconds: float = DEFAULT_QUIET_SECONDS
    max_file_bytes: int = uploads.MAX_UPLOAD_BYTES
    host: str = "127.0.0.1"
    port: int = 0
    folders: DropFolders = field(init=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    _listener: asyncssh.SSHAcceptor | None = field(default=None, init=False)
    _processing: set[str] = field(default_factory=set, init=False)
    on_processed: Callable[[str, str], None] | None = None  # (district id, upload id), for tests and logs

    def __post_init__(self) -> None:
        self.folders = DropFolders(self.root, self.quiet_seconds)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.host_key)

    def should_drop(self, name: str) -> bool:
        settings = self.context.settings
        for rule in settings.faults:
            if rule.drop_rate and rule.matches(FAULT_PREFIX + name) and settings.roll(rule.drop_rate):
                return settings.take_fault(rule)
        return False

    def start(self) -> None:
        self.folders.recover()
        loop = asyncio.new_event_loop()
        started: asyncio.Future[None] = loop.create_future()

        async def serve() -> None:
            try:
                self._listener = await asyncssh.listen(
                    self.host,
                    self.port,
                    server_host_keys=[self.host_key],
                    server_factory=lambda: _HubSSHServer(self.context),
                    sftp_factory=lambda chan: _DistrictFolder(chan, self),
                    allow_scp=False,
                    agent_forwarding=False,
                    x11_forwarding=False,
                    login_timeout=30,
                    keepalive_interval=30,
                )
            except (OSError, asyncssh.Error) as error:
                started.set_exception(error)
                return
            self.port = int(self._listener.sockets[0].getsockname()[1])
            started.set_result(None)
            await self._watch()

        def run() -> None:
            asyncio.set_event_loop(loop)
            task = loop.create_task(serve())
            try:
                loop.run_until_complete(task)
            except asyncio.CancelledError:
                pass
            finally:
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        self._loop = loop
        self._thread = threading.Thread(target=run, name="embedded-hub-sftp", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not started.done() and time.monotonic() < deadline and self._thread.is_alive():
            time.sleep(0.01)
        if not started.done():
            raise OSError("the SFTP server did not start")
        error = started.exception()
        if error is not None:
            raise error

    async def _watch(self) -> None:
        tick = max(0.05, min(1.0, self.quiet_seconds / 4))
        while True:
            await asyncio.sleep(tick)
            for district in self.folders.ready(time.time()):
                if district not in self._processing:
                    self._take_set(district)

    def _take_set(self, district_id: str) -> None:
        """On the event loop (so no SFTP request runs meanwhile): move the set aside, then process it."""
        folder = self.folders.folder(district_id)
        staging = folder / PROCESSING_FOLDER / new_id()
        staging.mkdir(parents=True, mode=0o700)
        names = self.folders.complete_files(district_id)
        for name in names:
            (folder / name).replace(staging / name)
        self.folders.forget(district_id)
        self._processing.add(district_id)
        assert self._loop is not None
        future = self._loop.run_in_executor(None, self._process, district_id, staging, names)
        future.add_done_callback(lambda _: self._processing.discard(district_id))

    def _process(self, district_id: str, staging: Path, names: list[str]) -> None:
        try:
            contents = {name: (staging / name).read_bytes() for name in names}
            upload_id = create_upload(self.context, district_id, contents, source="sftp")
        finally:
            for name in names:
                (staging / name).unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                staging.rmdir()
        log.info("sftp: district %s: processing %s as upload %s", district_id, ", ".join(names), upload_id)
        uploads.process_upload(self.context, district_id, upload_id)
        if self.on_processed is not None:
            self.on_processed(district_id, upload_id)

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return

        async def shut() -> None:
            if self._listener is not None:
                self._listener.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self._listener.wait_closed(), 5)
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        if loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(shut(), loop).result(timeout=10)
        thread.join(timeout=10)
        self._loop = self._thread = None


def create_upload(context: HubContext, district_id: str, contents: dict[str, bytes], *, source: str) -> str:
    """Record an upload (status processing) with its files; the caller then runs `uploads.process_upload`."""
    upload_id = new_id()
    with context.db.transaction() as conn:
        conn.execute(
            "INSERT INTO uploads (id, district_id, status, created, source) VALUES (?, ?, ?, ?, ?)",
            (upload_id, district_id, uploads.PROCESSING, iso(context.now()), source),
        )
        uploads.store_files(conn, upload_id, contents)
    return upload_id


def start_sftp(
    context: HubContext,
    db_path: Path,
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    quiet_seconds: float = DEFAULT_QUIET_SECONDS,
    max_file_bytes: int = uploads.MAX_UPLOAD_BYTES,
) -> SftpService:
    """Serve SFTP for the hub whose database is `db_path` (folders and host key beside it)."""
    service = SftpService(
        context=context,
        root=db_path.with_name(f"{db_path.stem}-sftp"),
        host_key=load_or_create_host_key(host_key_path(db_path)),
        quiet_seconds=quiet_seconds,
        max_file_bytes=max_file_bytes,
        host=host,
        port=port,
    )
    service.start()
    context.sftp = service
    return service
