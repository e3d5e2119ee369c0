"""The vendor's side (app client credentials, HTTP Basic): its districts' connections, and its decision."""

from __future__ import annotations

import sqlite3

from fastapi import APIRouter, Request

from wizard.sandbox import connections as lifecycle
from wizard.sandbox import notices
from wizard.sandbox.deps import API_ERRORS, ApiError, Context, basic_credentials, invalid_fields
from wizard.sandbox.store import app_for_credentials
from wizard.wire.onboarding import ConnectionList, ConnectionOut, DecisionIn
from wizard.wire.vocab import VendorDecision, choices

router = APIRouter(prefix="/api/v1", responses=API_ERRORS, tags=["vendor"])


def _vendor_app(conn: sqlite3.Connection, request: Request) -> sqlite3.Row:
    client_id, secret = basic_credentials(request)
    app = app_for_credentials(conn, client_id, secret)
    if app is None:
        raise ApiError(401, "unauthorized", "The app's client id or secret is wrong.")
    return app


@router.get("/vendor/connections")
def vendor_connections(request: Request, context: Context) -> ConnectionList:
    """The districts that authorized the app (a district that only added it is not shown yet)."""
    with context.db.transaction() as conn:
        app = _vendor_app(conn, request)
        rows = lifecycle.vendor_connections(conn, app["id"])
        return ConnectionList(data=[lifecycle.connection_view(conn, row) for row in rows])


@router.post("/vendor/connections/{connection_id}/decision")
def vendor_decision(
    connection_id: str, body: DecisionIn, request: Request, context: Context
) -> ConnectionOut:
    basic_credentials(request)
    if body.decision not in set(VendorDecision):
        raise invalid_fields({"decision": f"Choose one of: {choices(VendorDecision)}."})
    with context.db.transaction() as conn:
        app = _vendor_app(conn, request)
        row = lifecycle.vendor_connection(conn, app["id"], connection_id)
        if row is None:
            raise ApiError(404, "not_found", "No connection with that id exists for your app.")
        if row["status"] not in {lifecycle.PENDING_VENDOR, lifecycle.INFO_REQUESTED}:
            raise ApiError(
                409,
                "not_awaiting_vendor",
                f"This connection is {row['status'].replace('_', ' ')}; it is not waiting for you.",
            )
        now = context.now()
        if body.decision == VendorDecision.ACCEPT:
            lifecycle.accept(conn, row, now, body.message)
        elif body.decision == VendorDecision.REJECT:
            lifecycle.reject(conn, row, now, body.message)
        else:
            if not body.message.strip():
                raise invalid_fields({"message": "Write the question for the district."})
            lifecycle.request_info(conn, row, now, body.message.strip())
        fresh = lifecycle.vendor_connection(conn, app["id"], connection_id)
        assert fresh is not None
        notices.connection_changed(context, conn, fresh, row["status"])
        return lifecycle.connection_view(conn, fresh)
