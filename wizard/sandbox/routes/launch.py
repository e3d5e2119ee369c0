"""Checking a connection before launch, launching it, and the portal preview of one student or teacher."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from fastapi import APIRouter
from fastapi.responses import Response

from wizard.roster.issues import neutralise_cell
from wizard.sandbox import connections as lifecycle
from wizard.sandbox import sharing as share
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields
from wizard.sandbox.routes.common import live_connection, shared_records, sharing_of
from wizard.sandbox.store import (
    app_row,
    district_row,
    district_warning_counts,
    find_user_by_sis_id,
    load_roster,
    record_counts,
)
from wizard.sandbox.views import needs_roster
from wizard.wire.onboarding import (
    AppReport,
    ConnectionOut,
    CountPairOut,
    LaunchIn,
    PortalAppOut,
    PortalOut,
    SharingReport,
    SyncReport,
    ValidationOut,
    WarningOut,
)
from wizard.wire.vocab import DirectoryRole, SharingStatus, SharingType

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["launch"])
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
def validation(district_id: District, connection_id: str, context: Context) -> ValidationOut:
    with context.db.transaction() as conn:
        row = live_connection(conn, context, district_id, connection_id)
        district = district_row(conn, district_id)
        assert district is not None
        stored = sharing_of(row)
        kept = None if needs_roster(stored) else district_warning_counts(conn, district_id)
        if kept is not None:  # the whole district (or nothing) is shared: its totals, kept with the data set
            totals = record_counts(conn, district_id)
            hub_counts = {kind: totals[kind] for kind in share.COUNTED_KINDS}
            shared_counts = hub_counts if stored else dict.fromkeys(share.COUNTED_KINDS, 0)
            warnings = [
                WarningOut(code=code, message=message, count=kept[code])
                for code, (message, _) in share.WARNINGS.items()
                if stored and kept.get(code)
            ]
        else:
            _, roster, ids = shared_records(conn, context, district_id, connection_id)
            hub_counts, shared_counts = share.counts(roster), share.counts(roster, ids)
            warnings = [
                WarningOut(code=w.code, message=w.message, count=len(w.record_ids))
                for w in share.data_warnings(roster, ids)
            ]
    locked = lifecycle.sharing_locked(row)
    return ValidationOut(
        sync=SyncReport(
            method=district["sync_method"],
            state=district["sync_state"],
            last_success=district["last_sync"],
            on_schedule=_on_schedule(district["last_sync"], context.now()),
        ),
        app=AppReport(id=row["app_id"], status=row["status"]),
        sharing=SharingReport(
            type=SharingType(stored.type) if stored else None,
            status=SharingStatus.CONFIRMED
            if locked
            else (SharingStatus.SET if stored else SharingStatus.NOT_SET),
        ),
        counts={
            kind: CountPairOut(hub=hub_counts[kind], shared=shared_counts[kind])
            for kind in share.COUNTED_KINDS
        },
        warnings=warnings,
    )


@router.get(
    "/districts/{district_id}/connections/{connection_id}/validation/warnings/{code}.csv",
    response_class=Response,
    responses={
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
            "description": "the records behind one warning, one row each",
        }
    },
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
def launch(district_id: District, connection_id: str, body: LaunchIn, context: Context) -> ConnectionOut:
    try:
        launch_date = date.fromisoformat(body.launch_date)
    except ValueError:
        raise invalid_fields({"launch_date": "Enter the launch date as YYYY-MM-DD."}) from None
    with context.db.transaction() as conn:
        row = live_connection(conn, context, district_id, connection_id)
        if row["status"] != lifecycle.CONNECTED:
            raise ApiError(
                409, "not_connected", "The vendor has not accepted this app yet, so it cannot launch."
            )
        if row["sharing"] is None:
            raise ApiError(409, "sharing_not_set", "Choose what to share with the app before launching it.")
        lifecycle.set_launch_date(conn, connection_id, launch_date.isoformat(), context.now())
        return lifecycle.connection_view(conn, live_connection(conn, context, district_id, connection_id))


@router.get("/districts/{district_id}/portal/{sis_id}")
def portal(district_id: District, sis_id: str, context: Context) -> PortalOut:
    today = date.fromtimestamp(context.now()).isoformat()
    with context.db.transaction() as conn:
        found = find_user_by_sis_id(conn, district_id, sis_id)
        if found is None:
            raise ApiError(
                404, "not_found", f"No student or teacher with SIS id {sis_id} is in your district's roster."
            )
        kind, user = found
        roster = load_roster(conn, district_id)
        visible: list[PortalAppOut] = []
        hidden: list[PortalAppOut] = []
        for connection_id in lifecycle.connection_ids(conn, district_id):
            row = live_connection(conn, context, district_id, connection_id)
            app = app_row(conn, row["app_id"])
            sharing = sharing_of(row)
            ids = share.shared_ids(roster, sharing)
            reason = ""
            if row["status"] != lifecycle.CONNECTED:
                reason = "The vendor has not accepted the connection yet."
            elif sharing is None:
                reason = "No sharing is set for this app."
            elif user["id"] not in ids.get(kind, set()):
                reason = "The sharing setting does not include this user."
            elif not row["launch_date"]:
                reason = "The app has not been launched yet."
            elif row["launch_date"] > today:
                reason = f"The app launches on {row['launch_date']}."
            entry = PortalAppOut(
                app_id=row["app_id"],
                name=app["name"] if app else row["app_id"],
                icon_url=f"/api/v1/apps/{row['app_id']}/icon",
                reason=reason,
            )
            (hidden if reason else visible).append(entry)
    name = user.get("name") or {}
    return PortalOut(
        sis_id=sis_id,
        user_id=user["id"],
        role=DirectoryRole(kind.rstrip("s") if kind != "staff" else "staff"),
        name=" ".join(part for part in (name.get("first"), name.get("last")) if part),
        apps=visible,
        hidden=hidden,
    )
