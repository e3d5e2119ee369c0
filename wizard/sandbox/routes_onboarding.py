"""The onboarding API (`/api/v1`): what the wizard calls, as a district admin, and the vendor's decision call."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from wizard.roster.issues import neutralise_cell
from wizard.sandbox import connections as lifecycle
from wizard.sandbox import sharing as share
from wizard.sandbox import uploads
from wizard.sandbox.app import ApiError, HubContext, basic_credentials, bearer_token, hub_context, not_found
from wizard.sandbox.catalog import icon_content
from wizard.sandbox.db import dumps, loads
from wizard.sandbox.records import RosterData
from wizard.sandbox.store import (
    add_event,
    app_entry,
    app_for_credentials,
    app_row,
    connection_row,
    district_for_admin_token,
    district_row,
    find_user_by_sis_id,
    iso,
    load_roster,
    new_id,
    new_token,
    token_hash,
)
from wizard.us_states import is_us_state
from wizard.wire.vocab import SsoProvider, SyncMethod, VendorDecision

ERROR_BODY = {"description": 'error: {"error": {"code", "message", "fields"?}}'}
router = APIRouter(
    prefix="/api/v1",
    responses=dict.fromkeys((400, 401, 404, 409, 413, 422), ERROR_BODY),
)

SYNC_METHODS = tuple(SyncMethod)
SSO_PROVIDERS = tuple(SsoProvider)
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# ---- bodies -------------------------------------------------------------------------------------------------


class DistrictIn(BaseModel):
    name: str = ""
    state: str = ""
    nces_id: str = ""
    sis_vendor: str = ""


class AdminIn(BaseModel):
    name: str = ""
    email: str = ""
    phone: str = ""


class SignupIn(BaseModel):
    district: DistrictIn
    admin: AdminIn


class SyncIn(BaseModel):
    method: str


class SsoIn(BaseModel):
    provider: str


class StaffAdminIn(BaseModel):
    name: str = ""
    email: str = ""
    title: str = "District administrator"


class ConnectionIn(BaseModel):
    app_id: str


class AuthorizeIn(BaseModel):
    scopes: list[str] | None = None


class MessageIn(BaseModel):
    message: str = Field(min_length=1, max_length=5000)


class RuleIn(BaseModel):
    record_type: str
    field: str
    op: str
    value: str


class SharingIn(BaseModel):
    type: str
    school_ids: list[str] = []
    section_ids: list[str] = []
    rules: list[RuleIn] = []


class LaunchIn(BaseModel):
    launch_date: str


class DecisionIn(BaseModel):
    decision: str
    message: str = ""


# ---- helpers ------------------------------------------------------------------------------------------------


def district_access(
    district_id: str, request: Request, context: Annotated[HubContext, Depends(hub_context)]
) -> str:
    """The district whose admin token came with the call; another district's id answers 404."""
    token = bearer_token(request)
    with context.db.read() as conn:
        owner = district_for_admin_token(conn, token)
    if owner is None:
        raise ApiError(401, "unauthorized", "Your sign-in is not valid any more: sign in again.")
    if owner != district_id:
        raise not_found("district")
    return owner


District = Annotated[str, Depends(district_access)]
Context = Annotated[HubContext, Depends(hub_context)]


def invalid_fields(fields: dict[str, str]) -> ApiError:
    summary = "; ".join(f"{name}: {problem}" for name, problem in fields.items())
    return ApiError(422, "invalid_fields", f"Please correct: {summary}", fields=fields)


def _signup_problems(body: SignupIn) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not body.district.name.strip():
        problems["district.name"] = "Enter the district's name."
    if not is_us_state(body.district.state):
        problems["district.state"] = "Enter the two-letter state code, e.g. CA."
    if body.district.nces_id.strip() and not re.fullmatch(r"\d{7}", body.district.nces_id.strip()):
        problems["district.nces_id"] = "An NCES district id has exactly 7 digits."
    if not body.district.sis_vendor.strip():
        problems["district.sis_vendor"] = "Say which SIS the district uses (e.g. PowerSchool)."
    if not body.admin.name.strip():
        problems["admin.name"] = "Enter the administrator's name."
    if not EMAIL.match(body.admin.email.strip()):
        problems["admin.email"] = "Enter a valid email address, like name@district.org."
    if len(re.sub(r"\D", "", body.admin.phone)) < 10:
        problems["admin.phone"] = "Enter a phone number with area code (at least 10 digits)."
    return problems


def district_view(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    district_id = row["id"]
    last_upload = conn.execute(
        "SELECT status FROM uploads WHERE district_id = ? ORDER BY created DESC, rowid DESC LIMIT 1",
        (district_id,),
    ).fetchone()
    has_data = conn.execute("SELECT 1 FROM records WHERE district_id = ? LIMIT 1", (district_id,)).fetchone()
    connection_rows = conn.execute(
        "SELECT * FROM connections WHERE district_id = ?", (district_id,)
    ).fetchall()
    admins = conn.execute(
        "SELECT COUNT(*) FROM staff_admins WHERE district_id = ?", (district_id,)
    ).fetchone()[0]
    steps = {
        "signed_up": True,
        "sync_method_chosen": row["sync_method"] is not None,
        "identity_provider_chosen": row["sso_provider"] is not None,
        "staff_admins_added": admins > 0,
        "roster_uploaded": has_data is not None,
        "app_added": bool(connection_rows),
        "app_connected": any(c["status"] == lifecycle.CONNECTED for c in connection_rows),
        "sharing_set": any(c["sharing"] is not None for c in connection_rows),
        "launched": any(c["launch_date"] for c in connection_rows),
    }
    return {
        "id": district_id,
        "name": row["name"],
        "state": row["state"],
        "nces_id": row["nces_id"],
        "sis_vendor": row["sis_vendor"],
        "admin": {"name": row["admin_name"], "email": row["admin_email"], "phone": row["admin_phone"]},
        "sync_method": row["sync_method"],
        "sso_provider": row["sso_provider"],
        "sync_state": row["sync_state"],
        "last_sync": row["last_sync"],
        "last_upload_status": last_upload["status"] if last_upload else None,
        "created": row["created"],
        "onboarding": {
            "steps": steps,
            "next_step": next((name for name, done in steps.items() if not done), None),
        },
    }


def _connection(
    conn: sqlite3.Connection, context: HubContext, district_id: str, connection_id: str
) -> sqlite3.Row:
    row = connection_row(conn, district_id, connection_id)
    if row is None:
        raise not_found("connection")
    lifecycle.advance_simulated_vendor(conn, connection_id, context.settings)
    fresh = connection_row(conn, district_id, connection_id)
    assert fresh is not None
    return fresh


def _sharing_of(body: SharingIn) -> share.Sharing:
    return share.Sharing(
        type=body.type,
        school_ids=list(dict.fromkeys(body.school_ids)),
        section_ids=list(dict.fromkeys(body.section_ids)),
        rules=[share.Rule(**rule.model_dump()) for rule in body.rules],
    )


def _checked_sharing(body: SharingIn, roster: RosterData) -> share.Sharing:
    sharing = _sharing_of(body)
    problems = share.rule_problems(sharing, roster)
    if problems:
        raise invalid_fields(problems)
    return sharing


def app_view(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "name": entry["name"],
        "vendor": entry["vendor"],
        "description": entry.get("description", ""),
        "uses_secure_sync": bool(entry.get("uses_secure_sync")),
        "roster_import": entry.get("roster_import"),
        "scopes": entry.get("scopes", []),
        "recommended_sharing": entry.get("recommended_sharing"),
        "recommended_sharing_reason": entry.get("recommended_sharing_reason", ""),
        "icon_url": f"/api/v1/apps/{entry['id']}/icon",
    }


# ---- signup and district settings ---------------------------------------------------------------------------


@router.post("/signups", status_code=201)
def signup(body: SignupIn, context: Context) -> dict[str, Any]:
    problems = _signup_problems(body)
    if problems:
        raise invalid_fields(problems)
    district_id, token, now = new_id(), new_token(), iso(context.now())
    with context.db.transaction() as conn:
        conn.execute(
            "INSERT INTO districts (id, name, state, nces_id, sis_vendor, admin_name, admin_email, admin_phone, "
            "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                district_id,
                body.district.name.strip(),
                body.district.state.strip().upper(),
                body.district.nces_id.strip(),
                body.district.sis_vendor.strip(),
                body.admin.name.strip(),
                body.admin.email.strip(),
                body.admin.phone.strip(),
                now,
            ),
        )
        conn.execute(
            "INSERT INTO admin_tokens (token_hash, district_id) VALUES (?, ?)",
            (token_hash(token), district_id),
        )
        row = district_row(conn, district_id)
        assert row is not None
        return {"district": district_view(conn, row), "admin_token": token}


@router.get("/session")
def session(request: Request, context: Context) -> dict[str, Any]:
    """Which district an admin token belongs to: how a returning admin signs in with a saved token."""
    token = bearer_token(request)
    with context.db.read() as conn:
        district_id = district_for_admin_token(conn, token)
        row = district_row(conn, district_id) if district_id else None
        if row is None:
            raise ApiError(401, "unauthorized", "This sign-in token is not valid on this hub.")
        return {"district": district_view(conn, row)}


@router.get("/districts/{district_id}")
def get_district(district_id: District, context: Context) -> dict[str, Any]:
    with context.db.read() as conn:
        row = district_row(conn, district_id)
        if row is None:
            raise not_found("district")
        return district_view(conn, row)


@router.put("/districts/{district_id}/sync")
def set_sync(district_id: District, body: SyncIn, context: Context) -> dict[str, Any]:
    if body.method not in SYNC_METHODS:
        raise invalid_fields({"method": f"Choose one of: {', '.join(SYNC_METHODS)}."})
    with context.db.transaction() as conn:
        conn.execute(
            "UPDATE districts SET sync_method = ?, sync_state = CASE WHEN sync_state = '' THEN 'pending' "
            "ELSE sync_state END WHERE id = ?",
            (body.method, district_id),
        )
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)


@router.put("/districts/{district_id}/sso")
def set_sso(district_id: District, body: SsoIn, context: Context) -> dict[str, Any]:
    if body.provider not in SSO_PROVIDERS:
        raise invalid_fields({"provider": f"Choose one of: {', '.join(SSO_PROVIDERS)}."})
    with context.db.transaction() as conn:
        conn.execute("UPDATE districts SET sso_provider = ? WHERE id = ?", (body.provider, district_id))
        row = district_row(conn, district_id)
        assert row is not None
        return district_view(conn, row)


@router.post("/districts/{district_id}/admins", status_code=201)
def add_staff_admin(district_id: District, body: StaffAdminIn, context: Context) -> dict[str, Any]:
    problems: dict[str, str] = {}
    if not body.name.strip():
        problems["name"] = "Enter the staff member's name."
    if not EMAIL.match(body.email.strip()):
        problems["email"] = "Enter a valid email address, like name@district.org."
    if problems:
        raise invalid_fields(problems)
    admin = {
        "id": new_id(),
        "name": body.name.strip(),
        "email": body.email.strip(),
        "title": body.title.strip(),
    }
    with context.db.transaction() as conn:
        if conn.execute(
            "SELECT 1 FROM staff_admins WHERE district_id = ? AND lower(email) = lower(?)",
            (district_id, admin["email"]),
        ).fetchone():
            raise ApiError(
                409, "admin_exists", f"{admin['email']} is already a staff admin of your district."
            )
        conn.execute(
            "INSERT INTO staff_admins (id, district_id, name, email, title, created) VALUES (?, ?, ?, ?, ?, ?)",
            (admin["id"], district_id, admin["name"], admin["email"], admin["title"], iso(context.now())),
        )
    return admin


@router.get("/districts/{district_id}/admins")
def list_staff_admins(district_id: District, context: Context) -> dict[str, Any]:
    with context.db.read() as conn:
        rows = conn.execute(
            "SELECT id, name, email, title FROM staff_admins WHERE district_id = ? ORDER BY created, id",
            (district_id,),
        ).fetchall()
    return {"data": [dict(row) for row in rows]}


# ---- uploads ------------------------------------------------------------------------------------------------


@router.post("/districts/{district_id}/uploads", status_code=202)
async def create_upload(
    district_id: District,
    context: Context,
    background: BackgroundTasks,
    files: Annotated[list[UploadFile], File(description="the hub CSV files")],
) -> dict[str, Any]:
    contents: dict[str, bytes] = {}
    for upload in files:
        name = (upload.filename or "").rsplit("/", 1)[-1]
        if name not in uploads.ACCEPTED_NAMES:
            raise invalid_fields(
                {
                    "files": f"{name or 'a file'} is not a hub roster file; expected {', '.join(sorted(uploads.ACCEPTED_NAMES))}."
                }
            )
        contents[name] = await upload.read(uploads.MAX_UPLOAD_BYTES + 1)
        if len(contents[name]) > uploads.MAX_UPLOAD_BYTES:
            raise ApiError(413, "too_large", f"{name} is larger than the hub accepts in one upload (200 MB).")
    upload_id = new_id()
    with context.db.transaction() as conn:
        conn.execute(
            "INSERT INTO uploads (id, district_id, status, created) VALUES (?, ?, ?, ?)",
            (upload_id, district_id, uploads.PROCESSING, iso(context.now())),
        )
        uploads.store_files(conn, upload_id, contents)
    background.add_task(uploads.process_upload, context, district_id, upload_id)
    return {"upload_id": upload_id, "status": uploads.PROCESSING}


def _upload_row(conn: sqlite3.Connection, district_id: str, upload_id: str) -> sqlite3.Row:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM uploads WHERE id = ? AND district_id = ?", (upload_id, district_id)
    ).fetchone()
    if row is None:
        raise not_found("upload")
    return row


@router.get("/districts/{district_id}/uploads")
def list_uploads(district_id: District, context: Context) -> dict[str, Any]:
    with context.db.read() as conn:
        rows = conn.execute(
            "SELECT * FROM uploads WHERE district_id = ? ORDER BY created DESC, rowid DESC", (district_id,)
        ).fetchall()
        return {"data": [uploads.upload_view(row) for row in rows]}


@router.get("/districts/{district_id}/uploads/{upload_id}")
def get_upload(district_id: District, upload_id: str, context: Context) -> dict[str, Any]:
    with context.db.read() as conn:
        return uploads.upload_view(_upload_row(conn, district_id, upload_id))


@router.post("/districts/{district_id}/uploads/{upload_id}/approve")
def approve_upload(district_id: District, upload_id: str, context: Context) -> dict[str, Any]:
    with context.db.read() as conn:
        _upload_row(conn, district_id, upload_id)  # 404 for another district's upload
    try:
        uploads.approve_upload(context, district_id, upload_id)
    except uploads.NotApprovable as refused:
        if refused.status == uploads.SUPERSEDED:
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
        return uploads.upload_view(_upload_row(conn, district_id, upload_id))


# ---- app catalog --------------------------------------------------------------------------------------------


@router.get("/apps")
def list_apps(context: Context, query: str = "") -> dict[str, Any]:
    needle = query.strip().casefold()
    with context.db.read() as conn:
        entries = [app_entry(row) for row in conn.execute("SELECT * FROM apps ORDER BY name")]
    matching = [
        app_view(e)
        for e in entries
        if not needle or needle in f"{e['name']} {e['vendor']} {e.get('description', '')}".casefold()
    ]
    return {"data": matching}


@router.get("/apps/{app_id}")
def get_app(app_id: str, context: Context) -> dict[str, Any]:
    with context.db.read() as conn:
        row = app_row(conn, app_id)
    if row is None:
        raise ApiError(404, "not_found", "There is no app with that id in the catalog.")
    return app_view(app_entry(row))


@router.get("/apps/{app_id}/icon", response_class=Response)
def app_icon(app_id: str, context: Context) -> Response:
    with context.db.read() as conn:
        row = app_row(conn, app_id)
    icon = icon_content(app_entry(row)) if row else None
    if icon is None:
        raise ApiError(404, "not_found", "This app has no icon.")
    content, media = icon
    return Response(content, media_type=media)


# ---- connections --------------------------------------------------------------------------------------------


@router.post("/districts/{district_id}/connections", status_code=201)
def add_connection(district_id: District, body: ConnectionIn, context: Context) -> dict[str, Any]:
    with context.db.transaction() as conn:
        if app_row(conn, body.app_id) is None:
            raise invalid_fields({"app_id": "There is no app with that id in the catalog."})
        existing = conn.execute(
            "SELECT id FROM connections WHERE district_id = ? AND app_id = ?", (district_id, body.app_id)
        ).fetchone()
        if existing is not None:
            raise ApiError(
                409, "connection_exists", "Your district has already added this app; open it to continue."
            )
        connection_id = lifecycle.create(conn, district_id, body.app_id, context.now())
        return lifecycle.connection_view(conn, _connection(conn, context, district_id, connection_id))


@router.get("/districts/{district_id}/connections")
def list_connections(district_id: District, context: Context) -> dict[str, Any]:
    with context.db.transaction() as conn:
        ids = [
            r["id"]
            for r in conn.execute(
                "SELECT id FROM connections WHERE district_id = ? ORDER BY created, id", (district_id,)
            )
        ]
        return {
            "data": [lifecycle.connection_view(conn, _connection(conn, context, district_id, i)) for i in ids]
        }


@router.get("/districts/{district_id}/connections/{connection_id}")
def get_connection(district_id: District, connection_id: str, context: Context) -> dict[str, Any]:
    with context.db.transaction() as conn:
        return lifecycle.connection_view(conn, _connection(conn, context, district_id, connection_id))


@router.post("/districts/{district_id}/connections/{connection_id}/authorize")
def authorize_connection(
    district_id: District, connection_id: str, context: Context, body: AuthorizeIn | None = None
) -> dict[str, Any]:
    with context.db.transaction() as conn:
        row = _connection(conn, context, district_id, connection_id)
        if row["status"] not in {lifecycle.PENDING_AUTHORIZATION, lifecycle.REJECTED}:
            raise ApiError(
                409, "already_authorized", "You have already authorized this app; the vendor is next."
            )
        app = app_row(conn, row["app_id"])
        offered = [scope["name"] for scope in app_entry(app)["scopes"]] if app else []
        scopes = offered if body is None or body.scopes is None else body.scopes
        unknown = [scope for scope in scopes if scope not in offered]
        if unknown or not scopes:
            raise invalid_fields(
                {"scopes": f"Choose among the scopes the app asks for: {', '.join(offered)}."}
            )
        lifecycle.authorize(conn, row, scopes, context.now())
        return lifecycle.connection_view(conn, _connection(conn, context, district_id, connection_id))


@router.post("/districts/{district_id}/connections/{connection_id}/messages", status_code=201)
def send_message(
    district_id: District, connection_id: str, body: MessageIn, context: Context
) -> dict[str, Any]:
    with context.db.transaction() as conn:
        row = _connection(conn, context, district_id, connection_id)
        lifecycle.district_message(conn, row, body.message.strip(), context.now())
        return lifecycle.connection_view(conn, _connection(conn, context, district_id, connection_id))


# ---- sharing ------------------------------------------------------------------------------------------------


def _sharing_view(row: sqlite3.Row, roster: RosterData) -> dict[str, Any]:
    stored = loads(row["sharing"])
    sharing = share.Sharing.from_dict(stored) if stored else None
    ids = share.shared_ids(roster, sharing)
    return {
        **(
            sharing.as_dict() if sharing else {"type": None, "school_ids": [], "section_ids": [], "rules": []}
        ),
        "locked": lifecycle.sharing_locked(row),
        "locked_reason": (
            "The vendor has confirmed this sharing, so its type cannot change any more; you can still add sections."
            if lifecycle.sharing_locked(row)
            else ""
        ),
        "counts": share.counts(roster, ids),
        "rule_fields": {kind: list(fields) for kind, fields in share.RULE_FIELDS.items()},
    }


@router.get("/districts/{district_id}/connections/{connection_id}/sharing")
def get_sharing(district_id: District, connection_id: str, context: Context) -> dict[str, Any]:
    with context.db.transaction() as conn:
        row = _connection(conn, context, district_id, connection_id)
        return _sharing_view(row, load_roster(conn, district_id))


@router.post("/districts/{district_id}/connections/{connection_id}/sharing/preview")
def preview_sharing(
    district_id: District, connection_id: str, body: SharingIn, context: Context
) -> dict[str, Any]:
    with context.db.read() as conn:
        if connection_row(conn, district_id, connection_id) is None:
            raise not_found("connection")
        roster = load_roster(conn, district_id)
    sharing = _checked_sharing(body, roster)
    return {"counts": share.counts(roster, share.shared_ids(roster, sharing))}


@router.put("/districts/{district_id}/connections/{connection_id}/sharing")
def put_sharing(
    district_id: District, connection_id: str, body: SharingIn, context: Context
) -> dict[str, Any]:
    with context.db.transaction() as conn:
        row = _connection(conn, context, district_id, connection_id)
        roster = load_roster(conn, district_id)
        sharing = _checked_sharing(body, roster)
        stored = loads(row["sharing"])
        if lifecycle.sharing_locked(row) and stored and stored["type"] != sharing.type:
            raise ApiError(
                409,
                "sharing_type_locked",
                f"The vendor has confirmed sharing by {stored['type'].replace('_', ' ')}, so the sharing type can no "
                "longer change. You can still add schools or sections of the same type.",
            )
        conn.execute(
            "UPDATE connections SET sharing = ? WHERE id = ?", (dumps(sharing.as_dict()), connection_id)
        )
        add_event(
            conn,
            connection_id,
            iso(context.now()),
            "district",
            "sharing_saved",
            f"Sharing set to {sharing.type}.",
        )
        return _sharing_view(_connection(conn, context, district_id, connection_id), roster)


# ---- validation, launch, portal -----------------------------------------------------------------------------


def shared_records(
    conn: sqlite3.Connection, context: HubContext, district_id: str, connection_id: str
) -> tuple[sqlite3.Row, RosterData, dict[str, set[str]]]:
    row = _connection(conn, context, district_id, connection_id)
    roster = load_roster(conn, district_id)
    stored = loads(row["sharing"])
    ids = share.shared_ids(roster, share.Sharing.from_dict(stored) if stored else None)
    return row, roster, ids


SYNC_MAX_AGE = 26 * 3600  # a daily sync with two hours' grace


def _on_schedule(last_sync: str | None, now: float) -> bool:
    """A sync is on schedule when its last success is less than a day (and a little) old."""
    if not last_sync:
        return False
    try:
        finished = datetime.fromisoformat(last_sync.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return False
    return 0 <= now - finished <= SYNC_MAX_AGE


@router.get("/districts/{district_id}/connections/{connection_id}/validation")
def validation(district_id: District, connection_id: str, context: Context) -> dict[str, Any]:
    with context.db.transaction() as conn:
        row, roster, ids = shared_records(conn, context, district_id, connection_id)
        district = district_row(conn, district_id)
        assert district is not None
    hub_counts, shared_counts = share.counts(roster), share.counts(roster, ids)
    stored = loads(row["sharing"])
    return {
        "sync": {
            "method": district["sync_method"],
            "state": district["sync_state"],
            "last_success": district["last_sync"],
            "on_schedule": _on_schedule(district["last_sync"], context.now()),
        },
        "app": {"id": row["app_id"], "status": row["status"]},
        "sharing": {
            "type": stored["type"] if stored else None,
            "status": "confirmed" if lifecycle.sharing_locked(row) else ("set" if stored else "not_set"),
        },
        "counts": {
            kind: {"hub": hub_counts[kind], "shared": shared_counts[kind]} for kind in share.COUNTED_KINDS
        },
        "warnings": [
            {"code": w.code, "message": w.message, "count": len(w.record_ids)}
            for w in share.data_warnings(roster, ids)
        ],
    }


@router.get(
    "/districts/{district_id}/connections/{connection_id}/validation/warnings/{code}.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def warning_csv(district_id: District, connection_id: str, code: str, context: Context) -> Response:
    with context.db.transaction() as conn:
        _, roster, ids = shared_records(conn, context, district_id, connection_id)
    warning = next((w for w in share.data_warnings(roster, ids) if w.code == code), None)
    if warning is None:
        raise ApiError(404, "not_found", f"There is no {code!r} warning for this app right now.")
    rows = share.warning_rows(roster, warning)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]) if rows else ["hub_id"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({key: neutralise_cell(value) for key, value in row.items()} for row in rows)
    return Response(
        buffer.getvalue().encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{code}.csv"'},
    )


@router.post("/districts/{district_id}/connections/{connection_id}/launch")
def launch(district_id: District, connection_id: str, body: LaunchIn, context: Context) -> dict[str, Any]:
    try:
        launch_date = date.fromisoformat(body.launch_date)
    except ValueError:
        raise invalid_fields({"launch_date": "Enter the launch date as YYYY-MM-DD."}) from None
    with context.db.transaction() as conn:
        row = _connection(conn, context, district_id, connection_id)
        if row["status"] != lifecycle.CONNECTED:
            raise ApiError(
                409, "not_connected", "The vendor has not accepted this app yet, so it cannot launch."
            )
        if row["sharing"] is None:
            raise ApiError(409, "sharing_not_set", "Choose what to share with the app before launching it.")
        conn.execute(
            "UPDATE connections SET launch_date = ? WHERE id = ?", (launch_date.isoformat(), connection_id)
        )
        add_event(
            conn, connection_id, iso(context.now()), "district", "launched", f"Launch date {launch_date}."
        )
        return lifecycle.connection_view(conn, _connection(conn, context, district_id, connection_id))


@router.get("/districts/{district_id}/portal/{sis_id}")
def portal(district_id: District, sis_id: str, context: Context) -> dict[str, Any]:
    today = date.fromtimestamp(context.now()).isoformat()
    with context.db.transaction() as conn:
        found = find_user_by_sis_id(conn, district_id, sis_id)
        if found is None:
            raise ApiError(
                404, "not_found", f"No student or teacher with SIS id {sis_id} is in your district's roster."
            )
        kind, user = found
        roster = load_roster(conn, district_id)
        connection_ids = [
            r["id"] for r in conn.execute("SELECT id FROM connections WHERE district_id = ?", (district_id,))
        ]
        visible: list[dict[str, str]] = []
        hidden: list[dict[str, str]] = []
        for connection_id in connection_ids:
            row = _connection(conn, context, district_id, connection_id)
            app = app_row(conn, row["app_id"])
            entry = {
                "app_id": row["app_id"],
                "name": app["name"] if app else row["app_id"],
                "icon_url": f"/api/v1/apps/{row['app_id']}/icon",
            }
            stored = loads(row["sharing"])
            ids = share.shared_ids(roster, share.Sharing.from_dict(stored) if stored else None)
            reason = ""
            if row["status"] != lifecycle.CONNECTED:
                reason = "The vendor has not accepted the connection yet."
            elif stored is None:
                reason = "No sharing is set for this app."
            elif user["id"] not in ids.get(kind, set()):
                reason = "The sharing setting does not include this user."
            elif not row["launch_date"]:
                reason = "The app has not been launched yet."
            elif row["launch_date"] > today:
                reason = f"The app launches on {row['launch_date']}."
            (hidden if reason else visible).append({**entry, "reason": reason} if reason else entry)
    name = user.get("name") or {}
    return {
        "sis_id": sis_id,
        "user_id": user["id"],
        "role": kind.rstrip("s") if kind != "staff" else "staff",
        "name": " ".join(part for part in (name.get("first"), name.get("last")) if part),
        "apps": visible,
        "hidden": hidden,
    }


# ---- vendor side --------------------------------------------------------------------------------------------


@router.get("/vendor/connections")
def vendor_connections(request: Request, context: Context) -> dict[str, Any]:
    client_id, secret = basic_credentials(request)
    with context.db.transaction() as conn:
        app = app_for_credentials(conn, client_id, secret)
        if app is None:
            raise ApiError(401, "unauthorized", "The app's client id or secret is wrong.")
        rows = conn.execute(
            "SELECT * FROM connections WHERE app_id = ? ORDER BY created, id", (app["id"],)
        ).fetchall()
        return {"data": [lifecycle.connection_view(conn, row) for row in rows]}


@router.post("/vendor/connections/{connection_id}/decision")
def vendor_decision(
    connection_id: str, body: DecisionIn, request: Request, context: Context
) -> dict[str, Any]:
    client_id, secret = basic_credentials(request)
    if body.decision not in tuple(VendorDecision):
        raise invalid_fields({"decision": f"Choose one of: {', '.join(tuple(VendorDecision))}."})
    with context.db.transaction() as conn:
        app = app_for_credentials(conn, client_id, secret)
        if app is None:
            raise ApiError(401, "unauthorized", "The app's client id or secret is wrong.")
        row = conn.execute(
            "SELECT * FROM connections WHERE id = ? AND app_id = ?", (connection_id, app["id"])
        ).fetchone()
        if row is None:
            raise ApiError(404, "not_found", "No connection with that id exists for your app.")
        if row["status"] not in {lifecycle.PENDING_VENDOR, lifecycle.INFO_REQUESTED}:
            raise ApiError(
                409,
                "not_awaiting_vendor",
                f"This connection is {row['status'].replace('_', ' ')}; it is not waiting for you.",
            )
        now = context.now()
        if body.decision == "accept":
            lifecycle.accept(conn, row, now, body.message)
        elif body.decision == "reject":
            lifecycle.reject(conn, row, now, body.message)
        else:
            if not body.message.strip():
                raise invalid_fields({"message": "Write the question for the district."})
            lifecycle.request_info(conn, row, now, body.message.strip())
        fresh = conn.execute("SELECT * FROM connections WHERE id = ?", (connection_id,)).fetchone()
        return lifecycle.connection_view(conn, fresh)
