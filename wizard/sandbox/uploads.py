"""Processing a roster upload on the hub side: re-validate, compare with the current data set, hold or apply.

An upload with errors is not applied at all; one that would change more than the configured share of the
district's records waits on hold until an admin approves it (a term rollover or a missing file looks like
"everyone left").
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wizard.errors import UserFacingError
from wizard.roster import spec
from wizard.roster.issues import Issue
from wizard.roster.pipeline import PrepareOptions, prepare
from wizard.sandbox.db import dumps, loads
from wizard.sandbox.deps import HubContext
from wizard.sandbox.records import CHANGE_KINDS, build_roster, changed_share, compare
from wizard.sandbox.store import iso, load_roster, save_roster
from wizard.wire.onboarding import UploadOut
from wizard.wire.vocab import SyncState, UploadStatus

log = logging.getLogger(__name__)

PROCESSING, SUCCEEDED, FAILED, ON_HOLD = (
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
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
CHUNK = 1024 * 1024
MAX_LISTED_ISSUES = 1000  # per severity; the counts say how many there are in all


@dataclass
class UploadCheck:
    """What the roster engine made of the uploaded files: rows per kind (errors left out) and its issues."""

    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [issue for issue in self.issues if issue["severity"] == "error"]

    @property
    def warnings(self) -> list[dict[str, Any]]:
        return [issue for issue in self.issues if issue["severity"] == "warning"]


def _issue(
    severity: str, code: str, file: str, message: str, row: int | None = None, column: str = ""
) -> dict[str, Any]:
    return {
        "severity": severity,
        "code": code,
        "file": file,
        "row": row,
        "column": column,
        "value": "",
        "message": message,
    }


def validate_upload(folder: Path) -> UploadCheck:
    """Re-validate the uploaded hub CSV set with the same roster engine the wizard uses offline.

    Hub files are MM/DD/YYYY by definition, so dates are read month first without ambiguity warnings.
    """
    try:
        result = prepare([folder], PrepareOptions(input_format="hub", date_order="mdy"))
    except UserFacingError as error:
        return UploadCheck(issues=[_issue("error", "unreadable_upload", "", str(error))])
    check = UploadCheck(issues=[_issue_dict(issue) for issue in result.issues])
    for kind, frame in result.clean_tables().items():
        check.tables[kind] = [
            {str(column): "" if value is None else str(value) for column, value in row.items()}
            for row in frame.fillna("").to_dict("records")
        ]
    return check


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {
        "severity": issue.severity,
        "code": issue.code,
        "file": issue.file,
        "row": int(issue.row) if issue.row is not None else None,
        "column": issue.column,
        "value": issue.value,
        "message": issue.message,
    }


def store_files(conn: sqlite3.Connection, upload_id: str, files: Mapping[str, bytes]) -> None:
    conn.executemany(
        "INSERT INTO upload_files (upload_id, name, content) VALUES (?, ?, ?)",
        ((upload_id, name, content) for name, content in files.items()),
    )
    conn.execute("UPDATE uploads SET file_names = ? WHERE id = ?", (dumps(sorted(files)), upload_id))


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


def _check_files(context: HubContext, upload_id: str) -> UploadCheck:
    with context.db.read() as conn:
        rows = conn.execute(
            "SELECT rowid, name FROM upload_files WHERE upload_id = ?", (upload_id,)
        ).fetchall()
        with tempfile.TemporaryDirectory(prefix=f"upload-{upload_id}-", dir=work_folder(context)) as folder:
            for row in rows:
                with (
                    conn.blobopen("upload_files", "content", row["rowid"], readonly=True) as blob,
                    (Path(folder) / row["name"]).open("wb") as copy,
                ):
                    while chunk := blob.read(CHUNK):
                        copy.write(chunk)
            too_many = _over_row_limit(Path(folder), context.settings.max_upload_rows)
            if too_many:
                return UploadCheck(issues=[_issue("error", "too_many_rows", too_many[0], too_many[1])])
            return validate_upload(Path(folder))


def count_rows(path: Path) -> int:
    """Lines after the header, counted in chunks (a quoted line break may count twice: an upper bound)."""
    lines, last = 0, b"\n"
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)


def too_many_rows_message(name: str, rows: int, limit: int) -> str:
    return (
        f"{name} has {rows:,} rows; this hub processes at most {limit:,} rows per file in one upload, "
        "to stay within its memory. Split the district's roster by school into several uploads, or use a "
        "hub sized for a district this large."
    )


def _over_row_limit(folder: Path, limit: int) -> tuple[str, str] | None:
    for path in sorted(folder.iterdir()):
        rows = count_rows(path)
        if rows > limit:
            return path.name, too_many_rows_message(path.name, rows, limit)
    return None


def process_upload(context: HubContext, district_id: str, upload_id: str) -> None:
    """Runs after the 202 answer: validate, compare, then fail, hold or apply, recording the outcome.

    One upload is processed at a time (the others wait their turn, still "processing"), so two large
    uploads never hold memory together.
    """
    with context.upload_lock:
        try:
            check = _check_files(context, upload_id)
            _apply(context, district_id, upload_id, check, approved=False)
        except Exception:  # the upload must never stay "processing" forever
            log.exception("processing upload %s failed", upload_id)
            with context.db.transaction() as conn:
                result = {
                    "errors": [_issue("error", "internal", "", "The hub could not process this upload.")]
                }
                _finish(conn, context, district_id, upload_id, FAILED, result, None)


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
            "SELECT id, district_id, file_names FROM uploads WHERE status = ? ORDER BY created, rowid",
            (PROCESSING,),
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
    check = _check_files(context, upload_id)
    _apply(context, district_id, upload_id, check, approved=True)


def _supersede_older_holds(conn: sqlite3.Connection, district_id: str, upload_id: str) -> None:
    conn.execute(
        "UPDATE uploads SET status = ?, hold_reason = ? WHERE district_id = ? AND status = ? AND id != ? "
        "AND (created, rowid) < (SELECT created, rowid FROM uploads WHERE id = ?)",
        (SUPERSEDED, SUPERSEDED_REASON, district_id, ON_HOLD, upload_id, upload_id),
    )


def _apply(
    context: HubContext, district_id: str, upload_id: str, check: UploadCheck, *, approved: bool
) -> None:
    now = context.now()
    with context.db.transaction() as conn:
        if approved:
            status = conn.execute("SELECT status FROM uploads WHERE id = ?", (upload_id,)).fetchone()[
                "status"
            ]
            if status != ON_HOLD:
                raise NotApprovable(status)
        previous = load_roster(conn, district_id)
        current = build_roster(district_id, check.tables if not check.errors else {}, iso(now))
        changes = compare(previous, current)
        share = changed_share(previous, changes)
        result: dict[str, Any] = {
            "counts": {kind: len(check.tables.get(kind, [])) for kind in spec.HUB_KINDS},
            "errors": check.errors[:MAX_LISTED_ISSUES],
            "warnings": check.warnings[:MAX_LISTED_ISSUES],
            "error_count": len(check.errors),
            "warning_count": len(check.warnings),
            "changes": {kind: changes[kind].as_dict() for kind in CHANGE_KINDS} if not check.errors else {},
            "changed_share": round(share, 4),
        }
        if check.errors:
            _finish(conn, context, district_id, upload_id, FAILED, result, None)
            return
        if share > context.settings.hold_threshold and not approved:
            reason = (
                f"This upload would change {share:.0%} of your district's records (more than "
                f"{context.settings.hold_threshold:.0%}). Check the added, updated and removed counts, then approve it."
            )
            _finish(conn, context, district_id, upload_id, ON_HOLD, result, reason)
            _supersede_older_holds(conn, district_id, upload_id)
            return
        save_roster(conn, district_id, current)
        _finish(conn, context, district_id, upload_id, SUCCEEDED, result, None)
        _supersede_older_holds(conn, district_id, upload_id)


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
        (upload_id, district_id, PROCESSING, created),
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
