"""Reaching a hub's SFTP server: where and who (`SftpTarget`, `SftpLogin`), SSH keys, the server's host key
pinned on first use (`KnownHosts`), and the errors a send raises (see wizard/hub/sftp.py, which sends)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncssh

from wizard.errors import UserFacingError
from wizard.fileio import write_text_atomically
from wizard.state import data_dir

log = logging.getLogger(__name__)

DEFAULT_PORT = 22
KNOWN_HOSTS_NAME = "sftp_known_hosts"
DEFAULT_KEY_NAME = "sftp_ed25519"


# ---- errors -------------------------------------------------------------------------------------------------


class SftpError(UserFacingError):
    """Sending over SFTP failed; the message says what happened and the hint what to do."""


class SftpLoginFailed(SftpError):
    """The server did not accept the username with that password or key."""


class HostKeyChanged(SftpError):
    """The server presented a different host key from the one pinned on first use: nothing was sent."""

    def __init__(self, host: str, port: int, pinned: str, presented: str, known_hosts: Path) -> None:
        super().__init__(
            f"The SFTP server {where(host, port)} identified itself with a different host key "
            f"({presented}) from the one this computer trusted before ({pinned}). Nothing was sent.",
            "This can mean someone is intercepting the connection. Ask the hub (or your network team) "
            "whether the server's key really changed; only if it did, remove the line for this server from "
            f"{known_hosts} and try again.",
        )
        self.pinned = pinned
        self.presented = presented


class SftpRefused(SftpError):
    """The server refused a file or an operation (a name it does not accept, a file too large…)."""


class SftpUnavailable(SftpError):
    """No connection could be made or kept, after the retries."""


class NotHubFiles(SftpError):
    """Some of the files are not in the hub's set of names, or required files are missing."""


def where(host: str, port: int) -> str:
    return host if port == DEFAULT_PORT else f"{host}:{port}"


# ---- where and who ------------------------------------------------------------------------------------------

_TARGET = re.compile(
    r"^(?P<user>[^@\s:/]+)@(?P<host>\[[0-9a-fA-F:.]+\]|[^@\s:/\[\]]+)(?::(?P<port>\d{1,5}))?$"
)


@dataclass(frozen=True)
class SftpTarget:
    """The account and server: `username@host`, port 22 unless told."""

    username: str
    host: str
    port: int = DEFAULT_PORT

    @classmethod
    def parse(cls, text: str) -> SftpTarget:
        """`USER@HOST[:PORT]`; raises SftpError with an example when the text is not that."""
        found = _TARGET.match(text.strip())
        port = int(found.group("port")) if found and found.group("port") else DEFAULT_PORT
        if not found or not 0 < port <= 65535:
            raise SftpError(
                f"{text!r} is not an SFTP address.",
                "Write it as USERNAME@HOST or USERNAME@HOST:PORT, e.g. district-ab12cd@sftp.clever.com.",
            )
        return cls(found.group("user"), found.group("host").strip("[]"), port)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.username}@{host}" + ("" if self.port == DEFAULT_PORT else f":{self.port}")


@dataclass(frozen=True)
class SftpLogin:
    """A password, or an SSH private key file (optionally protected by a passphrase)."""

    password: str | None = field(default=None, repr=False)
    key_path: Path | None = None
    key_passphrase: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.password and self.key_path is None:
            raise SftpError("Give the SFTP password or an SSH key to sign in with.")


# ---- SSH keys -----------------------------------------------------------------------------------------------


def default_key_path() -> Path:
    """Where the wizard keeps the SSH key it makes for file sync (the user data folder)."""
    return data_dir() / DEFAULT_KEY_NAME


def generate_key(path: Path, comment: str = "district-onboarding-wizard") -> str:
    """Make a new ed25519 key pair: `path` (private, user-only 0600) and `path.pub`; returns the public line.

    Refuses to overwrite an existing key: a key registered with the hub must not silently change.
    """
    if path.exists() or path.with_name(path.name + ".pub").exists():
        raise SftpError(f"{path} already exists.", "Use that key, or choose another file name for a new one.")
    key = asyncssh.generate_private_key("ssh-ed25519", comment=comment)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(key.export_private_key())
    public = key.export_public_key("openssh").decode().strip()
    path.with_name(path.name + ".pub").write_text(public + "\n", encoding="utf-8")
    return public


def public_key_text(path: Path) -> str:
    """The public key line for a private key file (from `KEY.pub`, else derived from the private key)."""
    pub = path.with_name(path.name + ".pub")
    if pub.is_file():
        return pub.read_text(encoding="utf-8").strip()
    return str(read_key(path, None).export_public_key("openssh").decode().strip())


def read_key(path: Path, passphrase: str | None) -> asyncssh.SSHKey:
    try:
        return asyncssh.read_private_key(str(path), passphrase)
    except FileNotFoundError:
        raise SftpError(
            f"The SSH key {path} does not exist.", "Choose the private key file (not the .pub)."
        ) from None
    except (asyncssh.KeyImportError, asyncssh.KeyEncryptionError, ValueError, OSError) as error:
        raise SftpError(
            f"The SSH key {path} cannot be used ({error}).",
            "Choose an OpenSSH private key file (not the .pub), or give its passphrase.",
        ) from None


# ---- host keys, pinned on first use -------------------------------------------------------------------------


class KnownHosts:
    """Host keys pinned on first use, one `[host]:port type base64` line each (OpenSSH's format)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def default(cls) -> KnownHosts:
        return cls(data_dir() / KNOWN_HOSTS_NAME)

    @staticmethod
    def _pattern(host: str, port: int) -> str:
        return host if port == DEFAULT_PORT else f"[{host}]:{port}"

    def _lines(self) -> list[str]:
        try:
            return self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []

    def pinned(self, host: str, port: int) -> asyncssh.SSHKey | None:
        pattern = self._pattern(host, port)
        for line in self._lines():
            parts = line.split()
            if len(parts) >= 3 and pattern in parts[0].split(","):
                with contextlib.suppress(asyncssh.KeyImportError, ValueError):
                    return asyncssh.import_public_key(f"{parts[1]} {parts[2]}")
        return None

    def pin(self, host: str, port: int, key: asyncssh.SSHKey) -> None:
        pattern = self._pattern(host, port)
        public = key.export_public_key("openssh").decode().split()
        kept = [line for line in self._lines() if pattern not in (line.split() or [""])[0].split(",")]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(self.path, "\n".join([*kept, f"{pattern} {public[0]} {public[1]}"]) + "\n")


def fingerprint(key: asyncssh.SSHKey) -> str:
    return str(key.get_fingerprint("sha256"))


class HostKeyCheck(asyncssh.SSHClient):
    """Accepts the pinned key, pins the key on first use, and refuses (and remembers) a changed one."""

    def __init__(self, known_hosts: KnownHosts, host: str, port: int) -> None:
        self.known_hosts = known_hosts
        self.host = host
        self.port = port
        self.presented: asyncssh.SSHKey | None = None
        self.pinned_now = False
        self.changed_from: asyncssh.SSHKey | None = None

    def validate_host_public_key(self, host: str, addr: str, port: int, key: asyncssh.SSHKey) -> bool:
        self.presented = key
        pinned = self.known_hosts.pinned(self.host, self.port)
        if pinned is None:
            self.known_hosts.pin(self.host, self.port, key)
            self.pinned_now = True
            log.info("sftp: pinned host key %s for %s", fingerprint(key), where(self.host, self.port))
            return True
        if pinned.public_data == key.public_data:
            return True
        self.changed_from = pinned
        return False


def no_known_hosts(host: str, addr: str, port: int | None) -> tuple[list[Any], list[Any], list[Any]]:
    """No list of trusted keys, so every host key goes to `_HostKeyCheck` (never ~/.ssh/known_hosts)."""
    return [], [], []
