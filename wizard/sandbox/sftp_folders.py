"""The embedded hub's SFTP drop folders: the names they accept, the server's host key, and each district's
folder with its partial files and quiet period (see wizard/sandbox/sftp_server.py)."""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncssh

from wizard.roster import spec
from wizard.sandbox import uploads
from wizard.sandbox.store import iso

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
