"""Reading and writing the hub's tables: districts, tokens, roster records, apps, connections.

Functions take an open connection so a route can do several steps in one transaction.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
from datetime import UTC, datetime
from typing import Any

from wizard.sandbox.db import dumps, loads
from wizard.sandbox.records import STORED_KINDS, Record, RosterData, sis_id_of


def new_id() -> str:
    """A 24-hex-digit id, the hub's id format."""
    return secrets.token_hex(12)


def new_token() -> str:
    return secrets.token_hex(20)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


_roster_cache: dict[tuple[str, str], tuple[int, RosterData]] = {}
_roster_cache_lock = threading.Lock()
ROSTER_CACHE_SIZE = 8


def load_roster(conn: sqlite3.Connection, district_id: str) -> RosterData:
    """The district's data set. Cached per database and data-set version: every Data API page needs it.

    Callers must treat the result as read-only; it may be shared with other requests.
    """
    own_snapshot = not conn.in_transaction
    if own_snapshot:
        conn.execute("BEGIN")  # the version and the records must come from the same snapshot
    try:
        row = conn.execute("SELECT roster_version FROM districts WHERE id = ?", (district_id,)).fetchone()
        version = int(row[0]) if row else -1
        key = (str(conn.execute("PRAGMA database_list").fetchone()[2]), district_id)
        with _roster_cache_lock:
            cached = _roster_cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        data = RosterData()
        for record in conn.execute(
            "SELECT kind, id, data FROM records WHERE district_id = ?", (district_id,)
        ):
            data.records.setdefault(record["kind"], {})[record["id"]] = loads(record["data"])
    finally:
        if own_snapshot:
            conn.execute("COMMIT")
    with _roster_cache_lock:
        _roster_cache[key] = (version, data)
        while len(_roster_cache) > ROSTER_CACHE_SIZE:
            del _roster_cache[next(iter(_roster_cache))]
    return data


def save_roster(conn: sqlite3.Connection, district_id: str, data: RosterData) -> None:
    """Replace the district's whole data set (an upload overwrites the previous one)."""
    conn.execute("DELETE FROM records WHERE district_id = ?", (district_id,))
    conn.execute("UPDATE districts SET roster_version = roster_version + 1 WHERE id = ?", (district_id,))
    conn.executemany(
        "INSERT INTO records (district_id, kind, id, sis_id, data) VALUES (?, ?, ?, ?, ?)",
        (
            (district_id, kind, record_id, sis_id_of(record), dumps(record))
            for kind in STORED_KINDS
            for record_id, record in data.records.get(kind, {}).items()
        ),
    )


def find_user_by_sis_id(conn: sqlite3.Connection, district_id: str, sis_id: str) -> tuple[str, Record] | None:
    row = conn.execute(
        "SELECT kind, data FROM records WHERE district_id = ? AND sis_id = ? AND kind IN "
        "('students', 'teachers', 'staff') ORDER BY kind",
        (district_id, sis_id),
    ).fetchone()
    return (row["kind"], loads(row["data"])) if row else None


def district_row(conn: sqlite3.Connection, district_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM districts WHERE id = ?", (district_id,)).fetchone()
    return row


def district_for_admin_token(conn: sqlite3.Connection, token: str) -> str | None:
    row = conn.execute(
        "SELECT district_id FROM admin_tokens WHERE token_hash = ?", (token_hash(token),)
    ).fetchone()
    return str(row["district_id"]) if row else None


def add_event(
    conn: sqlite3.Connection, connection_id: str, at: str, actor: str, action: str, message: str = ""
) -> None:
    conn.execute(
        "INSERT INTO connection_events (connection_id, at, actor, action, message) VALUES (?, ?, ?, ?, ?)",
        (connection_id, at, actor, action, message),
    )


def connection_row(conn: sqlite3.Connection, district_id: str, connection_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM connections WHERE id = ? AND district_id = ?", (connection_id, district_id)
    ).fetchone()
    return row


def app_row(conn: sqlite3.Connection, app_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM apps WHERE id = ?", (app_id,)).fetchone()
    return row


def app_for_credentials(conn: sqlite3.Connection, client_id: str, client_secret: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM apps WHERE client_id = ?", (client_id,)).fetchone()
    if row is None or not secrets.compare_digest(row["secret_hash"], token_hash(client_secret)):
        return None
    return row


def app_entry(row: sqlite3.Row) -> dict[str, Any]:
    entry: dict[str, Any] = loads(row["data"])
    return entry
