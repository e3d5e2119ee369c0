"""Roster uploads: the hub CSV files arrive, are answered 202 at once, and are processed after."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, UploadFile

from wizard.sandbox import uploads as processing
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields, not_found
from wizard.sandbox.store import iso, new_id
from wizard.wire.onboarding import UploadAccepted, UploadList, UploadOut

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["uploads"])


async def _spool(upload: UploadFile, target: Path) -> int:
    """Copy one uploaded file to `target` chunk by chunk; its size (413 past the limit). Never whole in memory."""
    size = 0
    with target.open("wb") as copy:
        while chunk := await upload.read(processing.CHUNK):
            size += len(chunk)
            if size > processing.MAX_UPLOAD_BYTES:
                raise ApiError(
                    413, "too_large", f"{target.name} is larger than the hub accepts in one upload (200 MB)."
                )
            copy.write(chunk)
    return size


@router.post("/districts/{district_id}/uploads", status_code=202)
async def create_upload(
    district_id: District,
    context: Context,
    background: BackgroundTasks,
    files: Annotated[list[UploadFile], File(description="the hub CSV files")],
) -> UploadAccepted:
    names = [(upload.filename or "").rsplit("/", 1)[-1] for upload in files]
    for name in names:
        if name not in processing.ACCEPTED_NAMES:
            expected = ", ".join(sorted(processing.ACCEPTED_NAMES))
            raise invalid_fields(
                {"files": f"{name or 'a file'} is not a hub roster file; expected {expected}."}
            )
    upload_id = new_id()
    with tempfile.TemporaryDirectory(
        prefix=f"spool-{upload_id}-", dir=processing.work_folder(context)
    ) as spool:
        spooled: dict[str, Path] = {}
        for name, upload in zip(names, files, strict=True):
            spooled[name] = Path(spool) / name
            await _spool(upload, spooled[name])
            rows = processing.count_rows(spooled[name])
            limit = context.settings.max_upload_rows
            if rows > limit:
                raise ApiError(
                    413,
                    "too_many_rows",
                    processing.too_many_rows_message(name, rows, limit),
                    fields={"files": f"{name}: {rows:,} rows (at most {limit:,})"},
                )
        with context.db.transaction() as conn:
            processing.insert_upload(conn, upload_id, district_id, iso(context.now()))
            processing.store_spooled(conn, upload_id, spooled)
    background.add_task(processing.process_upload, context, district_id, upload_id)
    return UploadAccepted(upload_id=upload_id, status=processing.PROCESSING)


def _upload_row(conn: sqlite3.Connection, district_id: str, upload_id: str) -> sqlite3.Row:
    row = processing.upload_row(conn, district_id, upload_id)
    if row is None:
        raise not_found("upload")
    return row


@router.get("/districts/{district_id}/uploads")
def list_uploads(district_id: District, context: Context) -> UploadList:
    with context.db.read() as conn:
        return UploadList(
            data=[processing.upload_view(row) for row in processing.upload_rows(conn, district_id)]
        )


@router.get("/districts/{district_id}/uploads/{upload_id}")
def get_upload(district_id: District, upload_id: str, context: Context) -> UploadOut:
    with context.db.read() as conn:
        return processing.upload_view(_upload_row(conn, district_id, upload_id))


@router.post("/districts/{district_id}/uploads/{upload_id}/approve")
def approve_upload(district_id: District, upload_id: str, context: Context) -> UploadOut:
    with context.db.read() as conn:
        _upload_row(conn, district_id, upload_id)  # 404 for another district's upload
    try:
        processing.approve_upload(context, district_id, upload_id)
    except processing.NotApprovable as refused:
        if refused.status == processing.SUPERSEDED:
            raise ApiError(
                409,
                "upload_superseded",
                "A newer upload replaced this one, so approving it would roll your roster back. "
                "Approve the newest upload, or upload the roster again.",
            ) from None
        raise ApiError(
            409,
            "not_on_hold",
            f"This upload is {refused.status.replace('_', ' ')}, not on hold: nothing to approve.",
        ) from None
    with context.db.read() as conn:
        return processing.upload_view(_upload_row(conn, district_id, upload_id))
