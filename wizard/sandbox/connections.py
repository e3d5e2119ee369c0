"""A district's connection to an app: its lifecycle, its history, and the simulated vendor on the other side.

Statuses: pending_district_authorization -> pending_vendor_acceptance -> (vendor_requested_info ->
pending_vendor_acceptance)* -> connected | rejected. The simulated vendor acts lazily: whenever a connection is
read, a vendor whose delay has passed (by the injected clock) makes its move, so tests never sleep.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from wizard.sandbox.db import dumps, loads
from wizard.sandbox.settings import HubSettings
from wizard.sandbox.store import add_event, app_entry, app_row, iso, new_id
from wizard.wire.onboarding import ConnectionOut, HistoryEventOut
from wizard.wire.vocab import ConnectionStatus

PENDING_AUTHORIZATION = ConnectionStatus.PENDING_DISTRICT_AUTHORIZATION
PENDING_VENDOR = ConnectionStatus.PENDING_VENDOR_ACCEPTANCE
INFO_REQUESTED = ConnectionStatus.VENDOR_REQUESTED_INFO
CONNECTED = ConnectionStatus.CONNECTED
REJECTED = ConnectionStatus.REJECTED


def set_status(
    conn: sqlite3.Connection, connection_id: str, status: str, since: float, question: str | None
) -> None:
    conn.execute(
        "UPDATE connections SET status = ?, status_since = ?, open_question = ? WHERE id = ?",
        (status, since, question, connection_id),
    )


def accept(conn: sqlite3.Connection, row: sqlite3.Row, at: float, message: str = "") -> None:
    """The vendor accepts: the connection is live, the sharing is confirmed, the app gets its district token."""
    set_status(conn, row["id"], CONNECTED, at, None)
    conn.execute("UPDATE connections SET vendor_confirmed = 1 WHERE id = ?", (row["id"],))
    add_event(
        conn, row["id"], iso(at), "vendor", "accepted", message or "The vendor accepted the connection."
    )


def reject(conn: sqlite3.Connection, row: sqlite3.Row, at: float, message: str) -> None:
    set_status(conn, row["id"], REJECTED, at, None)
    conn.execute(
        "DELETE FROM app_tokens WHERE app_id = ? AND district_id = ?",
        (row["app_id"], row["district_id"]),
    )
    add_event(
        conn, row["id"], iso(at), "vendor", "rejected", message or "The vendor rejected the connection."
    )


def request_info(conn: sqlite3.Connection, row: sqlite3.Row, at: float, question: str) -> None:
    set_status(conn, row["id"], INFO_REQUESTED, at, question)
    conn.execute("UPDATE connections SET questions_asked = questions_asked + 1 WHERE id = ?", (row["id"],))
    add_event(conn, row["id"], iso(at), "vendor", "asked", question)


def advance_simulated_vendor(conn: sqlite3.Connection, connection_id: str, settings: HubSettings) -> None:
    """Let the simulated vendor act on a connection that has waited long enough for it."""
    if not settings.simulate_vendors:
        return
    row = conn.execute("SELECT * FROM connections WHERE id = ?", (connection_id,)).fetchone()
    if row is None or row["status"] != PENDING_VENDOR:
        return
    acted_at = float(row["status_since"]) + settings.vendor_delay
    if settings.clock() < acted_at:
        return
    app = app_row(conn, row["app_id"])
    behaviour: dict[str, Any] = app_entry(app).get("simulated_vendor", {}) if app else {}
    if behaviour.get("behaviour") == "manual":
        return
    if behaviour.get("behaviour") == "ask_first" and row["questions_asked"] == 0:
        request_info(conn, row, acted_at, str(behaviour.get("question") or "Could you tell us more?"))
        return
    accept(conn, row, acted_at)


def sharing_locked(row: sqlite3.Row) -> bool:
    return bool(row["vendor_confirmed"]) and row["sharing"] is not None


def connection_view(conn: sqlite3.Connection, row: sqlite3.Row) -> ConnectionOut:
    app = app_row(conn, row["app_id"])
    history = [
        HistoryEventOut(
            at=event["at"], actor=event["actor"], action=event["action"], message=event["message"]
        )
        for event in conn.execute(
            "SELECT * FROM connection_events WHERE connection_id = ? ORDER BY seq", (row["id"],)
        )
    ]
    sharing = loads(row["sharing"])
    return ConnectionOut(
        id=row["id"],
        district_id=row["district_id"],
        app_id=row["app_id"],
        app_name=app["name"] if app else row["app_id"],
        status=row["status"],
        created=row["created"],
        status_since=iso(float(row["status_since"])),
        scopes=tuple(loads(row["scopes"]) or ()),
        open_question=row["open_question"],
        vendor_confirmed=bool(row["vendor_confirmed"]),
        sharing_type=sharing["type"] if sharing else None,
        sharing_locked=sharing_locked(row),
        launch_date=row["launch_date"],
        history=tuple(history),
    )


def create(conn: sqlite3.Connection, district_id: str, app_id: str, now: float) -> str:
    connection_id = new_id()
    conn.execute(
        "INSERT INTO connections (id, district_id, app_id, status, created, status_since) VALUES (?, ?, ?, ?, ?, ?)",
        (connection_id, district_id, app_id, PENDING_AUTHORIZATION, iso(now), now),
    )
    add_event(conn, connection_id, iso(now), "district", "added", "The district added the app.")
    return connection_id


def authorize(conn: sqlite3.Connection, row: sqlite3.Row, scopes: list[str], now: float) -> None:
    conn.execute("UPDATE connections SET scopes = ? WHERE id = ?", (dumps(scopes), row["id"]))
    set_status(conn, row["id"], PENDING_VENDOR, now, None)
    add_event(conn, row["id"], iso(now), "district", "authorized", "Authorized: " + ", ".join(scopes))


def district_message(conn: sqlite3.Connection, row: sqlite3.Row, message: str, now: float) -> None:
    """A district's message; when it answers an open question the vendor's clock starts again."""
    if row["status"] == INFO_REQUESTED:
        set_status(conn, row["id"], PENDING_VENDOR, now, None)
        add_event(conn, row["id"], iso(now), "district", "replied", message)
    else:
        add_event(conn, row["id"], iso(now), "district", "message", message)


# ---- reading and writing connections --------------------------------------------------------------------------


def connection_ids(conn: sqlite3.Connection, district_id: str) -> list[str]:
    return [
        str(row["id"])
        for row in conn.execute(
            "SELECT id FROM connections WHERE district_id = ? ORDER BY created, id", (district_id,)
        )
    ]


def connection_for_app(conn: sqlite3.Connection, district_id: str, app_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM connections WHERE district_id = ? AND app_id = ?", (district_id, app_id)
    ).fetchone()
    return row


def connections_of(conn: sqlite3.Connection, district_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM connections WHERE district_id = ?", (district_id,)).fetchall()


def save_sharing(conn: sqlite3.Connection, connection_id: str, sharing: dict[str, Any], now: float) -> None:
    conn.execute("UPDATE connections SET sharing = ? WHERE id = ?", (dumps(sharing), connection_id))
    add_event(
        conn, connection_id, iso(now), "district", "sharing_saved", f"Sharing set to {sharing['type']}."
    )


def set_launch_date(conn: sqlite3.Connection, connection_id: str, launch_date: str, now: float) -> None:
    conn.execute("UPDATE connections SET launch_date = ? WHERE id = ?", (launch_date, connection_id))
    add_event(conn, connection_id, iso(now), "district", "launched", f"Launch date {launch_date}.")


def vendor_connections(conn: sqlite3.Connection, app_id: str) -> list[sqlite3.Row]:
    """The connections an app's vendor may see: those the district has authorized (never one merely added)."""
    return conn.execute(
        "SELECT * FROM connections WHERE app_id = ? AND status != ? ORDER BY created, id",
        (app_id, PENDING_AUTHORIZATION),
    ).fetchall()


def vendor_connection(conn: sqlite3.Connection, app_id: str, connection_id: str) -> sqlite3.Row | None:
    """One connection of the app, if its district has authorized it (else the vendor cannot know of it)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM connections WHERE id = ? AND app_id = ? AND status != ?",
        (connection_id, app_id, PENDING_AUTHORIZATION),
    ).fetchone()
    return row
