"""What the Clever-compatible surface reads and writes: app tokens, sign-in codes, and a connection's grants.

District-app tokens let an app read one district's shared data; user tokens (from Instant Login) let it ask
who signed in. Codes and user tokens are stored only as hashes.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from wizard.sandbox import sharing as share
from wizard.sandbox.db import loads
from wizard.sandbox.records import Record, RosterData
from wizard.sandbox.store import load_roster, new_id, new_token, token_hash
from wizard.wire.vocab import ConnectionStatus


def token_owner(conn: sqlite3.Connection, token: str, now: float) -> tuple[str, str, str | None] | None:
    """(app id, district id, user id or None) for a district-app token or an unexpired user token."""
    row = conn.execute(
        "SELECT app_id, district_id FROM app_tokens WHERE token_hash = ?", (token_hash(token),)
    ).fetchone()
    if row is not None:
        return str(row["app_id"]), str(row["district_id"]), None
    row = conn.execute(
        "SELECT app_id, district_id, user_id FROM user_tokens WHERE token_hash = ? AND expires > ?",
        (token_hash(token), now),
    ).fetchone()
    return (str(row["app_id"]), str(row["district_id"]), str(row["user_id"])) if row else None


def grant(conn: sqlite3.Connection, app_id: str, district_id: str) -> sqlite3.Row | None:
    """The district's connection to the app (status, scopes, sharing, launch date), if any."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM connections WHERE app_id = ? AND district_id = ?", (app_id, district_id)
    ).fetchone()
    return row


def scopes_of(conn: sqlite3.Connection, app_id: str, district_id: str) -> list[str]:
    row = grant(conn, app_id, district_id)
    return list(loads(row["scopes"]) or []) if row else []


KEPT_TOKENS = 5  # per app and district: tokens listed earlier keep working until five newer ones exist


def issue_district_tokens(
    conn: sqlite3.Connection, app_id: str, now: str
) -> list[tuple[sqlite3.Row, str, str]]:
    """A fresh token for each district whose connection to the app is live: (connection, token id, token).

    Only the token's hash is stored, so a listing cannot show an earlier token again; it issues a new one
    and keeps the last few valid, so a token an app is using does not stop working at the next listing.
    """
    issued = []
    for grant_row in conn.execute(
        "SELECT * FROM connections WHERE app_id = ? AND status = ? ORDER BY district_id",
        (app_id, ConnectionStatus.CONNECTED),
    ).fetchall():
        token, token_id = new_token(), new_id()
        conn.execute(
            "INSERT INTO app_tokens (token_hash, id, app_id, district_id, created, prefix) VALUES (?, ?, ?, ?, ?, ?)",
            (token_hash(token), token_id, app_id, grant_row["district_id"], now, token[:6]),
        )
        conn.execute(
            "DELETE FROM app_tokens WHERE app_id = ? AND district_id = ? AND token_hash NOT IN (SELECT token_hash "
            "FROM app_tokens WHERE app_id = ? AND district_id = ? ORDER BY created DESC, rowid DESC LIMIT ?)",
            (app_id, grant_row["district_id"], app_id, grant_row["district_id"], KEPT_TOKENS),
        )
        issued.append((grant_row, token_id, token))
    return issued


def app_by_client_id(conn: sqlite3.Connection, client_id: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM apps WHERE client_id = ?", (client_id,)).fetchone()
    return row


def connected_districts(conn: sqlite3.Connection, app_id: str) -> list[str]:
    return [
        str(row["district_id"])
        for row in conn.execute(
            "SELECT district_id FROM connections WHERE app_id = ? AND status = ?",
            (app_id, ConnectionStatus.CONNECTED),
        )
    ]


def find_login_user(conn: sqlite3.Connection, district_id: str, hint: str) -> Record | None:
    """The student, teacher or staff member whose SIS id or email is `hint`."""
    row = conn.execute(
        "SELECT data FROM records WHERE district_id = ? AND kind IN ('students', 'teachers', 'staff') "
        "AND (sis_id = ? OR lower(json_extract(data, '$.email')) = lower(?)) ORDER BY kind LIMIT 1",
        (district_id, hint, hint),
    ).fetchone()
    record: Record | None = loads(row["data"]) if row else None
    return record


def add_auth_code(conn: sqlite3.Connection, code: str, fields: dict[str, Any]) -> None:
    """A sign-in code (`fields`: app_id, district_id, user_id, redirect_uri, expires), stored as a hash."""
    conn.execute(
        "INSERT INTO auth_codes (code_hash, app_id, district_id, user_id, redirect_uri, expires) "
        "VALUES (:code_hash, :app_id, :district_id, :user_id, :redirect_uri, :expires)",
        {**fields, "code_hash": token_hash(code)},
    )


def auth_code(conn: sqlite3.Connection, code: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM auth_codes WHERE code_hash = ?", (token_hash(code),)
    ).fetchone()
    return row


def use_auth_code(conn: sqlite3.Connection, code_hash: str) -> None:
    conn.execute("UPDATE auth_codes SET used = 1 WHERE code_hash = ?", (code_hash,))


def add_user_token(conn: sqlite3.Connection, token: str, code: sqlite3.Row, expires: float) -> None:
    conn.execute(
        "INSERT INTO user_tokens (token_hash, app_id, district_id, user_id, expires) VALUES (?, ?, ?, ?, ?)",
        (token_hash(token), code["app_id"], code["district_id"], code["user_id"], expires),
    )


def shared_with_app(
    conn: sqlite3.Connection, app_id: str, district_id: str
) -> tuple[RosterData, dict[str, set[str]]]:
    """The district's roster and the ids of each kind it shares with the app."""
    roster = load_roster(conn, district_id)
    row = grant(conn, app_id, district_id)
    stored = loads(row["sharing"]) if row else None
    return roster, share.shared_ids(roster, share.Sharing.from_dict(stored) if stored else None)
