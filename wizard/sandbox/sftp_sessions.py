"""The embedded hub's SSH and SFTP sessions: who may log in, and one flat folder per district where only the
hub's file names may be written (see wizard/sandbox/sftp_server.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import posixpath
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import asyncssh

from wizard.sandbox import sftp_accounts
from wizard.sandbox.deps import HubContext
from wizard.sandbox.sftp_folders import ACCEPTED_NAMES, PARTIAL_SUFFIX, DropFolders, refused_name_message
from wizard.sandbox.store import new_id

log = logging.getLogger(__name__)


class FolderService(Protocol):
    """What a district's SFTP session needs of the service (SftpService): the folders, the size limit, and
    whether a fault rule cuts this file off."""

    folders: DropFolders
    max_file_bytes: int

    def should_drop(self, name: str) -> bool: ...


# ---- SSH: who may log in ------------------------------------------------------------------------------------


class HubSSHServer(asyncssh.SSHServer):
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
class Incoming:
    """A file being written under its partial name; it becomes `name` only on a proper close."""

    name: str
    partial: Path
    stream: IO[bytes]
    size: int = 0
    closed: bool = False


@dataclass
class Outgoing:
    name: str
    stream: IO[bytes]


class DistrictFolder(asyncssh.SFTPServer):
    """The SFTP view of one district's folder: `/` (and `.`) is the folder; the only entries are its files."""

    def __init__(self, chan: asyncssh.SSHServerChannel[bytes], service: FolderService) -> None:
        super().__init__(chan)
        district = chan.get_connection().get_extra_info("district_id")
        if not district:  # cannot happen after a successful login; refuse rather than guess
            raise asyncssh.SFTPPermissionDenied("Not signed in to a district.")
        self._district = str(district)
        self._service = service
        self._folder = service.folders.folder(self._district)
        self._incoming: list[Incoming] = []
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
                return Outgoing(name, target.open("rb"))
            except FileNotFoundError:
                raise asyncssh.SFTPNoSuchFile(f"{name} is not in your folder.") from None
        if pflags & asyncssh.FXF_EXCL and target.exists():
            raise asyncssh.SFTPFileAlreadyExists(f"{name} already exists.")
        if pflags & asyncssh.FXF_APPEND:
            raise asyncssh.SFTPOpUnsupported("Appending is not supported: send the whole file again.")
        partial = self._folder / f".{name}.{new_id()[:8]}{PARTIAL_SUFFIX}"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        incoming = Incoming(name, partial, os.fdopen(descriptor, "wb"))
        self._incoming.append(incoming)
        self._service.folders.touch(self._district, opened=1)
        return incoming

    def read(self, file_obj: object, offset: int, size: int) -> bytes:
        if not isinstance(file_obj, Outgoing):
            raise asyncssh.SFTPPermissionDenied("This file is open for writing only.")
        file_obj.stream.seek(offset)
        return file_obj.stream.read(size)

    def write(self, file_obj: object, offset: int, data: bytes) -> int:
        if not isinstance(file_obj, Incoming):
            raise asyncssh.SFTPPermissionDenied("This file is open for reading only.")
        limit = self._service.max_file_bytes
        if offset + len(data) > limit:
            self._discard(file_obj)
            raise asyncssh.SFTPFailure(
                f"{file_obj.name} is larger than the hub accepts ({size_text(limit)} per file); "
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
        if isinstance(file_obj, Incoming):
            return asyncssh.SFTPAttrs(
                type=asyncssh.FILEXFER_TYPE_REGULAR, size=file_obj.size, permissions=0o600
            )
        assert isinstance(file_obj, Outgoing)
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
        if isinstance(file_obj, Outgoing):
            file_obj.stream.close()
            return
        assert isinstance(file_obj, Incoming)
        if file_obj.closed:
            return
        file_obj.stream.close()
        asyncio.get_running_loop().call_soon(self._publish, file_obj)

    def _publish(self, file_obj: Incoming) -> None:
        if self._exiting:
            log.info("sftp: district %s: %s cut off mid-transfer, not kept", self._district, file_obj.name)
            self._discard(file_obj)
            return
        file_obj.closed = True
        self._incoming.remove(file_obj)
        file_obj.partial.replace(self._folder / file_obj.name)
        self._service.folders.touch(self._district, opened=-1)
        log.info("sftp: district %s: %s received (%d bytes)", self._district, file_obj.name, file_obj.size)

    def _discard(self, file_obj: Incoming) -> None:
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
        raise refused()

    def rmdir(self, path: bytes) -> None:
        raise refused()

    def rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise refused()

    def posix_rename(self, oldpath: bytes, newpath: bytes) -> None:
        raise refused()

    def symlink(self, oldpath: bytes, newpath: bytes) -> None:
        raise refused()

    def link(self, oldpath: bytes, newpath: bytes) -> None:
        raise refused()

    def readlink(self, path: bytes) -> bytes:
        raise refused()

    def lsetstat(self, path: bytes, attrs: asyncssh.SFTPAttrs) -> None:
        raise refused()


def refused() -> asyncssh.SFTPError:
    return asyncssh.SFTPPermissionDenied(
        "Only uploading the hub's roster files is allowed here: no folders, links or renames."
    )


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"
