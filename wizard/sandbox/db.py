"""The embedded hub's SQLite store: one file in WAL mode, schema created and migrated by the app.

Migrations are a list of SQL scripts; `PRAGMA user_version` records how many have run, so an older file is
brought up to date on open and a newer app never re-runs a step. Writes are serialised by one lock: the hub
serves one district admin (or a test) at a time, and that keeps SQLite free of "database is locked".
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from wizard.errors import UserFacingError

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE districts (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, state TEXT NOT NULL, nces_id TEXT NOT NULL,
        sis_vendor TEXT NOT NULL, admin_name TEXT NOT NULL, admin_email TEXT NOT NULL,
        admin_phone TEXT NOT NULL, sync_method TEXT, sso_provider TEXT, sync_state TEXT NOT NULL DEFAULT '',
        last_sync TEXT, created TEXT NOT NULL
    );
    CREATE TABLE admin_tokens (token_hash TEXT PRIMARY KEY, district_id TEXT NOT NULL REFERENCES districts(id));
    CREATE TABLE staff_admins (
        id TEXT PRIMARY KEY, district_id TEXT NOT NULL REFERENCES districts(id), name TEXT NOT NULL,
        email TEXT NOT NULL, title TEXT NOT NULL, created TEXT NOT NULL
    );
    CREATE TABLE uploads (
        id TEXT PRIMARY KEY, district_id TEXT NOT NULL REFERENCES districts(id), status TEXT NOT NULL,
        created TEXT NOT NULL, finished TEXT, result TEXT NOT NULL DEFAULT '{}', hold_reason TEXT
    );
    CREATE TABLE upload_files (
        upload_id TEXT NOT NULL REFERENCES uploads(id), name TEXT NOT NULL, content BLOB NOT NULL,
        PRIMARY KEY (upload_id, name)
    );
    CREATE TABLE records (
        district_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, sis_id TEXT NOT NULL,
        data TEXT NOT NULL, PRIMARY KEY (district_id, kind, id)
    );
    CREATE INDEX records_by_sis_id ON records (district_id, kind, sis_id);
    CREATE TABLE apps (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, data TEXT NOT NULL, client_id TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL
    );
    CREATE TABLE connections (
        id TEXT PRIMARY KEY, district_id TEXT NOT NULL REFERENCES districts(id),
        app_id TEXT NOT NULL REFERENCES apps(id), status TEXT NOT NULL, created TEXT NOT NULL,
        status_since REAL NOT NULL, scopes TEXT NOT NULL DEFAULT '[]', open_question TEXT,
        questions_asked INTEGER NOT NULL DEFAULT 0, sharing TEXT, vendor_confirmed INTEGER NOT NULL DEFAULT 0,
        launch_date TEXT, UNIQUE (district_id, app_id)
    );
    CREATE TABLE connection_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, connection_id TEXT NOT NULL REFERENCES connections(id),
        at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, message TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE district_app_tokens (
        id TEXT PRIMARY KEY, access_token TEXT NOT NULL UNIQUE, app_id TEXT NOT NULL,
        district_id TEXT NOT NULL, created TEXT NOT NULL, UNIQUE (app_id, district_id)
    );
    CREATE TABLE auth_codes (
        code_hash TEXT PRIMARY KEY, app_id TEXT NOT NULL, district_id TEXT NOT NULL, user_id TEXT NOT NULL,
        redirect_uri TEXT NOT NULL, expires REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE user_tokens (
        token_hash TEXT PRIMARY KEY, app_id TEXT NOT NULL, district_id TEXT NOT NULL, user_id TEXT NOT NULL,
        expires REAL NOT NULL
    );
    CREATE TABLE idempotency (
        scope TEXT NOT NULL, key TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL,
        body BLOB NOT NULL, created REAL NOT NULL, PRIMARY KEY (scope, key)
    );
    """,
    # 2: a counter bumped whenever a district's data set is replaced, so readers can cache it.
    """
    ALTER TABLE districts ADD COLUMN roster_version INTEGER NOT NULL DEFAULT 0
    """,
    # 3: a replay key is bound to its request body; answers stored before held admin tokens, so they go.
    """
    DELETE FROM idempotency;
    ALTER TABLE idempotency ADD COLUMN body_hash TEXT NOT NULL DEFAULT ''
    """,
    # 4: file sync over SFTP: each district's account (password hashed) and registered SSH keys; an upload
    # says how it came (http | sftp) and which files it held.
    """
    CREATE TABLE sftp_accounts (
        district_id TEXT PRIMARY KEY REFERENCES districts(id), username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL DEFAULT '', created TEXT NOT NULL, password_set TEXT
    );
    CREATE TABLE sftp_keys (
        district_id TEXT NOT NULL REFERENCES districts(id), fingerprint TEXT NOT NULL, key_type TEXT NOT NULL,
        public_key TEXT NOT NULL, comment TEXT NOT NULL DEFAULT '', added TEXT NOT NULL,
        PRIMARY KEY (district_id, fingerprint)
    );
    ALTER TABLE uploads ADD COLUMN source TEXT NOT NULL DEFAULT 'http';
    ALTER TABLE uploads ADD COLUMN file_names TEXT NOT NULL DEFAULT '[]'
    """,
    # 5: staff admins have a role (and a school tech lead their schools); a tech lead signs in with their own
    # token, kept hashed like the admin tokens.
    """
    ALTER TABLE staff_admins ADD COLUMN role TEXT NOT NULL DEFAULT 'district_admin';
    ALTER TABLE staff_admins ADD COLUMN school_ids TEXT NOT NULL DEFAULT '[]';
    CREATE TABLE staff_tokens (
        token_hash TEXT PRIMARY KEY, district_id TEXT NOT NULL REFERENCES districts(id),
        staff_id TEXT NOT NULL REFERENCES staff_admins(id) ON DELETE CASCADE
    );
    CREATE INDEX staff_admins_by_district ON staff_admins (district_id, created)
    """,
    # 6: the data browser: students and teachers findable by SIS id, email or name through indexes, and
    # each user's sections, so one page of answers costs its page and not the whole district.
    """
    CREATE TABLE people (
        district_id TEXT NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, sis_id TEXT NOT NULL,
        email TEXT NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL, full TEXT NOT NULL,
        PRIMARY KEY (district_id, kind, id)
    );
    CREATE INDEX people_by_sis_id ON people (district_id, sis_id);
    CREATE INDEX people_by_email ON people (district_id, email);
    CREATE INDEX people_by_first ON people (district_id, first);
    CREATE INDEX people_by_last ON people (district_id, last);
    CREATE INDEX people_by_full ON people (district_id, full);
    CREATE TABLE memberships (
        district_id TEXT NOT NULL, user_id TEXT NOT NULL, section_id TEXT NOT NULL,
        PRIMARY KEY (district_id, user_id, section_id)
    );
    INSERT INTO people (district_id, kind, id, sis_id, email, first, last, full)
        SELECT district_id, kind, id, lower(sis_id), lower(coalesce(json_extract(data, '$.email'), '')),
            lower(coalesce(json_extract(data, '$.name.first'), '')),
            lower(coalesce(json_extract(data, '$.name.last'), '')),
            lower(trim(coalesce(json_extract(data, '$.name.first'), '') || ' ' ||
                       coalesce(json_extract(data, '$.name.last'), '')))
        FROM records WHERE kind IN ('students', 'teachers');
    INSERT OR IGNORE INTO memberships (district_id, user_id, section_id)
        SELECT r.district_id, j.value, r.id FROM records r, json_each(r.data, '$.students') j
        WHERE r.kind = 'sections';
    INSERT OR IGNORE INTO memberships (district_id, user_id, section_id)
        SELECT r.district_id, j.value, r.id FROM records r, json_each(r.data, '$.teachers') j
        WHERE r.kind = 'sections'
    """,
    # 7: district-app tokens are kept only as hashes (with a short prefix to tell them apart); listing the
    # tokens issues a fresh one, as token stores that cannot show a secret again do. (Safe to run again.)
    """
    CREATE TABLE IF NOT EXISTS app_tokens (
        token_hash TEXT PRIMARY KEY, id TEXT NOT NULL, app_id TEXT NOT NULL, district_id TEXT NOT NULL,
        created TEXT NOT NULL, prefix TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS app_tokens_by_grant ON app_tokens (app_id, district_id, created);
    CREATE TABLE IF NOT EXISTS district_app_tokens (
        id TEXT, access_token TEXT, app_id TEXT, district_id TEXT, created TEXT
    );
    INSERT OR IGNORE INTO app_tokens (token_hash, id, app_id, district_id, created, prefix)
        SELECT sha256_hex(access_token), id, app_id, district_id, created, substr(access_token, 1, 6)
        FROM district_app_tokens;
    DROP TABLE district_app_tokens
    """,
    # 8: Data API pages in id order across kinds (users are students, teachers and staff): keyset paging
    # reads a page from this index instead of sorting the district.
    """
    CREATE INDEX IF NOT EXISTS records_by_id ON records (district_id, id)
    """,
    # 9: how many records of each kind a district has, and how many of each data warning its whole data set
    # raises, kept with the data set, so the sharing and validation pages of a connection that shares the
    # whole district never count (or load) the district. (Warnings of older sets are counted on demand.)
    """
    CREATE TABLE IF NOT EXISTS record_counts (
        district_id TEXT NOT NULL, kind TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (district_id, kind)
    );
    INSERT OR REPLACE INTO record_counts (district_id, kind, count)
        SELECT district_id, kind, count(*) FROM records GROUP BY district_id, kind;
    CREATE TABLE IF NOT EXISTS district_warnings (
        district_id TEXT NOT NULL, code TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (district_id, code)
    )
    """,
)


def _sha256_hex(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode()).hexdigest()


def _private_folder(folder: Path) -> None:
    """Create `folder` (and missing parents) user-only; a folder the hub created earlier is made so again."""
    missing = [part for part in (folder, *folder.parents) if not part.exists()]
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for part in missing:
        part.chmod(0o700)


class HubDatabaseError(UserFacingError):
    """The hub's database file cannot be used (not a database, damaged, or from a newer version)."""


class Database:
    """Opens short-lived connections to one SQLite file; `transaction()` is the only way to write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._write_lock = threading.RLock()
        try:
            _private_folder(path.parent)
            if not path.exists():  # created user-only: it holds student records and token hashes
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            with closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
            self.migrate()
            for part in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
                if part.exists():
                    part.chmod(0o600)
        except (sqlite3.DatabaseError, OSError) as error:
            raise HubDatabaseError(
                f"The embedded hub cannot use its database {path} ({error}).",
                "Move that file aside (the hub then starts empty) or choose another with --db.",
            ) from None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.create_function("sha256_hex", 1, _sha256_hex, deterministic=True)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        conn.execute(
            "PRAGMA synchronous=NORMAL"
        )  # WAL stays consistent; a sandbox may lose its last write on power loss
        return conn

    def migrate(self) -> None:
        with self.transaction() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version > len(MIGRATIONS):
                raise HubDatabaseError(
                    f"The hub database {self.path} was written by a newer version of the wizard.",
                    "Update the wizard, or choose another database file.",
                )
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                for statement in filter(None, (part.strip() for part in script.split(";"))):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")

    @property
    def schema_version(self) -> int:
        with self.read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self, attach: Path | None = None) -> Iterator[sqlite3.Connection]:
        """The one way to write. `attach`: a scratch database (an upload being applied) reachable as `scratch`."""
        with self._write_lock:
            conn = self._connect()
            try:
                if attach is not None:
                    conn.execute("ATTACH DATABASE ? AS scratch", (str(attach),))
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                conn.close()

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def loads(text: str | bytes | None) -> Any:
    return json.loads(text) if text else None
