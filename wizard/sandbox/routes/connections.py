"""A district's connections to apps: add one, authorize it, talk to the vendor, follow its status."""

from __future__ import annotations

from fastapi import APIRouter

from wizard.sandbox import connections as lifecycle
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, District, invalid_fields
from wizard.sandbox.routes.common import live_connection
from wizard.sandbox.store import app_entry, app_row
from wizard.wire.onboarding import AuthorizeIn, ConnectionIn, ConnectionList, ConnectionOut, MessageIn

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["connections"])


@router.post("/districts/{district_id}/connections", status_code=201)
def add_connection(district_id: District, body: ConnectionIn, context: Context) -> ConnectionOut:
    with context.db.transaction() as conn:
        if app_row(conn, body.app_id) is None:
            raise invalid_fields({"app_id": "There is no app with that id in the catalog."})
        if lifecycle.connection_for_app(conn, district_id, body.app_id) is not None:
            raise ApiError(
                409, "connection_exists", "Your district has already added this app; open it to continue."
            )
        connection_id = lifecycle.create(conn, district_id, body.app_id, context.now())
        return lifecycle.connection_view(conn, live_connection(conn, context, district_id, connection_id))


@router.get("/districts/{district_id}/connections")
def list_connections(district_id: District, context: Context) -> ConnectionList:
    with context.db.transaction() as conn:
        return ConnectionList(
            data=[
                lifecycle.connection_view(conn, live_connection(conn, context, district_id, connection_id))
                for connection_id in lifecycle.connection_ids(conn, district_id)
            ]
        )


@router.get("/districts/{district_id}/connections/{connection_id}")
def get_connection(district_id: District, connection_id: str, context: Context) -> ConnectionOut:
    with context.db.transaction() as conn:
        return lifecycle.connection_view(conn, live_connection(conn, context, district_id, connection_id))


@router.post("/districts/{district_id}/connections/{connection_id}/authorize")
def authorize_connection(
    district_id: District, connection_id: str, context: Context, body: AuthorizeIn | None = None
) -> ConnectionOut:
    with context.db.transaction() as conn:
        row = live_connection(conn, context, district_id, connection_id)
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
        return lifecycle.connection_view(conn, live_connection(conn, context, district_id, connection_id))


@router.post("/districts/{district_id}/connections/{connection_id}/messages", status_code=201)
def send_message(
    district_id: District, connection_id: str, body: MessageIn, context: Context
) -> ConnectionOut:
    with context.db.transaction() as conn:
        row = live_connection(conn, context, district_id, connection_id)
        lifecycle.district_message(conn, row, body.message.strip(), context.now())
        return lifecycle.connection_view(conn, live_connection(conn, context, district_id, connection_id))
