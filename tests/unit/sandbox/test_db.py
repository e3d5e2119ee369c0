from __future__ import annotations

import sqlite3
from pathlib import Path

from wizard.sandbox.db import MIGRATIONS, Database


def test_schema_is_created_in_wal_mode_and_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "hub.sqlite3"
    db = Database(path)
    assert db.schema_version == len(MIGRATIONS)
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES ('a', 'A', '{}', 'c', 'h')"
        )
    again = Database(path)
    with again.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM apps").fetchone()[0] == 1


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    db = Database(tmp_path / "hub.sqlite3")
    try:
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES ('a', 'A', '{}', 'c', 'h')"
            )
            conn.execute(
                "INSERT INTO apps (id, name, data, client_id, secret_hash) VALUES ('a', 'A', '{}', 'c', 'h')"
            )
    except sqlite3.IntegrityError:
        pass
    with db.read() as conn:
        assert conn.execute("SELECT count(*) FROM apps").fetchone()[0] == 0
