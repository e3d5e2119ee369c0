"""Roster uploads: the hub CSV files arrive, are answered 202 at once, and are processed after.

The multipart body is parsed as it streams in, each file written straight into the hub's own user-only work
folder (never the system's temporary folder, where Starlette would spool it) and removed once stored.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException, MultiPartParser

from wizard.sandbox import uploads as processing
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields, not_found
from wizard.sandbox.store import iso, new_id
from wizard.wire.onboarding import UploadAccepted, UploadList, UploadOut

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["uploads"])

UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": "the hub CSV files",
                        }
                    },
                }
            }
        },
    }
}


class TooLarge(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class _SpoolingParser(MultiPartParser):
    """Starlette's multipart parser, writing each file part to its own file in `folder` as it arrives and
    refusing a part past `limit` bytes."""

    def __init__(
        self, headers: Headers, stream: AsyncGenerator[bytes, None], folder: Path, limit: int
    ) -> None:
        super().__init__(headers, stream, max_files=len(processing.ACCEPTED_NAMES), max_fields=10)
        self.folder, self.limit = folder, limit
        self.paths: list[tuple[str, Path]] = []
        self._size = 0

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        part = self._current_part
        if part.file is not None:
            part.file.file.close()  # the in-memory spool Starlette made: unused
            path = self.folder / f"part-{len(self.paths)}"
            handle = os.fdopen(os.open(path, os.O_CREAT | os.O_RDWR | os.O_TRUNC, 0o600), "w+b")  # user-only
            part.file.file = handle
            self._files_to_close_on_error.append(handle)  # type: ignore[arg-type]
            self.paths.append(((part.file.filename or "").rsplit("/", 1)[-1], path))
            self._size = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._current_part.file is not None:
            self._size += end - start
            if self._size > self.limit:
                raise TooLarge(self.paths[-1][0] if self.paths else "a file")
        super().on_part_data(data, start, end)


async def _receive(request: Request, folder: Path, limit: int) -> list[tuple[str, Path]]:
    """The uploaded files (name, path in `folder`); 400/413/422 for a body that is not a usable upload."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise invalid_fields({"files": "Send the hub CSV files as multipart/form-data."})
    parser = _SpoolingParser(request.headers, request.stream(), folder, limit)
    try:
        form = await parser.parse()
    except TooLarge as refused:
        raise ApiError(
            413,
            "too_large",
            f"{refused.name} is larger than the hub accepts in one file ({limit / 2**20:,.0f} MB). "
            "Split the district's roster by school into several uploads.",
            fields={"files": f"{refused.name}: more than {limit:,} bytes"},
        ) from None
    except MultiPartException as error:
        raise ApiError(400, "bad_request", f"The upload is not a well-formed form: {error.message}") from None
    try:
        for upload in form.getlist("files"):
            if not hasattr(upload, "filename"):
                raise invalid_fields({"files": "Each part named files must be a file."})
        return parser.paths
    finally:
        await form.close()


@router.post("/districts/{district_id}/uploads", status_code=202, openapi_extra=UPLOAD_BODY)
async def create_upload(
    district_id: District, context: Context, background: BackgroundTasks, request: Request
) -> UploadAccepted:
    upload_id = new_id()
    work = processing.work_folder(context)
    with tempfile.TemporaryDirectory(prefix=f"spool-{upload_id}-", dir=work) as spool:
        received = await _receive(request, Path(spool), context.settings.max_upload_bytes)
        if not received:
            raise invalid_fields({"files": "Send at least one hub CSV file."})
        for name, _ in received:
            if name not in processing.ACCEPTED_NAMES:
                expected = ", ".join(sorted(processing.ACCEPTED_NAMES))
                raise invalid_fields(
                    {"files": f"{name or 'a file'} is not a hub roster file; expected {expected}."}
                )
        problem = processing.disk_problem(work, sum(path.stat().st_size for _, path in received))
        if problem:
            raise ApiError(413, "insufficient_storage", problem)
        with context.db.transaction() as conn:
            processing.insert_upload(conn, upload_id, district_id, iso(context.now()))
            processing.store_spooled(conn, upload_id, dict(received))
    background.add_task(processing.process_upload, context, district_id, upload_id)
    return UploadAccepted(upload_id=upload_id, status=processing.QUEUED)


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
