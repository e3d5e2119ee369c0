"""Reading and writing the hub's tables: districts, tokens, roster records, apps, connections.

Functions take an open connection so a route can do several steps in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from wizard.sandbox import sharing as share
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


def record_text(record: Record) -> str:
    """A record as stored: keys sorted, text unescaped, as the uploads' SQL writes them (so the two compare)."""
    return json.dumps(record, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def save_roster(conn: sqlite3.Connection, district_id: str, data: RosterData) -> None:
    """Replace the district's whole data set (an upload overwrites the previous one)."""
    conn.execute("DELETE FROM records WHERE district_id = ?", (district_id,))
    conn.execute("UPDATE districts SET roster_version = roster_version + 1 WHERE id = ?", (district_id,))
    conn.executemany(
        "INSERT INTO records (district_id, kind, id, sis_id, data) VALUES (?, ?, ?, ?, ?)",
        (
            (district_id, kind, record_id, sis_id_of(record), record_text(record))
            for kind in STORED_KINDS
            for record_id, record in data.records.get(kind, {}).items()
        ),
    )
    conn.execute("DELETE FROM record_counts WHERE district_id = ?", (district_id,))
    conn.executemany(
        "INSERT INTO record_counts (district_id, kind, count) VALUES (?, ?, ?)",
        ((district_id, kind, len(records)) for kind, records in data.records.items() if records),
    )
    everything = share.shared_ids(data, share.Sharing("district"))
    found = {warning.code: len(warning.record_ids) for warning in share.data_warnings(data, everything)}
    conn.execute("DELETE FROM district_warnings WHERE district_id = ?", (district_id,))
    conn.executemany(
        "INSERT INTO district_warnings (district_id, code, count) VALUES (?, ?, ?)",
        ((district_id, code, found.get(code, 0)) for code in share.WARNINGS),
    )
    conn.execute("DELETE FROM people WHERE district_id = ?", (district_id,))
    conn.execute("DELETE FROM memberships WHERE district_id = ?", (district_id,))
    conn.executemany(
        "INSERT INTO people (district_id, kind, id, sis_id, email, first, last, full) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (district_id, kind, record_id, *_search_keys(record))
            for kind in ("students", "teachers")
            for record_id, record in data.records.get(kind, {}).items()
        ),
    )
    conn.executemany(
        "INSERT OR IGNORE INTO memberships (district_id, user_id, section_id) VALUES (?, ?, ?)",
        (
            (district_id, str(user_id), section_id)
            for section_id, section in data.records.get("sections", {}).items()
            for user_id in [*section.get("students", []), *section.get("teachers", [])]
        ),
    )


def record_counts(conn: sqlite3.Connection, district_id: str) -> dict[str, int]:
    """Records per kind in the district's data set (kept with it: no count over the district)."""
    counts = dict.fromkeys(STORED_KINDS, 0)
    for row in conn.execute("SELECT kind, count FROM record_counts WHERE district_id = ?", (district_id,)):
        counts[str(row[0])] = int(row[1])
    return counts


def district_warning_counts(conn: sqlite3.Connection, district_id: str) -> dict[str, int] | None:
    """How many records each data warning names in the district's whole data set (None: not kept for it)."""
    rows = conn.execute(
        "SELECT code, count FROM district_warnings WHERE district_id = ?", (district_id,)
    ).fetchall()
    return {str(row[0]): int(row[1]) for row in rows} if rows else None


def _search_keys(record: Record) -> tuple[str, str, str, str, str]:
    """What the data browser finds a user by, case-folded: SIS id, email, first, last and full name."""
    name = record.get("name") or {}
    first, last = str(name.get("first") or "").lower(), str(name.get("last") or "").lower()
    email = str(record.get("email") or "").lower()
    return sis_id_of(record).lower(), email, first, last, f"{first} {last}".strip()


SEARCH_PEOPLE = (
    " UNION ".join(  # one indexed look-up per way to match, then the page of the union
        f"SELECT kind, id FROM people WHERE district_id = :d AND id > :after AND {term}"
        for term in (
            "sis_id = :q",
            "email = :q",
            "first >= :q AND first < :hi",
            "last >= :q AND last < :hi",
            "full >= :q AND full < :hi",
        )
    )
    + " ORDER BY id LIMIT :limit"
)


def search_people(
    conn: sqlite3.Connection, district_id: str, query: str, limit: int, starting_after: str = ""
) -> list[sqlite3.Row]:
    """Students and teachers whose SIS id or email is `query`, or whose first, last or full name starts with
    it (case-insensitive), sorted by id, at most `limit` after `starting_after`: each term uses its index."""
    needle = query.strip().lower()
    if not needle:
        return []
    high = needle + "\U0010ffff"
    rows: list[sqlite3.Row] = conn.execute(
        SEARCH_PEOPLE,
        {"d": district_id, "q": needle, "hi": high, "after": starting_after, "limit": limit},
    ).fetchall()
    return rows


def records_by_id(
    conn: sqlite3.Connection, district_id: str, kind: str, ids: Iterable[str]
) -> dict[str, Record]:
    """Some records of one kind by hub id (primary-key look-ups)."""
    found: dict[str, Record] = {}
    for record_id in dict.fromkeys(ids):
        row = conn.execute(
            "SELECT data FROM records WHERE district_id = ? AND kind = ? AND id = ?",
            (district_id, kind, record_id),
        ).fetchone()
        if row is not None:
            found[record_id] = loads(row["data"])
    return found


def sections_of_user(conn: sqlite3.Connection, district_id: str, user_id: str) -> list[str]:
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT section_id FROM memberships WHERE district_id = ? AND user_id = ? ORDER BY section_id",
            (district_id, user_id),
        )
    ]


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


# ---- districts and their admins -------------------------------------------------------------------------------


def insert_district(conn: sqlite3.Connection, district_id: str, fields: dict[str, str], created: str) -> None:
    """A new district (`fields`: name, state, nces_id, sis_vendor, admin_name, admin_email, admin_phone)."""
    conn.execute(
        "INSERT INTO districts (id, name, state, nces_id, sis_vendor, admin_name, admin_email, admin_phone, "
        "created) VALUES (:id, :name, :state, :nces_id, :sis_vendor, :admin_name, :admin_email, :admin_phone, "
        ":created)",
        {**fields, "id": district_id, "created": created},
    )


def add_admin_token(conn: sqlite3.Connection, district_id: str, token: str) -> None:
    conn.execute(
        "INSERT INTO admin_tokens (token_hash, district_id) VALUES (?, ?)", (token_hash(token), district_id)
    )


def district_by_nces_id(conn: sqlite3.Connection, nces_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM districts WHERE nces_id = ? ORDER BY created, rowid LIMIT 1", (nces_id,)
    ).fetchone()
    return row


def set_sync_method(conn: sqlite3.Connection, district_id: str, method: str) -> None:
    conn.execute(
        "UPDATE districts SET sync_method = ?, sync_state = CASE WHEN sync_state = '' THEN 'pending' "
        "ELSE sync_state END WHERE id = ?",
        (method, district_id),
    )


def set_sso_provider(conn: sqlite3.Connection, district_id: str, provider: str) -> None:
    conn.execute("UPDATE districts SET sso_provider = ? WHERE id = ?", (provider, district_id))


def staff_admin_exists(conn: sqlite3.Connection, district_id: str, email: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM staff_admins WHERE district_id = ? AND lower(email) = lower(?)",
            (district_id, email),
        ).fetchone()
        is not None
    )


def insert_staff_admin(
    conn: sqlite3.Connection,
    district_id: str,
    admin: dict[str, str],
    created: str,
    school_ids: list[str] | None = None,
    token: str | None = None,
) -> None:
    """A staff admin (`admin`: id, name, email, title, role); a school tech lead with their schools and token."""
    conn.execute(
        "INSERT INTO staff_admins (id, district_id, name, email, title, role, school_ids, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            admin["id"],
            district_id,
            admin["name"],
            admin["email"],
            admin["title"],
            admin.get("role", "district_admin"),
            dumps(list(school_ids or [])),
            created,
        ),
    )
    if token is not None:
        conn.execute(
            "INSERT INTO staff_tokens (token_hash, district_id, staff_id) VALUES (?, ?, ?)",
            (token_hash(token), district_id, admin["id"]),
        )


def remove_staff_admin(conn: sqlite3.Connection, district_id: str, staff_id: str) -> bool:
    """Remove one staff admin and their token; False when the district has no such staff admin."""
    conn.execute("DELETE FROM staff_tokens WHERE staff_id = ? AND district_id = ?", (staff_id, district_id))
    removed = conn.execute(
        "DELETE FROM staff_admins WHERE id = ? AND district_id = ?", (staff_id, district_id)
    ).rowcount
    return bool(removed)


def staff_for_token(conn: sqlite3.Connection, token: str) -> sqlite3.Row | None:
    """The staff admin a staff token belongs to (joined with nothing: district_id is on the row)."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT s.* FROM staff_tokens t JOIN staff_admins s ON s.id = t.staff_id WHERE t.token_hash = ?",
        (token_hash(token),),
    ).fetchone()
    return row


def staff_school_ids(row: sqlite3.Row) -> list[str]:
    return [str(i) for i in loads(row["school_ids"]) or []]


def staff_admins(conn: sqlite3.Connection, district_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM staff_admins WHERE district_id = ? ORDER BY created, rowid", (district_id,)
    ).fetchall()


def district_progress(conn: sqlite3.Connection, district_id: str) -> tuple[str | None, bool, int]:
    """The last upload's status, whether the district has roster data, and how many staff admins it has."""
    last_upload = conn.execute(
        "SELECT status FROM uploads WHERE district_id = ? ORDER BY created DESC, rowid DESC LIMIT 1",
        (district_id,),
    ).fetchone()
    has_data = conn.execute("SELECT 1 FROM records WHERE district_id = ? LIMIT 1", (district_id,)).fetchone()
    admins = conn.execute(
        "SELECT COUNT(*) FROM staff_admins WHERE district_id = ?", (district_id,)
    ).fetchone()
    return (last_upload["status"] if last_upload else None), has_data is not None, int(admins[0])


def apps(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM apps ORDER BY name").fetchall()
