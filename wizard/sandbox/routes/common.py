"""Steps several routers share: a district's connection (after the simulated vendor's move) and what it shares."""

from __future__ import annotations

import sqlite3

from wizard.sandbox import connections as lifecycle
from wizard.sandbox import notices
from wizard.sandbox import sharing as share
from wizard.sandbox.db import loads
from wizard.sandbox.deps import HubContext, not_found
from wizard.sandbox.records import RosterData
from wizard.sandbox.store import connection_row, load_roster


def live_connection(
    conn: sqlite3.Connection, context: HubContext, district_id: str, connection_id: str
) -> sqlite3.Row:
    """The district's connection as it stands now (a simulated vendor whose time has come acts first)."""
    before = connection_row(conn, district_id, connection_id)
    if before is None:
        raise not_found("connection")
    lifecycle.advance_simulated_vendor(conn, connection_id, context.settings)
    fresh = connection_row(conn, district_id, connection_id)
    assert fresh is not None
    notices.connection_changed(context, conn, fresh, before["status"])  # the vendor moved: tell the admin
    return fresh


def sharing_of(row: sqlite3.Row) -> share.Sharing | None:
    stored = loads(row["sharing"])
    return share.Sharing.from_dict(stored) if stored else None


def shared_records(
    conn: sqlite3.Connection, context: HubContext, district_id: str, connection_id: str
) -> tuple[sqlite3.Row, RosterData, dict[str, set[str]]]:
    row = live_connection(conn, context, district_id, connection_id)
    roster = load_roster(conn, district_id)
    return row, roster, share.shared_ids(roster, sharing_of(row))
