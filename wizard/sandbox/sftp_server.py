"""The embedded hub's SFTP server: each district drops its roster files into its own folder, as on the real hub.

Real SSH (asyncssh) on loopback. Only the district's generated username logs in, with its password or a
registered SSH key, and sees one flat folder: the hub's file names only (anything else is refused with an
SFTP error naming the accepted names), no sub-folders, no links, no paths outside, no shell, exec or port
forwarding. A file is written under a hidden partial name and becomes visible only when the client closes it
properly; a transfer cut off mid-file is thrown away. Once the folder has been quiet for the configured time
and holds the complete set, the files are processed as one upload through the same pipeline as HTTP uploads.

The folders and host key are in sftp_folders.py, the SSH and SFTP sessions in sftp_sessions.py; this module
runs the service.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from wizard.sandbox import uploads
from wizard.sandbox.deps import HubContext
from wizard.sandbox.sftp_folders import (
    DEFAULT_PORT,
    DEFAULT_QUIET_SECONDS,
    FAULT_PREFIX,
    PROCESSING_FOLDER,
    DropFolders,
    fingerprint,
    load_or_create_host_key,
)
from wizard.sandbox.sftp_folders import host_key_path as host_key_path
from wizard.sandbox.sftp_folders import refused_name_message as refused_name_message
from wizard.sandbox.sftp_sessions import DistrictFolder, HubSSHServer
from wizard.sandbox.store import iso, new_id

log = logging.getLogger(__name__)

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
                    server_factory=lambda: HubSSHServer(self.context),
                    sftp_factory=lambda chan: DistrictFolder(chan, self),
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
        try:  # stored chunk by chunk: a large file is never whole in memory
            upload_id = create_upload(
                self.context, district_id, {name: staging / name for name in names}, source="sftp"
            )
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


def create_upload(context: HubContext, district_id: str, files: dict[str, Path], *, source: str) -> str:
    """Record an upload (status queued) with its files; the caller then runs `uploads.process_upload`."""
    upload_id = new_id()
    with context.db.transaction() as conn:
        conn.execute(
            "INSERT INTO uploads (id, district_id, status, created, source) VALUES (?, ?, ?, ?, ?)",
            (upload_id, district_id, uploads.QUEUED, iso(context.now()), source),
        )
        uploads.store_spooled(conn, upload_id, files)
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
