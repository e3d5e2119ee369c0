"""Processing a roster upload on the hub side: re-validate, compare with the current data set, hold or apply.

An upload with errors is not applied at all; one that would change more than the configured share of the
district's records waits on hold until an admin approves it (a term rollover or a missing file looks like
"everyone left").
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wizard.roster import spec
from wizard.sandbox import ingest, notices
from wizard.sandbox.db import dumps, loads
from wizard.sandbox.deps import HubContext
from wizard.sandbox.records import CHANGE_KINDS
from wizard.sandbox.settings import MAX_FILE_BYTES
from wizard.sandbox.store import iso
from wizard.wire.onboarding import UploadOut
from wizard.wire.vocab import SyncState, UploadStatus

log = logging.getLogger(__name__)

QUEUED, PROCESSING, SUCCEEDED, FAILED, ON_HOLD = (
    UploadStatus.QUEUED,
    UploadStatus.PROCESSING,
    UploadStatus.SUCCEEDED,
    UploadStatus.FAILED,
    UploadStatus.ON_HOLD,
)
SUPERSEDED = UploadStatus.SUPERSEDED  # held, then overtaken by a newer one: approving it would roll back
SUPERSEDED_REASON = "A newer upload replaced this one; approve or upload the newest roster instead."


class NotApprovable(Exception):
    """Only the newest held upload can be approved; `status` is what this one is now."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


ACCEPTED_NAMES = frozenset(spec.hub_file_name(kind) for kind in spec.HUB_KINDS)
KIND_OF_NAME = {spec.hub_file_name(kind): kind for kind in spec.HUB_KINDS}
MAX_UPLOAD_BYTES = MAX_FILE_BYTES  # per file (SFTP): processing streams, so this bounds disk, not memory
DISK_NEEDED_PER_BYTE = 25  # copies, staged rows, records, WAL: 1,000,000 students (271 MB) took ~6 GB
CHUNK = 1024 * 1024


def _issue(severity: str, code: str, file: str, message: str) -> dict[str, Any]:
    return {"severity": severity, "code": code, "file": file, "row": None, "column": "", "value": "",
            "message": message}  # fmt: skip


def store_spooled(conn: sqlite3.Connection, upload_id: str, files: Mapping[str, Path]) -> None:
    """Store uploaded files from their spool copies chunk by chunk (SQLite incremental blob I/O), so a large
    file never sits in memory whole."""
    for name, path in files.items():
        size = path.stat().st_size
        cursor = conn.execute(
            "INSERT INTO upload_files (upload_id, name, content) VALUES (?, ?, zeroblob(?))",
            (upload_id, name, size),
        )
        if size:
            with (
                conn.blobopen("upload_files", "content", int(cursor.lastrowid or 0)) as blob,
                path.open("rb") as source,
            ):
                while chunk := source.read(CHUNK):
                    blob.write(chunk)
    conn.execute("UPDATE uploads SET file_names = ? WHERE id = ?", (dumps(sorted(files)), upload_id))


def work_folder(context: HubContext) -> Path:
    """The hub's own folder for copies of uploads being processed: beside its database, user-only, never the
    system's temporary folder (where copies outlived a crash)."""
    folder = context.db.path.with_name(f"{context.db.path.stem}-work")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    return folder


def disk_problem(folder: Path, incoming: int) -> str | None:
    """Why the hub's disk cannot take an upload of `incoming` bytes (None: it can)."""
    free = shutil.disk_usage(folder).free
    needed = incoming * DISK_NEEDED_PER_BYTE
    if free >= needed:
        return None
    return (
        f"The hub's disk has {free / 1e6:,.0f} MB free, and processing this upload needs about "
        f"{needed / 1e6:,.0f} MB. Free space on the hub's disk, then upload again."
    )


@contextmanager
def _work_copy(context: HubContext, upload_id: str) -> Iterator[tuple[dict[str, Path], Path]]:
    """The upload's stored files copied out chunk by chunk (kind -> path), and a scratch database path beside
    them, in a folder of the hub's work folder that is removed afterwards (or earlier, by `_clear`)."""
    folder = Path(tempfile.mkdtemp(prefix=f"upload-{upload_id}-", dir=work_folder(context)))
    try:
        files: dict[str, Path] = {}
        with context.db.read() as conn:
            for row in conn.execute("SELECT rowid, name FROM upload_files WHERE upload_id = ?", (upload_id,)):
                path = folder / row["name"]
                with (
                    conn.blobopen("upload_files", "content", row["rowid"], readonly=True) as blob,
                    os.fdopen(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "wb") as copy,
                ):
                    while chunk := blob.read(CHUNK):
                        copy.write(chunk)
                files[KIND_OF_NAME[row["name"]]] = path
        yield files, folder / "scratch.sqlite3"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _clear(scratch_path: Path) -> None:
    """Remove the work copy before the outcome is committed, so nothing is left once it shows (the attached
    scratch file stays readable through its open handle; where a system refuses, it goes right after)."""
    shutil.rmtree(scratch_path.parent, ignore_errors=True)


def _set_status(context: HubContext, upload_id: str, status: UploadStatus) -> None:
    with context.db.transaction() as conn:
        conn.execute("UPDATE uploads SET status = ? WHERE id = ?", (status, upload_id))


def district_lock(context: HubContext, district_id: str) -> threading.Lock:
    with context.upload_lock:
        return context.district_upload_locks.setdefault(district_id, threading.Lock())


def process_upload(context: HubContext, district_id: str, upload_id: str) -> None:
    """Runs after the 202 answer: check, compare, then fail, hold or apply, recording the outcome.

    One upload per district is processed at a time; the others stay "queued" until their turn. Processing
    takes bounded memory (see wizard.sandbox.ingest), so districts do not wait for each other.
    """
    with district_lock(context, district_id):
        try:
            _set_status(context, upload_id, PROCESSING)
            _process(context, district_id, upload_id, approved=False)
        except Exception:  # the upload must never stay "processing" forever
            log.exception("processing upload %s failed", upload_id)
            with context.db.transaction() as conn:
                result = {
                    "errors": [_issue("error", "internal", "", "The hub could not process this upload.")]
                }
                _finish(conn, context, district_id, upload_id, FAILED, result, None)


def _process(context: HubContext, district_id: str, upload_id: str, *, approved: bool) -> None:
    tally = ingest.IssueTally()
    with _work_copy(context, upload_id) as (files, scratch_path):
        scratch = ingest.open_scratch(scratch_path)
        try:
            staging = ingest.stage_files(scratch, files, district_id, tally)
            ingest.cross_checks(scratch, staging, tally)
            counts = ingest.clean_counts(scratch)
            if not tally.has_errors:
                ingest.assemble(scratch, district_id)
        finally:
            scratch.close()
        for path in files.values():  # staged: the copies are not needed any more
            path.unlink(missing_ok=True)
        result: dict[str, Any] = {
            "counts": counts,
            "errors": tally.listed.get("error", []),
            "warnings": tally.listed.get("warning", []),
            "error_count": tally.counts.get("error", 0),
            "warning_count": tally.counts.get("warning", 0),
            "changes": {},
            "changed_share": 0.0,
        }
        now = iso(context.now())
        with context.db.transaction(attach=None if tally.has_errors else scratch_path) as conn:
            if approved:
                status = conn.execute("SELECT status FROM uploads WHERE id = ?", (upload_id,)).fetchone()
                if status["status"] != ON_HOLD:
                    raise NotApprovable(status["status"])
            if tally.has_errors:
                _finish(conn, context, district_id, upload_id, FAILED, result, None)
                _clear(scratch_path)
                return
            conn.execute("PRAGMA scratch.journal_mode=OFF")
            changes, share = ingest.compare(conn, district_id)
            result["changes"] = {kind: changes[kind].as_dict() for kind in CHANGE_KINDS}
            result["changed_share"] = round(share, 4)
            if share > context.settings.hold_threshold and not approved:
                reason = (
                    f"This upload would change {share:.0%} of your district's records (more than "
                    f"{context.settings.hold_threshold:.0%}). Check the added, updated and removed counts, then "
                    "approve it."
                )
                _finish(conn, context, district_id, upload_id, ON_HOLD, result, reason)
                _supersede_older_holds(conn, district_id, upload_id)
                _clear(scratch_path)
                return
            ingest.apply_records(conn, district_id, now)
            _finish(conn, context, district_id, upload_id, SUCCEEDED, result, None)
            _supersede_older_holds(conn, district_id, upload_id)
            _clear(scratch_path)


INTERRUPTED_REASON = (
    "The hub stopped while processing this upload and its files were not kept, so it was not applied. "
    "Upload the roster again."
)


def recover_interrupted(context: HubContext) -> list[tuple[str, str]]:
    """On start: clear the work folder, fail the uploads left "processing" whose files are gone, and return
    (district id, upload id) of those that can be processed again, oldest first."""
    folder = work_folder(context)
    for leftover in folder.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    resumable: list[tuple[str, str]] = []
    with context.db.transaction() as conn:
        stuck = conn.execute(
            "SELECT id, district_id, file_names FROM uploads WHERE status IN (?, ?) ORDER BY created, rowid",
            (QUEUED, PROCESSING),
        ).fetchall()
        for row in stuck:
            stored = {
                r["name"]
                for r in conn.execute("SELECT name FROM upload_files WHERE upload_id = ?", (row["id"],))
            }
            if stored and stored >= set(loads(row["file_names"]) or []):
                resumable.append((row["district_id"], row["id"]))
            else:
                result = {"errors": [_issue("error", "interrupted", "", INTERRUPTED_REASON)]}
                _finish(conn, context, row["district_id"], row["id"], FAILED, result, None)
    return resumable


def resume_interrupted(context: HubContext) -> threading.Thread | None:
    """Process again, in the background and in order, every upload a stopped hub left unfinished."""
    resumable = recover_interrupted(context)
    if not resumable:
        return None
    log.info("resuming %d upload(s) the hub was processing when it stopped", len(resumable))

    def run() -> None:
        for district_id, upload_id in resumable:
            process_upload(context, district_id, upload_id)

    thread = threading.Thread(target=run, name="hub-resume-uploads", daemon=True)
    thread.start()
    return thread


def approve_upload(context: HubContext, district_id: str, upload_id: str) -> None:
    """Apply a held upload. Raises NotApprovable unless it is still on hold (checked in the applying
    transaction, so a newer upload applied meanwhile cannot be rolled back)."""
    with district_lock(context, district_id):
        _process(context, district_id, upload_id, approved=True)


def _supersede_older_holds(conn: sqlite3.Connection, district_id: str, upload_id: str) -> None:
    conn.execute(
        "UPDATE uploads SET status = ?, hold_reason = ? WHERE district_id = ? AND status = ? AND id != ? "
        "AND (created, rowid) < (SELECT created, rowid FROM uploads WHERE id = ?)",
        (SUPERSEDED, SUPERSEDED_REASON, district_id, ON_HOLD, upload_id, upload_id),
    )


def _finish(
    conn: sqlite3.Connection,
    context: HubContext,
    district_id: str,
    upload_id: str,
    status: UploadStatus,
    result: dict[str, Any],
    hold_reason: str | None,
) -> None:
    finished = iso(context.now())
    conn.execute(
        "UPDATE uploads SET status = ?, finished = ?, result = ?, hold_reason = ? WHERE id = ?",
        (status, finished, dumps(result), hold_reason, upload_id),
    )
    sync_state = {SUCCEEDED: SyncState.SUCCESS, FAILED: SyncState.ERROR, ON_HOLD: SyncState.PAUSED}[status]
    if status == SUCCEEDED:
        conn.execute(
            "UPDATE districts SET sync_state = ?, last_sync = ? WHERE id = ?",
            (sync_state, finished, district_id),
        )
    else:
        conn.execute("UPDATE districts SET sync_state = ? WHERE id = ?", (sync_state, district_id))
        notices.upload_finished(context, conn, district_id, upload_id, status == ON_HOLD, result, hold_reason)


def upload_view(row: sqlite3.Row) -> UploadOut:
    result: dict[str, Any] = loads(row["result"]) or {}
    return UploadOut(
        id=row["id"],
        status=row["status"],
        created=row["created"],
        finished=row["finished"],
        counts=result.get("counts", {}),
        errors=result.get("errors", []),
        warnings=result.get("warnings", []),
        error_count=result.get("error_count", len(result.get("errors", []))),
        warning_count=result.get("warning_count", len(result.get("warnings", []))),
        changes=result.get("changes", {}),
        changed_share=result.get("changed_share", 0.0),
        hold_reason=row["hold_reason"],
        source=row["source"],
        files=loads(row["file_names"]) or [],
    )


def insert_upload(conn: sqlite3.Connection, upload_id: str, district_id: str, created: str) -> None:
    conn.execute(
        "INSERT INTO uploads (id, district_id, status, created) VALUES (?, ?, ?, ?)",
        (upload_id, district_id, QUEUED, created),
    )


def upload_row(conn: sqlite3.Connection, district_id: str, upload_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM uploads WHERE id = ? AND district_id = ?", (upload_id, district_id)
    ).fetchone()
    return row


def upload_rows(conn: sqlite3.Connection, district_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM uploads WHERE district_id = ? ORDER BY created DESC, rowid DESC", (district_id,)
    ).fetchall()
